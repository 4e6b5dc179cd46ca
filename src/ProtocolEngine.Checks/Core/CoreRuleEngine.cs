using System.Globalization;

namespace ProtocolEngine.Checks.Core;

/// <summary>An issue a CORE rule raised: the dataset, the record (its row in the file; null for a dataset or variable issue) and the message.</summary>
/// <param name="Dataset">The dataset name.</param>
/// <param name="Record">The 1-based record number as in the file, or null.</param>
/// <param name="Variables">The variables and values the issue shows.</param>
/// <param name="Message">The rule's message.</param>
public sealed record CoreIssue(string Dataset, int? Record, IReadOnlyList<KeyValuePair<string, string?>> Variables, string Message);

/// <summary>What a CORE rule found in a study: its issues, and the datasets it could not evaluate with the reason.</summary>
/// <param name="Issues">The issues.</param>
/// <param name="NotEvaluable">Datasets in scope that the rule could not evaluate (a variable it needs is absent), with the reason.</param>
/// <param name="DatasetsChecked">The datasets in the rule's scope.</param>
public sealed record CoreRunResult(IReadOnlyList<CoreIssue> Issues, IReadOnlyList<string> NotEvaluable, IReadOnlyList<string> DatasetsChecked);

/// <summary>
/// Runs CDISC CORE rules natively, from the rule's own YAML: the scope picks datasets, operations add computed
/// columns, matched datasets are joined by their keys, and the check is evaluated on every record (or on the
/// dataset's metadata). A dataset lacking a variable the check reads is not evaluable, never a pass and never an issue.
/// </summary>
public static class CoreRuleEngine
{
    /// <summary>Runs a rule over a study.</summary>
    /// <exception cref="CoreNotEvaluableException">The rule uses a construct this engine does not evaluate.</exception>
    public static CoreRunResult Run(CoreRule rule, CoreStudy study)
    {
        if (rule.Unsupported.Count > 0) throw new CoreNotEvaluableException(string.Join("; ", rule.Unsupported));
        var issues = new List<CoreIssue>();
        var notEvaluable = new List<string>();
        var inScope = study.Datasets.Where(d => InScope(rule.Scope, d)).ToList();
        switch (rule.RuleType)
        {
            case "Record Data":
            case "Dataset Metadata Check":
            case "Variable Metadata Check":
            case "Value Check with Variable Metadata":
                break;
            case "Domain Presence Check":
                return DomainPresence(rule, study);
            default:
                throw new CoreNotEvaluableException($"rule type {rule.RuleType}");
        }
        foreach (var dataset in inScope)
        {
            try
            {
                var frame = rule.RuleType switch
                {
                    "Dataset Metadata Check" => DatasetMetadata(dataset),
                    "Variable Metadata Check" => VariableMetadata(dataset),
                    "Value Check with Variable Metadata" => ValuesWithMetadata(dataset),
                    _ => CoreFrame.OfRecords(dataset),
                };
                frame.Study = study;
                foreach (var match in rule.Matches) Join(frame, match, study);
                foreach (var op in rule.Operations) CoreOperations.Apply(op, frame, study);
                var hits = CoreConditions.Evaluate(rule.Check, frame);
                // A dataset-sensitive rule raises one issue for the dataset, however many records fail.
                if (string.Equals(rule.Sensitivity, "Dataset", StringComparison.OrdinalIgnoreCase))
                {
                    if (hits.Any(h => h)) issues.Add(new CoreIssue(dataset.Name, null, [], rule.Message));
                    continue;
                }
                // A group-sensitive rule raises one issue per group (the groups of its operations), on the group's
                // first record.
                var groupBy = string.Equals(rule.Sensitivity, "Group", StringComparison.OrdinalIgnoreCase)
                    ? rule.Operations.SelectMany(o => o.Group).Select(g => frame.IndexOf(dataset.Resolve(g))).Where(i => i >= 0).Distinct().ToList()
                    : [];
                var groupsSeen = new HashSet<string>(StringComparer.Ordinal);
                var seen = new HashSet<int>();
                for (int r = 0; r < hits.Length; r++)
                {
                    if (!hits[r]) continue;
                    var record = frame.Records[r];
                    if (record is int n && !seen.Add(n)) continue;
                    if (groupBy.Count > 0 && !groupsSeen.Add(Key(groupBy.Select(i => frame.Get(r, i))))) continue;
                    var shown = rule.OutputVariables.Select(v => dataset.Resolve(v))
                        .Select(v => new KeyValuePair<string, string?>(v, frame.IndexOf(v) is var i and >= 0 ? CoreValues.Text(frame.Get(r, i)) : null)).ToList();
                    issues.Add(new CoreIssue(dataset.Name, record, shown, rule.Message));
                }
            }
            catch (CoreMissingVariableException e)
            {
                notEvaluable.Add($"{dataset.Name}: {e.Message}");
            }
        }
        return new CoreRunResult(issues, notEvaluable, [.. inScope.Select(d => d.Name)]);
    }

