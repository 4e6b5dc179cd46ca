using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Checks.Core;

/// <summary>What became of one CORE rule in an import: the checks written for it, or why none was.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Library">The library file its checks went to, or null.</param>
/// <param name="Checks">The ids of the checks written (one per domain of its scope).</param>
/// <param name="NotTranslated">Why the rule (or a domain of it) was not translated; empty when every part was.</param>
public sealed record CoreImportEntry(CoreRule Rule, string? Library, IReadOnlyList<string> Checks, IReadOnlyList<string> NotTranslated);

/// <summary>
/// Translates CORE rules into checks of the protocol language, one library per family (SDTMIG, SENDIG, FDA
/// business rules, TIG), each check citing its CORE id and CDISC rule ids. A rule is translated where the
/// language expresses it exactly: a record rule over named domains whose condition compares variables with
/// literals, lists or other variables of the same record. Every other rule is listed with the reason, naming
/// the construct the language lacks; every written library is compiled, and a check the compiler refuses is
/// taken out and listed with the compiler's message.
/// </summary>
public static partial class CoreImporter
{
    private static readonly (string Family, string File, string Title)[] _libraries =
    [
        ("CG", "sdtmig", "CDISC CORE rules for SDTMIG (SDTM conformance rules, CGnnnn)"),
        ("SEND", "sendig", "CDISC CORE rules for SENDIG"),
        ("FB", "fda-business-rules", "CDISC CORE rules for the FDA business rules (FBnnnn)"),
        ("TIG", "tig", "CDISC CORE rules for the Therapeutic Area and Integrated guides (TIGnnnn)"),
    ];

    /// <summary>Translates the rules and writes one library per family into <paramref name="outFolder"/> (which must exist).</summary>
    /// <returns>One entry per rule, in id order.</returns>
    public static IReadOnlyList<CoreImportEntry> Import(IReadOnlyList<CoreRule> rules, string outFolder, IDataModel? model = null)
    {
        model ??= SdtmModel.Sdtmig34;
        var entries = new List<CoreImportEntry>();
        var byLibrary = _libraries.ToDictionary(l => l.File, _ => new List<(CoreRule Rule, string Id, string Text)>(), StringComparer.Ordinal);
        var reasons = new Dictionary<CoreRule, List<string>>();
        foreach (var rule in rules)
        {
            var library = _libraries.FirstOrDefault(l => rule.Families.Contains(l.Family));
            var why = new List<string>();
            reasons[rule] = why;
            if (library.File is null)
            {
                why.Add($"its families ({string.Join(", ", rule.Families.DefaultIfEmpty("none"))}) have no library here (USDM and other non-tabulation rules are not record checks)");
                continue;
            }
            foreach (var (id, text, reason) in Translate(rule, model))
            {
                if (reason is not null) why.Add(reason);
                else byLibrary[library.File].Add((rule, id!, text!));
            }
        }

        // Each library is compiled; a check the compiler refuses is taken out with its message, until it compiles.
        var written = new Dictionary<CoreRule, (string File, List<string> Ids)>();
        var texts = new List<(string Path, string Text)>();
        foreach (var (family, file, title) in _libraries)
        {
            var checks = byLibrary[file];
            var path = Path.Combine(outFolder, file + ".protocol");
            while (true)
            {
                var (text, spans) = Library(file, title, checks);
                var compiled = new ProtocolCompiler(new FileSourceResolver(outFolder)).Compile(new SourceText(text, path));
                var refused = compiled.Diagnostics.Where(d => d.IsError)
                    .Select(d => (Diagnostic: d, Index: spans.FindIndex(s => d.Span.Start >= s.Start && d.Span.Start < s.End))).ToList();
                if (refused.Count == 0)
                {
                    if (checks.Count > 0) texts.Add((path, text));
                    foreach (var c in checks)
                    {
                        if (!written.TryGetValue(c.Rule, out var w)) written[c.Rule] = w = (path, []);
                        w.Ids.Add(c.Id);
                    }
                    break;
                }
                if (refused.Any(r => r.Index < 0))
                    throw new InvalidOperationException($"the generated library {file} does not compile outside its checks: {string.Join("; ", refused.Where(r => r.Index < 0).Select(r => r.Diagnostic))}");
                foreach (var index in refused.Select(r => r.Index).Distinct().OrderDescending())
                {
                    var message = refused.First(r => r.Index == index).Diagnostic;
                    reasons[checks[index].Rule].Add($"{checks[index].Id}: the compiler refuses it ({message.Code}: {message.Message})");
                    checks.RemoveAt(index);
                }
            }
        }
        // Written only once every library compiles, each file whole (nothing half-written).
        foreach (var (path, text) in texts) OutputFiles.WriteText(path, w => w.Write(text));
        foreach (var rule in rules)
            entries.Add(new CoreImportEntry(rule, written.TryGetValue(rule, out var w) ? w.File : null, w.Ids ?? [], reasons[rule]));
        return entries;
    }

