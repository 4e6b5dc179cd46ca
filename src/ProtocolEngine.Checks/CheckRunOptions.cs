using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks;

/// <summary>How <see cref="CheckRunner"/> runs a protocol's checks.</summary>
public sealed class CheckRunOptions
{
    /// <summary>"Now" for rules that call Now() or Today(): fixed for the whole run so results are reproducible (the current time by default).</summary>
    public CqlDateTime? AsOf { get; init; }

    /// <summary>Step, time and list limits per evaluation of a check.</summary>
    public EvaluationLimits Limits { get; init; } = EvaluationLimits.Default;

    /// <summary>How many threads evaluate subjects (the number of processors by default). Results do not depend on it.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The most failures (and, separately, records that cannot be evaluated) listed per check; 0 lists all. Counts are always exact.</summary>
    public int DetailLimit { get; init; }

    /// <summary>Only these checks run (by id); all of them when null.</summary>
    public IReadOnlyCollection<string>? Only { get; init; }

    /// <summary>Told as subjects are evaluated: (subjects done, subjects in the study).</summary>
    public IProgress<(long Done, long Total)>? Progress { get; init; }

    /// <summary>The engine name and version written into reports.</summary>
    public string Engine { get; init; } = "ProtocolEngine " + (typeof(CheckRunOptions).Assembly.GetName().Version?.ToString(3) ?? "0.1.0");
}
