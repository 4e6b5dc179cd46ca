using System.Globalization;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Screening;

/// <summary>
/// Audits eligibility criteria for fairness across subgroups (sex, race, ethnicity, age group): for each criterion
/// and subgroup, the exclusion rate, its ratio to the overall rate with a 95% confidence interval, and a flag when a
/// subgroup is excluded at 1.25 times the overall rate or more with the interval above 1; and the composition of
/// the screened, not-excluded and eligible populations.
/// </summary>
/// <remarks>
/// The subgroup is part of the overall population, so the ratio's variance accounts for that overlap (delta
/// method on log(p_g) - log(p), with p = w p_g + (1 - w) p_rest): a subgroup that is most of the population
/// gets a narrow interval around 1, as it should. A subgroup with no exclusions gets a Haldane correction
/// (half a subject) in the variance only.
/// </remarks>
public static class FairnessAudit
{
    /// <summary>The subgroup variables audited when none are given.</summary>
    public static IReadOnlyList<string> DefaultVariables { get; } = ["SEX", "RACE", "ETHNIC", "AGEGROUP"];

    /// <summary>The ratio to the overall exclusion rate from which a subgroup is flagged (with the interval above 1).</summary>
    public const double FlagRatio = 1.25;

    /// <summary>The label of subjects whose subgroup variable is missing.</summary>
    public const string MissingLevel = "(missing)";

    private const double Z95 = 1.959963984540054;

    /// <summary>Audits a screening by the given DM variables; AGEGROUP is derived from DM.AGE when DM has no such variable.</summary>
    /// <exception cref="ArgumentException">A variable is neither in DM nor derivable.</exception>
    public static FairnessReport Compute(ScreeningResult result, IReadOnlyList<string>? variables = null)
    {
        variables ??= DefaultVariables;
        var dm = result.Study.GetDomain("DM") ?? throw new ArgumentException("The study has no DM domain: subgroups come from DM.");
        int n = result.SubjectCount;
        var groupings = new List<(string Variable, string[] Levels, int[] LevelOf)>();
        foreach (var variable in variables)
        {
            var labels = SubgroupLabels(dm, result, variable.Trim().ToUpperInvariant());
            var levels = labels.Distinct(StringComparer.Ordinal).Order(LevelOrder.Instance).ToArray();
            var index = levels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
            groupings.Add((variable.Trim().ToUpperInvariant(), levels, [.. labels.Select(l => index[l])]));
        }

        // Row per criterion, plus one for the whole protocol (ineligible for any reason).
        var targets = new List<(string Id, Func<int, bool> Excluded, Func<int, bool> Unknown)>();
        for (int j = 0; j < result.Criteria.Count; j++)
        {
            int c = j;
            var kind = result.Criteria[c].Kind;
            targets.Add((result.Criteria[c].Id,
                i => EligibilityEvaluator.IsFailing(kind, result.Outcome(i, c)),
                i => result.Outcome(i, c) is CriterionOutcome.Unknown));
        }
        targets.Add((FairnessReport.AnyCriterion, i => result.Status(i) == EligibilityStatus.Ineligible, i => result.Status(i) == EligibilityStatus.NeedsReview));

        var rows = new List<FairnessRow>();
        foreach (var (id, excludedOf, unknownOf) in targets)
        {
            var excluded = new bool[n];
            int total = 0;
            for (int i = 0; i < n; i++)
                if (excluded[i] = excludedOf(i)) total++;
            foreach (var (variable, levels, levelOf) in groupings)
            {
                var size = new int[levels.Length];
                var hits = new int[levels.Length];
                var unknown = new int[levels.Length];
                for (int i = 0; i < n; i++)
                {
                    size[levelOf[i]]++;
                    if (excluded[i]) hits[levelOf[i]]++;
                    else if (unknownOf(i)) unknown[levelOf[i]]++;
                }
                for (int l = 0; l < levels.Length; l++)
                {
                    var (ratio, low, high) = RatioToOverall(hits[l], size[l], total, n);
                    bool flagged = ratio >= FlagRatio && low > 1;
                    rows.Add(new FairnessRow(id, variable, levels[l], size[l], hits[l], unknown[l], Rate(hits[l], size[l]), Rate(total, n), ratio, low, high, flagged));
                }
            }
        }

        var composition = new List<CompositionRow>();
        int screened = n, notExcluded = 0, eligible = 0;
        for (int i = 0; i < n; i++)
        {
            if (result.Status(i) != EligibilityStatus.Ineligible) notExcluded++;
            if (result.Status(i) == EligibilityStatus.Eligible) eligible++;
        }
        foreach (var (variable, levels, levelOf) in groupings)
        {
            var s = new int[levels.Length];
            var ne = new int[levels.Length];
            var e = new int[levels.Length];
            for (int i = 0; i < n; i++)
            {
                s[levelOf[i]]++;
                if (result.Status(i) != EligibilityStatus.Ineligible) ne[levelOf[i]]++;
                if (result.Status(i) == EligibilityStatus.Eligible) e[levelOf[i]]++;
            }
            for (int l = 0; l < levels.Length; l++)
                composition.Add(new CompositionRow(variable, levels[l], s[l], Rate(s[l], screened), ne[l], Rate(ne[l], notExcluded), e[l], Rate(e[l], eligible)));
        }
        return new FairnessReport([.. groupings.Select(g => g.Variable)], rows, composition);
    }