    /// <summary>The report of an import: every rule, translated into which checks, or not with the reason.</summary>
    public static string Report(IReadOnlyList<CoreImportEntry> entries)
    {
        var text = new StringBuilder();
        var translated = entries.Count(e => e.Checks.Count > 0);
        text.AppendLine("# CDISC CORE rules imported as checks");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{entries.Count} rules: {translated} translated ({entries.Sum(e => e.Checks.Count)} checks), {entries.Count - translated} not translated.");
        text.AppendLine();
        text.AppendLine("## What the language lacks (rules not translated, by reason)");
        text.AppendLine();
        foreach (var group in entries.Where(e => e.Checks.Count == 0).GroupBy(e => Reason(e.NotTranslated.FirstOrDefault() ?? "no reason")).OrderByDescending(g => g.Count()))
            text.AppendLine(CultureInfo.InvariantCulture, $"- {group.Key}: {group.Count()} rules");
        text.AppendLine();
        text.AppendLine("## Every rule");
        text.AppendLine();
        text.AppendLine("| CORE id | CDISC ids | checks | not translated |");
        text.AppendLine("|---|---|---|---|");
        foreach (var e in entries)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {e.Rule.Id} | {string.Join(", ", e.Rule.RuleIds)} | {string.Join(", ", e.Checks)} | {string.Join("; ", e.NotTranslated).Replace("|", "\\|", StringComparison.Ordinal)} |");
        return text.ToString();
    }

    // A reason without its particulars (the operator, the domain), to group rules by what is missing.
    private static string Reason(string reason) => ReasonDetail().Replace(reason, "").Trim();

    [GeneratedRegex(@"\s*\((?:[^()]|\([^()]*\))*\)$|^[A-Z0-9_]+: ")]
    private static partial Regex ReasonDetail();

