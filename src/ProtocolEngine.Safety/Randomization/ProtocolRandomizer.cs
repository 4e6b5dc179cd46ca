using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Safety.Randomization;

/// <summary>
/// The randomisation a protocol declares (<c>arms ... randomize permuted blocks of 6 stratified by DM.SITEID</c>): the
/// allocation ratio from the arms, the block sizes, the stratum from the stratification factors evaluated on the
/// subject's data by the protocol's compiled rules, and a <see cref="PermutedBlockRandomizer"/> per protocol. A factor
/// the data do not give (the subject is not in the study data, or the value is missing) is taken from the instance
/// value of the same name (for example <c>DM.SITEID</c>), else the subject is randomised in the stratum of missing
/// values, named so in the journal: missing data never stops a randomisation silently, and a person can see it.
/// <para>
/// What the journal gets (<see cref="RandomizationResult.Method"/>) names the scheme and the stratum only, never the
/// block size or the position in the block.
/// </para>
/// </summary>
public sealed class ProtocolRandomizer : ISubjectRandomizer
{
    /// <summary>How a missing stratification value is shown in the stratum key.</summary>
    public const string MissingValue = "(missing)";

    private readonly ExecutableProtocol _executable;
    private readonly StudyData? _study;
    private readonly PermutedBlockRandomizer _allocator;
    private readonly IReadOnlyList<string> _factors;
    private readonly string _ruleHash;
    private readonly NodaTime.IClock _clock;

    /// <summary>Creates the randomiser of a protocol.</summary>
    /// <param name="protocol">The compiled protocol (without errors), with arms and a <c>randomize</c> line.</param>
    /// <param name="study">The study data the stratification factors are read from (null: instance values only).</param>
    /// <param name="seed">The secret seed; null takes the protocol's <c>seed</c>.</param>
    /// <param name="clock">"Now" for factors that depend on it (an age group): the engine's clock, virtual in a simulation; default the system clock.</param>
    /// <exception cref="ArgumentException">The protocol declares no randomisation, or neither it nor the caller gives a seed.</exception>
    public ProtocolRandomizer(CompiledProtocol protocol, StudyData? study, byte[]? seed = null, NodaTime.IClock? clock = null)
    {
        _clock = clock ?? NodaTime.SystemClock.Instance;
        var scheme = protocol.Randomization ?? throw new ArgumentException($"Protocol {protocol.Name} declares no randomisation (`randomize permuted blocks of N ...` after its arms).", nameof(protocol));
        seed ??= scheme.Seed is { } s ? PermutedBlockRandomizer.SeedFrom(s) : throw new ArgumentException($"Protocol {protocol.Name} states no seed: give the randomisation service's secret seed.", nameof(seed));
        _executable = ExecutableProtocol.For(protocol);
        _study = study;
        _allocator = new PermutedBlockRandomizer([.. protocol.Arms.Values.Select(a => new ArmRatio(a.Name, a.Ratio))], [.. scheme.BlockSizes], seed, protocol.Name);
        var arms = protocol.Syntax.Declarations.OfType<ArmsSyntax>().FirstOrDefault(a => a.Randomization is not null);
        _factors = arms?.Randomization is { } r ? [.. r.Strata.Select(f => protocol.Source.Slice(f.Span).Trim())] : [];
        // The rule behind every allocation: the arms declaration as written (ratios, blocks, factors) and what the factors read.
        _ruleHash = scheme.Identity.Hash;
    }

    /// <summary>The names of the stratification factors, as the protocol writes them.</summary>
    public IReadOnlyList<string> Factors => _factors;

    /// <summary>The stratum of a subject: <c>factor=value</c> for each factor, joined by "; " (empty without factors).</summary>
    public string StratumOf(string subjectId, IReadOnlyDictionary<string, string>? values = null) => Stratify(subjectId, values).Stratum;

    private (string Stratum, string? Problem) Stratify(string subjectId, IReadOnlyDictionary<string, string>? values)
    {
        var parts = new string[_factors.Count];
        List<string>? problems = null;
        int index = _study?.IndexOfSubject(subjectId) ?? -1;
        EvaluationContext? ctx = null;
        if (index >= 0)
        {
            ctx = _executable.CreateContext(_study, CqlDateTime.FromDateTime(_clock.GetCurrentInstant().ToDateTimeUtc(), DateTimePrecision.Millisecond, 0));
            ctx.BeginSubject(index);
        }
        for (int i = 0; i < _factors.Count; i++)
        {
            string? value = null;
            if (ctx is not null)
            {
                var r = RuleRunner.Run(ctx, _executable.Strata[i], "randomize", default, _executable.Source!.Source);
                if (r.Succeeded && r.Value is not null) value = r.Value is string text ? text : CqlFormatter.Format(r.Value);
                // A factor whose rule failed is randomised as missing, and the failure goes to the journal with it.
                else if (!r.Succeeded) (problems ??= []).Add($"{_factors[i]} could not be evaluated ({r.Error!.Code}: {r.Error.Message})");
            }
            if (value is null && values is not null && values.TryGetValue(_factors[i], out var given) && given.Length > 0) value = given;
            parts[i] = $"{_factors[i]}={value ?? MissingValue}";
        }
        return (string.Join("; ", parts), problems is null ? null : string.Join("; ", problems));
    }

    /// <inheritdoc />
    public RandomizationResult Randomize(WorkflowSubject subject)
    {
        var (stratum, problem) = Stratify(subject.SubjectId, subject.Values);
        var allocation = _allocator.Assign(subject.SubjectId, stratum);
        return new RandomizationResult(allocation.Arm, Describe(allocation.Stratum) + (problem is null ? "" : NoteSeparator + problem), [_ruleHash]);
    }

    /// <summary>Replays earlier allocations (in the order they were made) after a restart; see <see cref="PermutedBlockRandomizer.Restore"/>.</summary>
    public void Restore(IEnumerable<Allocation> previous) => _allocator.Restore(previous);

    /// <summary>The stratum named in a journal entry written by <see cref="Randomize"/>, or null when the text is not one.</summary>
    public static string? StratumFromMethod(string? method)
    {
        if (method is null || !method.StartsWith(MethodPrefix, StringComparison.Ordinal)) return null;
        int note = method.IndexOf(NoteSeparator, StringComparison.Ordinal);
        return note < 0 ? method[MethodPrefix.Length..] : method[MethodPrefix.Length..note];
    }

    private const string MethodPrefix = "permuted blocks, stratum ";
    private const string NoteSeparator = " | note: ";

    private static string Describe(string stratum) => MethodPrefix + stratum;
}