    /// <summary>
    /// The ratio of a subgroup's exclusion rate to the overall rate, with its 95% confidence interval; null when the
    /// overall rate is 0 (nobody excluded: nothing to compare).
    /// </summary>
    public static (double? Ratio, double? Low, double? High) RatioToOverall(int excludedInGroup, int groupSize, int excludedOverall, int overallSize)
    {
        if (groupSize == 0 || excludedOverall == 0) return (null, null, null);
        double pg = (double)excludedInGroup / groupSize;
        double p = (double)excludedOverall / overallSize;
        double ratio = pg / p;
        int restSize = overallSize - groupSize;
        if (restSize == 0) return (1, 1, 1);
        double w = (double)groupSize / overallSize;
        // Haldane's half subject keeps the variance finite when the subgroup has no exclusions (or only exclusions).
        double pgv = excludedInGroup == 0 || excludedInGroup == groupSize ? (excludedInGroup + 0.5) / (groupSize + 1.0) : pg;
        double pr = (double)(excludedOverall - excludedInGroup) / restSize;
        double varG = pgv * (1 - pgv) / groupSize;
        double varR = pr * (1 - pr) / restSize;
        double varP = w * w * varG + (1 - w) * (1 - w) * varR;
        double varLog = varG / (pgv * pgv) + varP / (p * p) - 2 * w * varG / (pgv * p);
        double se = Math.Sqrt(Math.Max(varLog, 0));
        double logRatio = Math.Log(excludedInGroup == 0 ? pgv / p : ratio);
        return (ratio, Math.Exp(logRatio - Z95 * se), Math.Exp(logRatio + Z95 * se));
    }

    private static double Rate(int count, int of) => of == 0 ? 0 : (double)count / of;

    private static string[] SubgroupLabels(DomainTable dm, ScreeningResult result, string variable)
    {
        var labels = new string[result.SubjectCount];
        var column = dm.GetColumn(variable);
        bool derivedAge = column is null && variable == "AGEGROUP";
        if (derivedAge) column = dm.GetColumn("AGE");
        if (column is null)
            throw Selection.Unknown("DM variable", variable, "to group by (AGEGROUP is derived from AGE)", [.. dm.Columns.Select(c => c.Name), "AGEGROUP"], listed: 40);
        for (int i = 0; i < labels.Length; i++)
        {
            var (start, count) = dm.RowsOf(result.StudyIndex(i));
            object? value = count > 0 ? column.GetObject(start) : null;
            labels[i] = derivedAge ? AgeGroup(value) : value switch
            {
                null => MissingLevel,
                string s when string.IsNullOrWhiteSpace(s) => MissingLevel,
                double d => d.ToString(CultureInfo.InvariantCulture),
                _ => value.ToString()!,
            };
        }
        return labels;
    }

