using System.Globalization;
using System.Text.RegularExpressions;

namespace ProtocolEngine.Checks.Core;

/// <summary>
/// Evaluates a CORE check over every row of a frame at once (some operators, such as is_not_unique_set, read the
/// whole dataset). A variable the check reads that the dataset lacks makes the check not evaluable there.
/// </summary>
internal static class CoreConditions
{
    public static bool[] Evaluate(CoreCondition condition, CoreFrame frame)
    {
        int n = frame.Rows.Count;
        switch (condition)
        {
            case CoreAll all:
            {
                var result = Enumerable.Repeat(true, n).ToArray();
                foreach (var c in all.Conditions)
                {
                    var v = Evaluate(c, frame);
                    for (int i = 0; i < n; i++) result[i] &= v[i];
                }
                return result;
            }
            case CoreAny any:
            {
                // An alternative that reads an absent variable is false, as in CORE (rules spell out `not_exists`
                // alternatives for that reason); only when every alternative is unreadable is the whole unreadable.
                var result = new bool[n];
                CoreMissingVariableException? missing = null;
                int evaluated = 0;
                foreach (var c in any.Conditions)
                {
                    bool[] v;
                    try
                    {
                        v = Evaluate(c, frame);
                    }
                    catch (CoreMissingVariableException e)
                    {
                        missing ??= e;
                        continue;
                    }
                    evaluated++;
                    for (int i = 0; i < n; i++) result[i] |= v[i];
                }
                if (evaluated == 0 && missing is not null) throw missing;
                return result;
            }
            case CoreNot not:
                return [.. Evaluate(not.Condition, frame).Select(b => !b)];
            case CoreLeaf leaf:
                return Leaf(leaf, frame);
            default:
                throw new CoreNotEvaluableException($"condition {condition.GetType().Name}");
        }
    }

