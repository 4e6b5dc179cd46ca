using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening;

/// <summary>
/// How a population is screened: which subjects, phase and date, and what to keep. How criteria are decided (missing
/// data Unknown, recorded determinations) is not an option: it is the <see cref="ProtocolEngine.Runtime.Eligibility.EligibilityEvaluator"/>'s.
/// </summary>
public sealed record ScreeningOptions
{
    /// <summary>"Today" for every rule (Today(), Now(), durations up to now), fixed so results are reproducible. Default: the current UTC date.</summary>
    public CqlDateTime? AsOf { get; init; }

    /// <summary>Screen only the criteria of this phase (for example prescreen); null screens every criterion.</summary>
    public string? Phase { get; init; }

    /// <summary>
    /// Screen only these criteria (by id, within the phase); null screens every criterion. A hybrid backend runs here the
    /// criteria a database cannot decide; the status of a subject screened on some criteria only is not its eligibility.
    /// </summary>
    public IReadOnlyCollection<string>? Criteria { get; init; }

    /// <summary>Screen only these subjects (USUBJIDs), in this order; null screens everyone.</summary>
    public IReadOnlyList<string>? Subjects { get; init; }

    /// <summary>Keep each criterion's evidence (the records and values it read). Costs memory on large populations.</summary>
    public bool RecordEvidence { get; init; } = true;

    /// <summary>The most evidence items kept per criterion and subject.</summary>
    public int EvidenceCapacity { get; init; } = 100;

    /// <summary>Worker threads; the default is one per core.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Step, list-size and time limits per rule.</summary>
    public EvaluationLimits? Limits { get; init; }

    /// <summary>Receives the number of subjects screened so far.</summary>
    public IProgress<int>? Progress { get; init; }
}