    /// <summary>The age group of an age in years: under 50, 50-64, 65-74, 75-84, 85 and over.</summary>
    public static string AgeGroup(object? age) => age switch
    {
        double a when a < 50 => "<50",
        double a when a < 65 => "50-64",
        double a when a < 75 => "65-74",
        double a when a < 85 => "75-84",
        double => ">=85",
        _ => MissingLevel,
    };

    /// <summary>Orders levels alphabetically, with age groups in age order and the missing level last.</summary>
    private sealed class LevelOrder : IComparer<string>
    {
        public static readonly LevelOrder Instance = new();
        private static readonly string[] Ages = ["<50", "50-64", "65-74", "75-84", ">=85"];

        public int Compare(string? x, string? y)
        {
            if (x == y) return 0;
            if (x == MissingLevel) return 1;
            if (y == MissingLevel) return -1;
            int ax = Array.IndexOf(Ages, x), ay = Array.IndexOf(Ages, y);
            if (ax >= 0 && ay >= 0) return ax.CompareTo(ay);
            return string.CompareOrdinal(x, y);
        }
    }
}

/// <summary>A fairness audit: per criterion and subgroup the exclusion rate and its ratio to the overall rate; the populations' composition.</summary>
/// <param name="Variables">The subgroup variables audited.</param>
/// <param name="Rows">One row per criterion (and <see cref="AnyCriterion"/>), variable and level.</param>
/// <param name="Composition">Per variable and level: counts and shares among screened, not excluded and eligible subjects.</param>
public sealed record FairnessReport(IReadOnlyList<string> Variables, IReadOnlyList<FairnessRow> Rows, IReadOnlyList<CompositionRow> Composition)
{
    /// <summary>The row id standing for the whole protocol: ineligible for any reason.</summary>
    public const string AnyCriterion = "ANY";

    /// <summary>The flagged rows.</summary>
    public IEnumerable<FairnessRow> Flagged => Rows.Where(r => r.Flagged);
}

/// <summary>The exclusion of one subgroup by one criterion.</summary>
/// <param name="CriterionId">The criterion, or ANY for ineligibility overall.</param>
/// <param name="Variable">The subgroup variable (SEX, RACE, ...).</param>
/// <param name="Level">The subgroup (F, ASIAN, 65-74, ...).</param>
/// <param name="Subjects">Subjects in the subgroup.</param>
/// <param name="Excluded">Subjects of the subgroup the criterion excludes.</param>
/// <param name="Unknown">Subjects of the subgroup for whom the criterion is Unknown (missing data): a disparity in missingness shows here.</param>
/// <param name="Rate">The subgroup's exclusion rate.</param>
/// <param name="OverallRate">The whole population's exclusion rate.</param>
/// <param name="Ratio">Rate over overall rate (null when nobody is excluded).</param>
/// <param name="Low">Lower bound of the 95% confidence interval of the ratio.</param>
/// <param name="High">Upper bound of the 95% confidence interval of the ratio.</param>
/// <param name="Flagged">Ratio at least 1.25 with the interval above 1.</param>
public sealed record FairnessRow(string CriterionId, string Variable, string Level, int Subjects, int Excluded, int Unknown, double Rate, double OverallRate,
    double? Ratio, double? Low, double? High, bool Flagged);

/// <summary>How one subgroup is represented among the screened, the not excluded (eligible or in review) and the eligible.</summary>
/// <param name="Variable">The subgroup variable.</param>
/// <param name="Level">The subgroup.</param>
/// <param name="Screened">Subjects screened in the subgroup.</param>
/// <param name="ScreenedShare">Their share of all screened.</param>
/// <param name="NotExcluded">Subjects of the subgroup not ineligible.</param>
/// <param name="NotExcludedShare">Their share of all not ineligible.</param>
/// <param name="Eligible">Eligible subjects of the subgroup.</param>
/// <param name="EligibleShare">Their share of all eligible.</param>
public sealed record CompositionRow(string Variable, string Level, int Screened, double ScreenedShare, int NotExcluded, double NotExcludedShare, int Eligible, double EligibleShare);