    private static (string Text, List<(int Start, int End)> Spans) Library(string file, string title, List<(CoreRule Rule, string Id, string Text)> checks)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"// {title}: written by `protocol core import` from CDISC's CORE rules (rule.yml), one check per rule and domain.");
        text.AppendLine("// A check fails where the CORE rule would raise an issue; each cites its CORE id and CDISC rule ids.");
        text.AppendLine(CultureInfo.InvariantCulture, $"library core.`{file}` version \"1.0\"");
        text.AppendLine(CultureInfo.InvariantCulture, $"  title \"{title}\"");
        text.AppendLine("  data SDTM \"3.4\"");
        text.AppendLine("  cites \"CDISC CORE rules (cdisc-org/cdisc-open-rules)\"");
        var spans = new List<(int, int)>();
        foreach (var c in checks)
        {
            text.AppendLine();
            int start = text.Length;
            text.Append(c.Text);
            spans.Add((start, text.Length));
        }
        return (text.ToString(), spans);
    }

    // One check per domain of the rule's scope, or the reason it cannot be written.
    private static IEnumerable<(string? Id, string? Text, string? Reason)> Translate(CoreRule rule, IDataModel model)
    {
        string? whole = rule switch
        {
            { Unsupported.Count: > 0 } => $"the runner does not evaluate it either ({string.Join("; ", rule.Unsupported)})",
            { RuleType: not "Record Data" } => $"rule type {rule.RuleType}: the language checks records, not dataset or variable metadata",
            _ when !string.Equals(rule.Sensitivity, "Record", StringComparison.OrdinalIgnoreCase) => $"one issue per {rule.Sensitivity.ToLowerInvariant()} (Sensitivity {rule.Sensitivity}): a check reports records",
            { Operations.Count: > 0 } => $"computed values ($ operations: {string.Join(", ", rule.Operations.Select(o => o.Operator).Distinct())}): the language has no translation of them yet",
            { Matches.Count: > 0 } => $"matched datasets ({string.Join(", ", rule.Matches.Select(m => m.Name))}): joins by keys, RELREC and SUPP-- are not translated yet",
            _ => null,
        };
        if (whole is not null)
        {
            yield return (null, null, whole);
            yield break;
        }
        var domains = rule.Scope.IncludeDomains.Where(d => !d.Equals("ALL", StringComparison.OrdinalIgnoreCase)).ToList();
        if (domains.Count == 0 || domains.Count < rule.Scope.IncludeDomains.Count)
        {
            yield return (null, null, "its scope is every dataset of a class (ALL domains): the language has no check over the domains of a class or over --prefixed variables across domains");
            yield break;
        }
        foreach (var domain in domains)
        {
            if (domain.Contains("--", StringComparison.Ordinal))
            {
                yield return (null, null, $"scope {domain}: SUPP-- and other dataset families are not domains the language names");
                continue;
            }
            if (model.FindDomain(domain) is null)
            {
                yield return (null, null, $"domain {domain} is not in the language's SDTM model");
                continue;
            }
            string? reason = null;
            string Holds(CoreCondition c, bool negate) => reason is not null ? "" : Condition(c, domain, negate, model, ref reason);
            string where = "", expect;
            if (rule.Check is CoreAll { Conditions.Count: > 1 } all)
            {
                where = string.Join(" and ", all.Conditions.Take(all.Conditions.Count - 1).Select(c => Holds(c, false)));
                expect = Holds(all.Conditions[^1], true);
            }
            else expect = Holds(rule.Check, true);
            if (reason is not null)
            {
                yield return (null, null, $"{domain}: {reason}");
                continue;
            }
            var id = rule.Id.Replace("-", "", StringComparison.Ordinal) + "_" + domain;
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"check {id} \"{Quote(Title(rule))}\"");
            text.AppendLine("  severity error");
            text.AppendLine(CultureInfo.InvariantCulture, $"  cites \"CDISC CORE {rule.Id}\"");
            foreach (var rid in rule.RuleIds) text.AppendLine(CultureInfo.InvariantCulture, $"  cites \"CDISC rule {rid}\"");
            text.AppendLine(CultureInfo.InvariantCulture, $"  for each {domain} R{(where.Length > 0 ? " where " + where : "")}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  expect {expect}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  message \"{Quote(rule.Message)}\"");
            yield return (id, text.ToString(), null);
        }
    }

    private static string Title(CoreRule rule) => rule.Message.Length > 0 ? rule.Message : rule.Id;

    // Text in a string literal of the language: quotes and placeholders' braces would change its meaning.
    private static string Quote(string s) => s.Replace("\\", "/", StringComparison.Ordinal).Replace("\"", "'", StringComparison.Ordinal)
        .Replace("{", "(", StringComparison.Ordinal).Replace("}", ")", StringComparison.Ordinal).ReplaceLineEndings(" ");

    // The condition as CORE reads it, two-valued (an empty value makes a comparison false, or true for "not equal"),
    // so that the check's outcome is CORE's: `negate` writes the condition that must hold for no issue.
    private static string Condition(CoreCondition condition, string domain, bool negate, IDataModel model, ref string? reason)
    {
        switch (condition)
        {
            case CoreAll all:
            {
                var parts = new List<string>();
                foreach (var c in all.Conditions) parts.Add(Condition(c, domain, negate, model, ref reason));
                return "(" + string.Join(negate ? " or " : " and ", parts) + ")";
            }
            case CoreAny any:
            {
                var parts = new List<string>();
                foreach (var c in any.Conditions) parts.Add(Condition(c, domain, negate, model, ref reason));
                return "(" + string.Join(negate ? " and " : " or ", parts) + ")";
            }
            case CoreNot not:
                return Condition(not.Condition, domain, !negate, model, ref reason);
            case CoreLeaf leaf:
                return Leaf(leaf, domain, negate, model, ref reason);
            default:
                reason ??= $"condition {condition.GetType().Name}";
                return "";
        }
    }

    private static string Leaf(CoreLeaf leaf, string domain, bool negate, IDataModel model, ref string? reason)
    {
        string Resolve(string name) => name.StartsWith("--", StringComparison.Ordinal) ? domain + name[2..] : name;
        var name = Resolve(leaf.Name);
        if (!IsVariable(name) || model.FindDomain(domain)?.FindVariable(name) is null)
        {
            reason ??= $"{leaf.Name} is not a variable of {domain} in the language's SDTM model";
            return "";
        }
        var x = "R." + name;
        string? variable = leaf.Value is string v && !leaf.ValueIsLiteral && (v.StartsWith("--", StringComparison.Ordinal) || model.FindDomain(domain)?.FindVariable(v) is not null)
            ? "R." + Resolve(v) : null;
        string Lit(object? value) => value switch
        {
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && IsNumeric(model, domain, name) => s,
            string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
            _ => "",
        };
        (string Holds, string Not)? pair = leaf.Operator switch
        {
            "exists" or "not_exists" => null,
            "empty" => ($"{x} is null", $"{x} is not null"),
            "non_empty" => ($"{x} is not null", $"{x} is null"),
            "equal_to" when variable is { } y => ($"({x} is not null and {y} is not null and {x} = {y})", $"({x} is null or {y} is null or {x} <> {y})"),
            "not_equal_to" when variable is { } y => ($"(({x} is null) <> ({y} is null) or ({x} is not null and {y} is not null and {x} <> {y}))",
                $"(({x} is null) = ({y} is null) and ({x} is null or {x} = {y}))"),
            "equal_to" when leaf.Value is string => ($"({x} is not null and {x} = {Lit(leaf.Value)})", $"({x} is null or {x} <> {Lit(leaf.Value)})"),
            "not_equal_to" when leaf.Value is string => ($"({x} is null or {x} <> {Lit(leaf.Value)})", $"({x} is not null and {x} = {Lit(leaf.Value)})"),
            "equal_to_case_insensitive" when leaf.Value is string s && variable is null =>
                ($"({x} is not null and Upper({x}) = {Lit(s.ToUpperInvariant())})", $"({x} is null or Upper({x}) <> {Lit(s.ToUpperInvariant())})"),
            "not_equal_to_case_insensitive" when leaf.Value is string s && variable is null =>
                ($"({x} is null or Upper({x}) <> {Lit(s.ToUpperInvariant())})", $"({x} is not null and Upper({x}) = {Lit(s.ToUpperInvariant())})"),
            "is_contained_by" when leaf.Value is List<object?> list && list.All(i => i is string) =>
                ($"({x} is not null and {x} in {{ {string.Join(", ", list.Select(Lit))} }})", $"({x} is null or not ({x} in {{ {string.Join(", ", list.Select(Lit))} }}))"),
            "is_not_contained_by" when leaf.Value is List<object?> list && list.All(i => i is string) =>
                ($"({x} is null or not ({x} in {{ {string.Join(", ", list.Select(Lit))} }}))", $"({x} is not null and {x} in {{ {string.Join(", ", list.Select(Lit))} }})"),
            "greater_than" or "greater_than_or_equal_to" or "less_than" or "less_than_or_equal_to"
                when leaf.Value is string n && variable is null && IsNumeric(model, domain, name) && double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out _) =>
                Compare(x, leaf.Operator, n),
            _ => null,
        };
        if (pair is null)
        {
            reason ??= leaf.Operator switch
            {
                "exists" or "not_exists" => "a variable's presence in a dataset (exists, not_exists): the language has no such test",
                "is_unique_set" or "is_not_unique_set" or "is_unique_relationship" or "is_not_unique_relationship" or "present_on_multiple_rows_within"
                    or "is_inconsistent_across_dataset" or "target_is_not_sorted_by" => $"a dataset-level relation ({leaf.Operator}): the language has no uniqueness or one-to-one test over a dataset",
                "matches_regex" or "not_matches_regex" or "prefix_matches_regex" or "not_prefix_matches_regex" or "suffix_matches_regex" or "not_suffix_matches_regex"
                    => $"a regular expression ({leaf.Operator}): CORE matches at the start of the value (Python re.match), which the language's Matches does not say",
                var op when op.StartsWith("date_", StringComparison.Ordinal) || op is "is_complete_date" or "is_incomplete_date" or "invalid_date"
                    => $"a comparison of ISO 8601 texts as dates ({leaf.Operator}): CORE compares partial dates as points, the language as uncertain intervals",
                _ => $"operator {leaf.Operator}{(leaf.Value is null ? "" : " with this comparator")} is not translated",
            };
            return "";
        }
        return negate ? pair.Value.Not : pair.Value.Holds;
    }

    private static (string, string) Compare(string x, string op, string n) => op switch
    {
        "greater_than" => ($"({x} is not null and {x} > {n})", $"({x} is null or {x} <= {n})"),
        "greater_than_or_equal_to" => ($"({x} is not null and {x} >= {n})", $"({x} is null or {x} < {n})"),
        "less_than" => ($"({x} is not null and {x} < {n})", $"({x} is null or {x} >= {n})"),
        _ => ($"({x} is not null and {x} <= {n})", $"({x} is null or {x} > {n})"),
    };

    private static bool IsNumeric(IDataModel model, string domain, string variable) =>
        model.FindDomain(domain)?.FindVariable(variable)?.Type is ProtocolEngine.Language.DataModel.VariableType.Num or ProtocolEngine.Language.DataModel.VariableType.Integer;

    private static bool IsVariable(string name) => VariableName().IsMatch(name);

    [GeneratedRegex("^[A-Z][A-Z0-9]{0,7}$")]
    private static partial Regex VariableName();
}