    /// <summary>True when the rule's scope selects the dataset.</summary>
    public static bool InScope(CoreScope scope, CoreDataset dataset)
    {
        var cls = CoreClasses.ClassOf(dataset);
        bool DomainMatches(string pattern) =>
            pattern.Equals("ALL", StringComparison.OrdinalIgnoreCase)
            || pattern.Equals(dataset.Name, StringComparison.OrdinalIgnoreCase)
            || pattern.Equals(dataset.Domain, StringComparison.OrdinalIgnoreCase)
            || (pattern.EndsWith("--", StringComparison.Ordinal) && pattern.Length > 2
                && (dataset.Name.StartsWith(pattern[..^2], StringComparison.OrdinalIgnoreCase) && dataset.Name.Length > pattern.Length - 2));
        // Findings About is a kind of Findings: a FINDINGS scope includes FA and SR.
        bool ClassMatches(string pattern) =>
            pattern.Equals("ALL", StringComparison.OrdinalIgnoreCase) || (cls is not null && pattern.Equals(cls, StringComparison.OrdinalIgnoreCase))
            || (pattern.Equals("FINDINGS", StringComparison.OrdinalIgnoreCase) && cls == "FINDINGS ABOUT");
        if (scope.ExcludeDomains.Any(DomainMatches)) return false;
        if (scope.ExcludeClasses.Any(ClassMatches)) return false;
        if (scope.IncludeDomains.Count > 0 && !scope.IncludeDomains.Any(DomainMatches)) return false;
        if (scope.IncludeClasses.Count > 0 && !scope.IncludeClasses.Any(ClassMatches)) return false;
        return true;
    }

    // One row naming each dataset of the study as a column: `name: TS, operator: not_exists` asks whether the study has TS.
    private static CoreRunResult DomainPresence(CoreRule rule, CoreStudy study)
    {
        var pseudo = new CoreDataset("STUDY", "STUDY", null, [.. study.Datasets.Select(d => d.Domain).Concat(study.Datasets.Select(d => d.Name)).Distinct(StringComparer.OrdinalIgnoreCase)], [], []);
        var frame = new CoreFrame(pseudo, pseudo.Columns, [new object?[pseudo.Columns.Count]], [null]);
        for (int i = 0; i < pseudo.Columns.Count; i++) frame.Rows[0][i] = pseudo.Columns[i];
        var issues = new List<CoreIssue>();
        try
        {
            foreach (var op in rule.Operations) CoreOperations.Apply(op, frame, study);
            if (CoreConditions.Evaluate(rule.Check, frame)[0])
                issues.Add(new CoreIssue("STUDY", null, [], rule.Message));
        }
        catch (CoreMissingVariableException e)
        {
            return new CoreRunResult([], [$"STUDY: {e.Message}"], ["STUDY"]);
        }
        return new CoreRunResult(issues, [], ["STUDY"]);
    }

    // One row: dataset_name, dataset_label, dataset_size (records), and the first record's values (DOMAIN, ...).
    private static CoreFrame DatasetMetadata(CoreDataset dataset)
    {
        string[] meta = ["dataset_name", "dataset_label", "dataset_size", "dataset_location", "dataset_domain"];
        var first = dataset.Rows.Count > 0 ? dataset.Rows[0] : new string?[dataset.Columns.Count];
        object?[] row = [dataset.Name, dataset.Label, (double)dataset.Rows.Count, dataset.Name.ToLowerInvariant() + ".xpt", dataset.Domain, .. first];
        return new(dataset, [.. meta, .. dataset.Columns], [row], [null]);
    }

