namespace ProtocolEngine.Checks.Core;

/// <summary>The outcome of one CORE rule over a study: its result, or why it could not run.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Result">What it found; null when it could not run.</param>
/// <param name="NotRun">Why it could not run (a construct not evaluated yet), or null.</param>
/// <param name="RecordsEvaluated">Records of the datasets in its scope.</param>
public sealed record CoreRuleOutcome(CoreRule Rule, CoreRunResult? Result, string? NotRun, long RecordsEvaluated)
{
    /// <summary>
    /// What the outcome says, in one word: <c>issues</c>; <c>success</c> only when records were evaluated and none
    /// failed; <c>not evaluable</c> when every dataset in scope lacks a variable the rule needs (zero records
    /// evaluated is never a success); <c>not applicable</c> when no dataset is in scope; <c>not run</c> when the rule
    /// uses a construct not evaluated yet.
    /// </summary>
    public string Status => Result switch
    {
        null => "not run",
        { Issues.Count: > 0 } => "issues",
        { DatasetsChecked.Count: 0 } => "not applicable",
        var r when r.NotEvaluable.Count >= r.DatasetsChecked.Count => "not evaluable",
        _ => "success",
    };
}

/// <summary>A set of CORE rules read from a folder (CORE-nnnnnn/rule.yml), run together over a study.</summary>
public sealed class CoreRuleSet
{
    private CoreRuleSet(IReadOnlyList<CoreRule> rules) => Rules = rules;

    /// <summary>A set of the given rules.</summary>
    public static CoreRuleSet Of(IReadOnlyList<CoreRule> rules) => new(rules);

    /// <summary>The rules, in id order.</summary>
    public IReadOnlyList<CoreRule> Rules { get; }

    /// <summary>
    /// Reads every rule under <paramref name="folder"/> citing one of <paramref name="families"/> (all when null) and
    /// applying to <paramref name="standard"/> (SDTMIG, SENDIG; any when null): an FDA business rule written for SEND
    /// does not run on SDTM data.
    /// </summary>
    /// <exception cref="CoreRuleFormatException">A rule file cannot be read.</exception>
    public static CoreRuleSet Read(string folder, IReadOnlySet<string>? families = null, string? standard = null) =>
        new([.. CoreConformanceRunner.FindRules(folder).Select(f => CoreRuleReader.Read(Path.Combine(f, "rule.yml")))
            .Where(r => families is null || r.Families.Any(families.Contains))
            .Where(r => standard is null || r.Standards.Any(s => string.Equals(s.Split(' ')[0], standard, StringComparison.OrdinalIgnoreCase)))]);

    /// <summary>Runs every rule over the study; a rule that cannot run is reported with the reason, never dropped.</summary>
    public IReadOnlyList<CoreRuleOutcome> Run(CoreStudy study, CancellationToken cancellationToken = default)
    {
        var outcomes = new List<CoreRuleOutcome>(Rules.Count);
        foreach (var rule in Rules)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var result = CoreRuleEngine.Run(rule, study);
                // Records of the datasets actually evaluated: a dataset lacking a needed variable adds none.
                var notEvaluable = result.NotEvaluable.Select(n => n.Split(':')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
                long records = result.DatasetsChecked.Where(d => !notEvaluable.Contains(d)).Sum(d => (long)(study.Find(d)?.Rows.Count ?? 0));
                outcomes.Add(new CoreRuleOutcome(rule, result, null, records));
            }
            catch (CoreNotEvaluableException e)
            {
                outcomes.Add(new CoreRuleOutcome(rule, null, e.Message, 0));
            }
        }
        return outcomes;
    }
}