    private static bool[] Leaf(CoreLeaf leaf, CoreFrame frame)
    {
        int n = frame.Rows.Count;
        var name = frame.Dataset.Resolve(leaf.Name);
        var op = leaf.Operator;
        if (op is "exists" or "not_exists")
        {
            bool has = frame.IndexOf(name) >= 0 || (frame.IndexOf("variable_name") >= 0 && false);
            return Enumerable.Repeat(op == "exists" ? has : !has, n).ToArray();
        }
        if (op == "inconsistent_enumerated_columns")
        {
            // COVAL, COVAL1, COVAL2, ... are filled in order: an empty one before a filled one is an issue.
            var enumerated = new List<int>();
            for (int k = 0; frame.IndexOf(k == 0 ? name : name + k.ToString(CultureInfo.InvariantCulture)) is var at and >= 0; k++) enumerated.Add(at);
            if (enumerated.Count == 0) throw new CoreMissingVariableException($"{name} is not in the dataset");
            var gaps = new bool[n];
            for (int r = 0; r < n; r++)
            {
                bool seenEmpty = false;
                foreach (var at in enumerated)
                {
                    bool empty = CoreValues.IsEmpty(frame.Get(r, at));
                    if (!empty && seenEmpty) { gaps[r] = true; break; }
                    seenEmpty |= empty;
                }
            }
            return gaps;
        }
        int col = Column(frame, name);
        // As in CORE, an operator on a variable the dataset lacks cannot be evaluated there: inside `any` the
        // alternative drops out, elsewhere the dataset is not evaluable (CORE reports it without a record).
        // The uniqueness operators read their variables as a set, an absent one as missing on every record.
        if (col < 0 && op is not ("is_unique_set" or "is_not_unique_set")) throw new CoreMissingVariableException($"{name} is not in the dataset");
        var result = new bool[n];
        string? Opt(string key) => leaf.Options.GetValueOrDefault(key);

        switch (op)
        {
            case "is_not_unique_set" or "is_unique_set":
            {
                var cols = new List<int> { col };
                cols.AddRange(Names(leaf.Value).Select(v => Column(frame, frame.Dataset.Resolve(v))));
                var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                var keys = new string[n];
                for (int r = 0; r < n; r++)
                {
                    keys[r] = string.Join("\u001f", cols.Select(c => CoreValues.Text(frame.Get(r, c)) ?? "\u0000"));
                    counts[keys[r]] = counts.GetValueOrDefault(keys[r]) + 1;
                }
                for (int r = 0; r < n; r++) result[r] = (counts[keys[r]] > 1) == (op == "is_not_unique_set");
                return result;
            }
            case "is_not_unique_relationship" or "is_unique_relationship":
            {
                int other = Column(frame, frame.Dataset.Resolve(Names(leaf.Value).FirstOrDefault() ?? ""));
                var forward = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
                var backward = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
                for (int r = 0; r < n; r++)
                {
                    var a = CoreValues.Text(frame.Get(r, col)) ?? "\u0000";
                    var b = CoreValues.Text(frame.Get(r, other)) ?? "\u0000";
                    if (!forward.TryGetValue(a, out var fs)) forward[a] = fs = new(StringComparer.Ordinal);
                    fs.Add(b);
                    if (!backward.TryGetValue(b, out var bs)) backward[b] = bs = new(StringComparer.Ordinal);
                    bs.Add(a);
                }
                for (int r = 0; r < n; r++)
                {
                    var a = CoreValues.Text(frame.Get(r, col)) ?? "\u0000";
                    var b = CoreValues.Text(frame.Get(r, other)) ?? "\u0000";
                    bool notUnique = forward[a].Count > 1 || backward[b].Count > 1;
                    result[r] = notUnique == (op == "is_not_unique_relationship");
                }
                return result;
            }
            case "is_inconsistent_across_dataset":
            {
                // Records alike in the comparator variables must agree on the target.
                var cols = Names(leaf.Value).Select(v => Column(frame, frame.Dataset.Resolve(v))).ToList();
                var keys = new string[n];
                var values = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
                for (int r = 0; r < n; r++)
                {
                    keys[r] = string.Join("\u001f", cols.Select(c => CoreValues.Text(frame.Get(r, c)) ?? "\u0000"));
                    if (!values.TryGetValue(keys[r], out var set)) values[keys[r]] = set = new(StringComparer.Ordinal);
                    set.Add(CoreValues.Text(frame.Get(r, col)) ?? "\u0000");
                }
                for (int r = 0; r < n; r++) result[r] = values[keys[r]].Count > 1;
                return result;
            }
            case "target_is_not_sorted_by":
            {
                // Within each group, the target (--SEQ) must rise in the order of the comparator (--STDTC, missing last):
                // a record whose target is not the one that order puts in its place is flagged.
                var spec = (leaf.Value as List<object?>)?.OfType<Dictionary<string, object?>>().FirstOrDefault();
                if (spec?.GetValueOrDefault("name") is not string by) throw new CoreNotEvaluableException("target_is_not_sorted_by without a sort variable");
                int byCol = Column(frame, frame.Dataset.Resolve(by));
                bool descending = string.Equals(spec.GetValueOrDefault("sort_order") as string, "desc", StringComparison.OrdinalIgnoreCase);
                bool nullsFirst = string.Equals(spec.GetValueOrDefault("null_position") as string, "first", StringComparison.OrdinalIgnoreCase);
                int within = Opt("within") is { } w2 ? Column(frame, frame.Dataset.Resolve(w2)) : -1;
                foreach (var group in Enumerable.Range(0, n).GroupBy(r => CoreValues.Text(frame.Get(r, within)) ?? "\u0000", StringComparer.Ordinal))
                {
                    var rows = group.ToList();
                    var ordered = rows.OrderBy(r => CoreValues.IsEmpty(frame.Get(r, byCol)) ? (nullsFirst ? 0 : 2) : 1)
                        .ThenBy(r => descending ? 0 : CoreValues.ToDateTime(frame.Get(r, byCol))?.Ticks ?? 0)
                        .ThenByDescending(r => descending ? CoreValues.ToDateTime(frame.Get(r, byCol))?.Ticks ?? 0 : 0).ToList();
                    // Records without a number in the target take no place in the order and are not flagged.
                    ordered = [.. ordered.Where(r => CoreValues.TryNumber(frame.Get(r, col), out _))];
                    var targets = ordered.Select(r => CoreValues.TryNumber(frame.Get(r, col), out var t) ? t : 0).Order().ToList();
                    for (int i = 0; i < ordered.Count; i++)
                        result[ordered[i]] = CoreValues.TryNumber(frame.Get(ordered[i], col), out var t) && t != targets[i];
                }
                return result;
            }
            case "present_on_multiple_rows_within":
            {
                var within = Opt("within") is { } w ? Column(frame, frame.Dataset.Resolve(w)) : -1;
                int threshold = leaf.Value is string t && int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) ? k : 1;
                var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                string Key(int r) => (within >= 0 ? CoreValues.Text(frame.Get(r, within)) : "") + "\u001f" + CoreValues.Text(frame.Get(r, col));
                for (int r = 0; r < n; r++) if (!CoreValues.IsEmpty(frame.Get(r, col))) counts[Key(r)] = counts.GetValueOrDefault(Key(r)) + 1;
                for (int r = 0; r < n; r++) result[r] = !CoreValues.IsEmpty(frame.Get(r, col)) && counts[Key(r)] > threshold;
                return result;
            }
        }