    // One row per variable of the data: name, label, type, length (from the metadata), order, and whether any value is present.
    private static CoreFrame VariableMetadata(CoreDataset dataset)
    {
        var rows = new List<object?[]>();
        for (int c = 0; c < dataset.Columns.Count; c++)
        {
            var name = dataset.Columns[c];
            var meta = dataset.Variables.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase));
            var type = meta?.Type;
            rows.Add([name, meta?.Label, meta?.Length is int len ? (double)len : null,
                type is null ? null : type.StartsWith("N", StringComparison.OrdinalIgnoreCase) ? "Num" : "Char", (double)(c + 1),
                dataset.Rows.Any(r => !CoreValues.IsEmpty(r[c])) ? "Y" : "N", dataset.Name, dataset.Domain]);
        }
        return new CoreFrame(dataset, ["variable_name", "variable_label", "variable_size", "variable_data_type", "variable_order_number", "variable_has_values", "dataset_name", "dataset_domain"],
            rows, [.. rows.Select(_ => (int?)null)]);
    }

    // One row per value: each record's variables with their metadata (name, label, type, length) and the value, so
    // that a check can ask for text values beginning with a space; issues name the record.
    private static CoreFrame ValuesWithMetadata(CoreDataset dataset)
    {
        var rows = new List<object?[]>(dataset.Rows.Count * dataset.Columns.Count);
        var records = new List<int?>(rows.Capacity);
        var meta = dataset.Columns.Select(name => dataset.Variables.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))).ToList();
        for (int r = 0; r < dataset.Rows.Count; r++)
            for (int c = 0; c < dataset.Columns.Count; c++)
            {
                var type = meta[c]?.Type;
                rows.Add([dataset.Columns[c], dataset.Rows[r][c], meta[c]?.Label, meta[c]?.Length is int len ? (double)len : null,
                    type is null ? null : type.StartsWith("N", StringComparison.OrdinalIgnoreCase) ? "Num" : "Char", dataset.Name, dataset.Domain]);
                records.Add(r + 1);
            }
        return new CoreFrame(dataset, ["variable_name", "variable_value", "variable_label", "variable_size", "variable_data_type", "dataset_name", "dataset_domain"], rows, records);
    }

    // A left join: each record with every matching record of the other dataset (its variables added, those the record
    // already has kept as the record's and also available as NAME.VAR), or with none.
    // A dataset the study lacks is not joined, as in CORE: the check then reads only what the dataset has (and a
    // variable it needs from the missing one makes the dataset not evaluable).
    private static void Join(CoreFrame frame, CoreMatch match, CoreStudy study)
    {
        CoreDataset? other = match.Name.EndsWith("--", StringComparison.Ordinal)
            ? study.Find(match.Name[..^2] + frame.Dataset.Name)
            : study.Find(match.Name);
        // A dataset is not matched with itself (CO's rule matching CO as a child of the related record).
        if (other is null || ReferenceEquals(other, frame.Dataset)) return;
        if (string.Equals(match.Name, "RELREC", StringComparison.OrdinalIgnoreCase) && match.Keys.Count == 0)
        {
            JoinRelated(frame, other, match.Wildcard ?? "**", study);
            return;
        }
        if (!match.Child && CoreClasses.IsSupplemental(other.Name))
        {
            JoinSupplemental(frame, other);
            return;
        }
        var keys = match.Keys.Select(k => frame.Dataset.Resolve(k)).ToList();
        var leftKeys = keys.Select(k => frame.IndexOf(k)).ToList();
        if (leftKeys.Any(i => i < 0) && !match.Child) throw new CoreMissingVariableException($"a key of the match with {other.Name} is absent");
        var added = new List<(string Name, int Source)>();
        for (int c = 0; c < other.Columns.Count; c++)
        {
            var name = other.Columns[c];
            added.Add((frame.IndexOf(name) >= 0 ? $"{other.Name}.{name}" : name, c));
            if (frame.IndexOf(name) >= 0 && !string.Equals(other.Name, other.Domain, StringComparison.OrdinalIgnoreCase)) added.Add(($"{other.Domain}.{name}", c));
        }
        var width = Math.Max(frame.Width, frame.Rows.Count > 0 ? frame.Rows.Max(r => r.Length) : 0);
        var rows = new List<object?[]>();
        var records = new List<int?>();
        Dictionary<string, List<string?[]>> index;
        if (match.Child)
        {
            // SUPP-- records name their parent by USUBJID and IDVAR = IDVARVAL.
            int u = other.IndexOf("USUBJID"), iv = other.IndexOf("IDVAR"), ivv = other.IndexOf("IDVARVAL");
            if (u < 0 || iv < 0 || ivv < 0) throw new CoreMissingVariableException($"{other.Name} lacks USUBJID, IDVAR or IDVARVAL");
            int lu = frame.IndexOf("USUBJID");
            if (lu < 0) throw new CoreMissingVariableException("USUBJID is absent");
            for (int r = 0; r < frame.Rows.Count; r++)
            {
                var matched = other.Rows.Where(o => Same(o[u], frame.Get(r, lu))
                    && (o[iv] is null || (frame.IndexOf(o[iv]!) is var pi and >= 0 && CoreValues.Equal(frame.Get(r, pi), o[ivv], false)))).ToList();
                Emit(r, matched);
            }
        }
        else
        {
            var rightKeys = keys.Select(k => other.IndexOf(k)).ToList();
            if (rightKeys.Any(i => i < 0)) throw new CoreMissingVariableException($"{other.Name} lacks a key of the match ({string.Join(", ", keys)})");
            index = other.Rows.GroupBy(o => Key(rightKeys.Select(i => o[i])), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            for (int r = 0; r < frame.Rows.Count; r++)
                Emit(r, index.GetValueOrDefault(Key(leftKeys.Select(i => frame.Get(r, i)))) ?? []);
        }
        frame.Replace(rows, records, added.Select(a => a.Name), width);
        return;

        void Emit(int r, List<string?[]> matched)
        {
            var left = frame.Rows[r];
            foreach (var m in matched.Count == 0 ? [null] : matched.Cast<string?[]?>())
            {
                var row = new object?[width + added.Count];
                Array.Copy(left, row, Math.Min(left.Length, width));
                for (int a = 0; a < added.Count; a++) row[width + a] = m?[added[a].Source];
                rows.Add(row);
                records.Add(frame.Records[r]);
            }
        }
    }

    // Records related through RELREC: each RELREC row of the checked domain is paired with the rows of the same
    // RELID (and subject) of other domains; a record-level pair (IDVARVAL given) relates the two records it names,
    // a dataset-level pair (IDVARVAL empty) relates records whose IDVAR values agree (AELNKID = FALNKGRP). Each
    // checked record is joined with every related record, whose variables are named RELREC.<name> with the related
    // domain's prefix replaced by the wildcard (RELREC.**TERM); a record with no related record is not checked.
    private static void JoinRelated(CoreFrame frame, CoreDataset relrec, string wildcard, CoreStudy study)
    {
        int rd = relrec.IndexOf("RDOMAIN"), ru = relrec.IndexOf("USUBJID"), rv = relrec.IndexOf("IDVAR"), rvv = relrec.IndexOf("IDVARVAL"),
            rid = relrec.IndexOf("RELID"), rs = relrec.IndexOf("STUDYID");
        if (rd < 0 || rv < 0 || rid < 0) throw new CoreMissingVariableException($"{relrec.Name} lacks RDOMAIN, IDVAR or RELID");
        string? At(string?[] row, int i) => i >= 0 && !string.IsNullOrWhiteSpace(row[i]) ? row[i]!.Trim() : null;
        var domain = frame.Dataset.Domain;
        var mine = relrec.Rows.Where(r => string.Equals(At(r, rd), domain, StringComparison.OrdinalIgnoreCase)).ToList();
        var byRelation = relrec.Rows.Where(r => !string.Equals(At(r, rd), domain, StringComparison.OrdinalIgnoreCase))
            .ToLookup(r => (At(r, rid), At(r, ru), At(r, rs)));
        var pairs = mine.SelectMany(l => byRelation[(At(l, rid), At(l, ru), At(l, rs))].Select(r => (Left: l, Right: r))).ToList();

        int fu = frame.IndexOf("USUBJID"), fs = frame.IndexOf("STUDYID");
        var columns = new List<string>();
        var columnAt = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var joined = new List<(int Row, CoreDataset Other, string?[] Related)>();
        var frameIndex = FrameIndex(frame, fu, -1, false);
        var otherIndexes = new Dictionary<(string, int, bool, bool), Dictionary<string, List<string?[]>>>();
        foreach (var (l, r) in pairs)
        {
            if (At(r, rd) is not { } otherDomain || study.Find(otherDomain) is not { } other) continue;
            int lv = frame.IndexOf(At(l, rv) ?? ""), ov = other.IndexOf(At(r, rv) ?? ""), ou = other.IndexOf("USUBJID"), os = other.IndexOf("STUDYID");
            if (lv < 0 || ov < 0) continue;
            foreach (var name in other.Columns)
            {
                var renamed = "RELREC." + (name.Length > otherDomain.Length && name.StartsWith(otherDomain, StringComparison.OrdinalIgnoreCase)
                    ? wildcard + name[otherDomain.Length..] : name);
                if (columnAt.TryAdd(renamed, columns.Count)) columns.Add(renamed);
            }
            string? lval = At(l, rvv), rval = At(r, rvv), subject = At(l, ru);
            // Records are found through indexes by subject (and, for a dataset-level relation, by the IDVAR value),
            // so that a RELREC of thousands of rows does not scan the datasets once per row.
            bool byValue = lval is null || rval is null, bySubject = fu >= 0 && ou >= 0;
            var cacheKey = (other.Name, ov, byValue, bySubject);
            if (!otherIndexes.TryGetValue(cacheKey, out var otherIndex)) otherIndexes[cacheKey] = otherIndex = OtherIndex(other, bySubject ? ou : -1, ov, byValue);
            IEnumerable<int> candidates = subject is not null ? frameIndex.GetValueOrDefault(Key(subject, null, false)) ?? [] : Enumerable.Range(0, frame.Rows.Count);
            foreach (var f in candidates)
            {
                if (lval is not null && !CoreValues.Equal(frame.Get(f, lv), lval, false)) continue;
                var who = bySubject ? CoreValues.Text(frame.Get(f, fu)) : null;
                var related = otherIndex.GetValueOrDefault(Key(who, byValue ? Normal(CoreValues.Text(frame.Get(f, lv))) : null, byValue)) ?? [];
                foreach (var o in related)
                {
                    if (subject is not null && !Same(o[Math.Max(ou, 0)], subject)) continue;
                    if (rval is not null && !CoreValues.Equal(o[ov], rval, false)) continue;
                    if (fs >= 0 && os >= 0 && !Same(frame.Get(f, fs), o[os])) continue;
                    // Dataset-level relations join on the values of the two IDVARs.
                    if (byValue && !CoreValues.Equal(frame.Get(f, lv), o[ov], false)) continue;
                    joined.Add((f, other, o));
                }
            }
        }
        var width = Math.Max(frame.Width, frame.Rows.Count > 0 ? frame.Rows.Max(r => r.Length) : 0);
        var rows = new List<object?[]>(joined.Count);
        var records = new List<int?>(joined.Count);
        foreach (var (f, other, o) in joined.OrderBy(j => j.Row))
        {
            var row = new object?[width + columns.Count];
            Array.Copy(frame.Rows[f], row, Math.Min(frame.Rows[f].Length, width));
            var otherDomain = other.Domain;
            for (int c = 0; c < other.Columns.Count; c++)
            {
                var name = other.Columns[c];
                var renamed = "RELREC." + (name.Length > otherDomain.Length && name.StartsWith(otherDomain, StringComparison.OrdinalIgnoreCase)
                    ? wildcard + name[otherDomain.Length..] : name);
                row[width + columnAt[renamed]] = o[c];
            }
            rows.Add(row);
            records.Add(frame.Records[f]);
        }
        frame.Replace(rows, records, columns, width);
    }

    // A SUPP-- dataset matched to its parent adds each qualifier as a variable of the record it qualifies (QNAM
    // AESOSP with QVAL as its value), as CORE reads supplemental qualifiers: a row qualifies a record of the same
    // subject whose IDVAR variable holds IDVARVAL, or every record of the subject when IDVAR is empty.
    private static void JoinSupplemental(CoreFrame frame, CoreDataset supp)
    {
        int u = supp.IndexOf("USUBJID"), iv = supp.IndexOf("IDVAR"), ivv = supp.IndexOf("IDVARVAL"), qn = supp.IndexOf("QNAM"), qv = supp.IndexOf("QVAL");
        if (u < 0 || qn < 0 || qv < 0) throw new CoreMissingVariableException($"{supp.Name} lacks USUBJID, QNAM or QVAL");
        int fu = frame.IndexOf("USUBJID");
        if (fu < 0) throw new CoreMissingVariableException("USUBJID is not in the dataset");
        var names = supp.Rows.Select(r => r[qn]?.Trim()).OfType<string>().Where(n => n.Length > 0 && frame.IndexOf(n) < 0)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var bySubject = supp.Rows.GroupBy(r => r[u] ?? "", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var width = Math.Max(frame.Width, frame.Rows.Count > 0 ? frame.Rows.Max(r => r.Length) : 0);
        var rows = new List<object?[]>(frame.Rows.Count);
        for (int r = 0; r < frame.Rows.Count; r++)
        {
            var row = new object?[width + names.Count];
            Array.Copy(frame.Rows[r], row, Math.Min(frame.Rows[r].Length, width));
            foreach (var q in bySubject.GetValueOrDefault(CoreValues.Text(frame.Get(r, fu)) ?? "\u0000") ?? [])
            {
                var idvar = iv >= 0 ? q[iv]?.Trim() : null;
                if (!string.IsNullOrEmpty(idvar) && (frame.IndexOf(idvar) is var pi && pi < 0 || !CoreValues.Equal(frame.Get(r, pi), ivv >= 0 ? q[ivv] : null, false))) continue;
                var at = names.FindIndex(n => string.Equals(n, q[qn]?.Trim(), StringComparison.OrdinalIgnoreCase));
                if (at >= 0) row[width + at] = q[qv];
            }
            rows.Add(row);
        }
        frame.Replace(rows, [.. frame.Records], names, width);
    }

    private static string Key(string? subject, string? value, bool byValue) => byValue ? (subject ?? "\u0000") + "\u001f" + (value ?? "\u0000") : subject ?? "\u0000";

    private static Dictionary<string, List<int>> FrameIndex(CoreFrame frame, int subject, int value, bool byValue)
    {
        var index = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int f = 0; f < frame.Rows.Count; f++)
        {
            var key = Key(subject >= 0 ? CoreValues.Text(frame.Get(f, subject)) : null, byValue ? CoreValues.Text(frame.Get(f, value)) : null, byValue);
            if (!index.TryGetValue(key, out var list)) index[key] = list = [];
            list.Add(f);
        }
        return index;
    }

    // The related dataset by subject (and IDVAR value); a numeric value is keyed by its number's text, as Equal compares.
    private static Dictionary<string, List<string?[]>> OtherIndex(CoreDataset other, int subject, int value, bool byValue)
    {
        var index = new Dictionary<string, List<string?[]>>(StringComparer.Ordinal);
        foreach (var o in other.Rows)
        {
            var key = Key(subject >= 0 ? o[subject] : null, byValue ? Normal(o[value]) : null, byValue);
            if (!index.TryGetValue(key, out var list)) index[key] = list = [];
            list.Add(o);
        }
        return index;
    }

    private static string? Normal(string? v) => CoreValues.TryNumber(v, out var d) ? Number(d) : v;

    private static bool Same(object? a, object? b) => a is not null && b is not null && string.Equals(CoreValues.Text(a), CoreValues.Text(b), StringComparison.Ordinal);

    private static string Key(IEnumerable<object?> values) => string.Join("\u001f", values.Select(v => CoreValues.Text(v) ?? "\u0000"));

    internal static string Number(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}