        for (int r = 0; r < n; r++)
        {
            var value = frame.Get(r, col);
            result[r] = Row(leaf, op, value, r, frame, Opt);
        }
        return result;
    }

    private static bool Row(CoreLeaf leaf, string op, object? value, int r, CoreFrame frame, Func<string, string?> opt)
    {
        object? Comparator() => ComparatorValue(leaf, frame, r);
        string? Part(object? v)
        {
            var s = CoreValues.Text(v);
            if (s is null) return null;
            if (opt("prefix") is { } p && int.TryParse(p, out var pn)) return s.Length >= pn ? s[..pn] : s;
            if (opt("suffix") is { } x && int.TryParse(x, out var sn)) return s.Length >= sn ? s[^sn..] : s;
            return s;
        }
        switch (op)
        {
            case "empty": return CoreValues.IsEmpty(value);
            case "non_empty": return !CoreValues.IsEmpty(value);
            case "equal_to" when leaf.Options.ContainsKey("value_is_reference"):
                return CoreValues.AsList(Comparator()).Any(x => CoreValues.Equal(value, x, false));
            case "not_equal_to" when leaf.Options.ContainsKey("value_is_reference"):
                return !CoreValues.IsEmpty(value) && !CoreValues.AsList(Comparator()).Any(x => CoreValues.Equal(value, x, false));
            case "equal_to": return CoreValues.Equal(value, Comparator(), false);
            case "equal_to_case_insensitive": return CoreValues.Equal(value, Comparator(), true);
            case "not_equal_to" or "not_equal_to_case_insensitive":
            {
                var c = Comparator();
                if (CoreValues.IsEmpty(value) && CoreValues.IsEmpty(c)) return false;
                if (CoreValues.IsEmpty(value) || CoreValues.IsEmpty(c)) return true;
                return !CoreValues.Equal(value, c, op.EndsWith("insensitive", StringComparison.Ordinal));
            }
            case "prefix_equal_to" or "suffix_equal_to": return CoreValues.Equal(Part(value), Comparator(), false);
            case "prefix_not_equal_to" or "suffix_not_equal_to":
                return !CoreValues.IsEmpty(value) && !CoreValues.Equal(Part(value), Comparator(), false);
            case "greater_than": return CoreValues.CompareNumbers(value, Comparator()) > 0;
            case "greater_than_or_equal_to": return CoreValues.CompareNumbers(value, Comparator()) >= 0;
            case "less_than": return CoreValues.CompareNumbers(value, Comparator()) < 0;
            case "less_than_or_equal_to": return CoreValues.CompareNumbers(value, Comparator()) <= 0;
            case "longer_than" or "shorter_than":
            {
                if (CoreValues.Text(value) is not { } s || !CoreValues.TryNumber(Comparator(), out var len)) return false;
                return op == "longer_than" ? s.Length > len : s.Length < len;
            }
            case "is_contained_by" or "is_not_contained_by" or "is_contained_by_case_insensitive" or "is_not_contained_by_case_insensitive"
                or "prefix_is_contained_by" or "prefix_is_not_contained_by" or "suffix_is_contained_by" or "suffix_is_not_contained_by":
            {
                var list = CoreValues.AsList(Comparator());
                bool ignoreCase = op.EndsWith("insensitive", StringComparison.Ordinal);
                var v = op.StartsWith("prefix", StringComparison.Ordinal) || op.StartsWith("suffix", StringComparison.Ordinal) ? Part(value) : value;
                bool inList = CoreValues.ContainedIn(v, list, ignoreCase);
                return op.Contains("_not_", StringComparison.Ordinal) ? !inList : inList;
            }
            case "contains" or "does_not_contain" or "contains_case_insensitive" or "does_not_contain_case_insensitive":
            {
                var c = Comparator();
                var cmp = op.EndsWith("insensitive", StringComparison.Ordinal) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                bool has = value is IReadOnlyList<object?> l ? l.Any(x => CoreValues.Equal(x, c, cmp == StringComparison.OrdinalIgnoreCase))
                    : CoreValues.Text(value) is { } s && CoreValues.Text(c) is { } t && s.Contains(t, cmp);
                return op.StartsWith("does_not", StringComparison.Ordinal) ? !CoreValues.IsEmpty(value) && !has : has;
            }
            case "starts_with": return CoreValues.Text(value) is { } sw && CoreValues.Text(Comparator()) is { } pw && sw.StartsWith(pw, StringComparison.Ordinal);
            case "ends_with": return CoreValues.Text(value) is { } ew && CoreValues.Text(Comparator()) is { } qw && ew.EndsWith(qw, StringComparison.Ordinal);
            case "matches_regex" or "not_matches_regex" or "prefix_matches_regex" or "not_prefix_matches_regex" or "suffix_matches_regex" or "not_suffix_matches_regex":
            {
                var s = op.Contains("prefix", StringComparison.Ordinal) || op.Contains("suffix", StringComparison.Ordinal) ? Part(value) : CoreValues.Text(value);
                if (string.IsNullOrEmpty(s) || CoreValues.Text(leaf.Value) is not { } pattern) return false;
                bool m = CoreValues.MatchesAtStart(s, pattern);
                return op.StartsWith("not_", StringComparison.Ordinal) ? !m : m;
            }
            case "is_complete_date": return CoreValues.IsCompleteDate(value);
            // A missing date is not a complete one (CG0007: --DY populated while --DTC is empty).
            case "is_incomplete_date": return !CoreValues.IsCompleteDate(value);
            case "invalid_date": return !CoreValues.IsEmpty(value) && !CoreValues.ParseIso(CoreValues.Text(value)).Valid;
            case "invalid_duration": return !CoreValues.IsEmpty(value) && !CoreValues.IsValidDuration(CoreValues.Text(value)!);
            case "date_equal_to" or "date_not_equal_to" or "date_greater_than" or "date_greater_than_or_equal_to" or "date_less_than" or "date_less_than_or_equal_to":
            {
                var component = opt("date_component");
                if (CoreValues.Component(value, component) is not DateTime a || CoreValues.Component(Comparator(), component) is not DateTime b) return false;
                return op switch
                {
                    "date_equal_to" => a == b,
                    "date_not_equal_to" => a != b,
                    "date_greater_than" => a > b,
                    "date_greater_than_or_equal_to" => a >= b,
                    "date_less_than" => a < b,
                    _ => a <= b,
                };
            }
            case "does_not_equal_string_part":
            {
                var source = CoreValues.Text(Comparator());
                if (source is null || opt("regex") is not { } rx) return false;
                var m = Regex.Match(source, rx, RegexOptions.None, TimeSpan.FromSeconds(1));
                var part = m.Success && m.Groups.Count > 1 ? m.Groups[1].Value : source;
                return !string.Equals(CoreValues.Text(value), part, StringComparison.Ordinal);
            }
            case "not_contains_all" or "contains_all":
            {
                var have = CoreValues.AsList(value);
                var want = CoreValues.AsList(Comparator());
                bool all = want.All(w => have.Any(h => CoreValues.Equal(h, w, false)));
                return op == "contains_all" ? all : !all;
            }
            case "shares_no_elements_with":
            {
                var have = CoreValues.AsList(value);
                var other = CoreValues.AsList(Comparator());
                return !have.Any(h => other.Any(o => CoreValues.Equal(h, o, false)));
            }
            default:
                throw new CoreNotEvaluableException($"operator {op}");
        }
    }

    // The comparator of a row: a $operation or a variable of the frame (unless the value is literal), a list, or the literal.
    private static object? ComparatorValue(CoreLeaf leaf, CoreFrame frame, int r)
    {
        switch (leaf.Value)
        {
            case null: return null;
            case string s when string.Equals(leaf.Options.GetValueOrDefault("value_is_reference"), "true", StringComparison.OrdinalIgnoreCase):
                return Referenced(frame, r, s);
            case string s:
                if (s.StartsWith('$'))
                {
                    int c = frame.IndexOf(s);
                    if (c < 0) throw new CoreMissingVariableException($"{s} was not computed");
                    return frame.Get(r, c);
                }
                if (!leaf.ValueIsLiteral)
                {
                    int c = frame.IndexOf(frame.Dataset.Resolve(s));
                    if (c >= 0) return frame.Get(r, c);
                }
                return s;
            case List<object?> list:
            {
                var items = new List<object?>();
                foreach (var item in list)
                {
                    if (item is string t && t.StartsWith('$') && frame.IndexOf(t) is var c and >= 0) items.AddRange(CoreValues.AsList(frame.Get(r, c)));
                    else items.Add(item);
                }
                return items;
            }
            default: return leaf.Value;
        }
    }

    // value_is_reference: the comparator names a variable (IDVAR) whose value is itself a variable name of the related
    // dataset (RDOMAIN); the comparator is that variable's values in the related records of the same subject, so that
    // IDVARVAL is compared with what the parent records hold (a SUPP-- or CO record pointing at no record differs).
    private static object? Referenced(CoreFrame frame, int r, string variable)
    {
        int named = frame.IndexOf(frame.Dataset.Resolve(variable)), rdomain = frame.IndexOf("RDOMAIN"), subject = frame.IndexOf("USUBJID");
        if (named < 0) throw new CoreMissingVariableException($"{variable} is not in the dataset");
        if (rdomain < 0) throw new CoreMissingVariableException("RDOMAIN is not in the dataset");
        if (CoreValues.Text(frame.Get(r, named)) is not { } target || CoreValues.Text(frame.Get(r, rdomain)) is not { } domain
            || frame.Study?.Find(domain.Trim()) is not { } related)
            return new List<object?>();
        int c = related.IndexOf(target.Trim());
        if (c < 0) return new List<object?>();
        int ru = related.IndexOf("USUBJID");
        var who = subject >= 0 ? CoreValues.Text(frame.Get(r, subject)) : null;
        return related.Rows.Where(row => who is null || ru < 0 || string.Equals(row[ru], who, StringComparison.Ordinal))
            .Select(row => (object?)row[c]).Where(v => !CoreValues.IsEmpty(v)).ToList();
    }

    private static IEnumerable<string> Names(object? value) => value switch
    {
        string s => [s],
        List<object?> l => l.OfType<string>(),
        _ => [],
    };

    // A variable the dataset lacks reads as missing on every record, as CORE reads it ("Not in dataset"); a check
    // none of whose variables the dataset has is not evaluable there (see CoreRuleEngine).
    private static int Column(CoreFrame frame, string name) => frame.IndexOf(name);

    /// <summary>The variables a check reads values of (not those it only asks about with exists or not_exists).</summary>
    public static IEnumerable<string> ValueVariables(CoreCondition condition) => condition switch
    {
        CoreAll a => a.Conditions.SelectMany(ValueVariables),
        CoreAny a => a.Conditions.SelectMany(ValueVariables),
        CoreNot n => ValueVariables(n.Condition),
        CoreLeaf l when l.Operator is not ("exists" or "not_exists") && !l.Name.StartsWith('$') && l.Name.Length > 0 => [l.Name],
        _ => [],
    };
}
