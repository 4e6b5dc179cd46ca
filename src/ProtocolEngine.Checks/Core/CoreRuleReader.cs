using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ProtocolEngine.Checks.Core;

/// <summary>
/// Reads a CDISC CORE rule.yml into a <see cref="CoreRule"/>. The YAML is taken as CDISC publishes it; keys the
/// runner does not know are reported in <see cref="CoreRule.Unsupported"/> rather than ignored.
/// </summary>
public static class CoreRuleReader
{
    /// <summary>The operators <see cref="CoreRuleEngine"/> evaluates.</summary>
    public static readonly IReadOnlySet<string> KnownOperators = new HashSet<string>(StringComparer.Ordinal)
    {
        "equal_to", "not_equal_to", "equal_to_case_insensitive", "not_equal_to_case_insensitive", "empty", "non_empty",
        "exists", "not_exists", "is_contained_by", "is_not_contained_by", "is_contained_by_case_insensitive",
        "is_not_contained_by_case_insensitive", "contains", "does_not_contain", "contains_case_insensitive",
        "does_not_contain_case_insensitive", "matches_regex", "not_matches_regex", "longer_than", "shorter_than",
        "greater_than", "greater_than_or_equal_to", "less_than", "less_than_or_equal_to", "is_unique_set",
        "is_not_unique_set", "is_not_unique_relationship", "is_unique_relationship", "starts_with", "ends_with",
        "prefix_equal_to", "prefix_not_equal_to", "suffix_equal_to", "suffix_not_equal_to", "prefix_matches_regex",
        "not_prefix_matches_regex", "suffix_matches_regex", "not_suffix_matches_regex", "prefix_is_contained_by",
        "prefix_is_not_contained_by", "suffix_is_contained_by", "suffix_is_not_contained_by", "is_complete_date",
        "is_incomplete_date", "invalid_date", "invalid_duration", "date_equal_to", "date_not_equal_to",
        "date_greater_than", "date_greater_than_or_equal_to", "date_less_than", "date_less_than_or_equal_to",
        "present_on_multiple_rows_within", "does_not_equal_string_part", "not_contains_all", "contains_all",
        "shares_no_elements_with", "is_inconsistent_across_dataset", "target_is_not_sorted_by", "inconsistent_enumerated_columns",
    };

    /// <summary>The operations <see cref="CoreRuleEngine"/> computes.</summary>
    public static readonly IReadOnlySet<string> KnownOperations = new HashSet<string>(StringComparer.Ordinal)
    {
        "distinct", "record_count", "max_date", "min_date", "max", "min", "dy", "variable_count", "study_domains",
        "dataset_names", "variable_exists", "extract_metadata", "split_by", "domain_is_custom", "get_column_order_from_dataset", "get_model_filtered_variables",
    };

    /// <summary>Reads a rule file.</summary>
    /// <exception cref="CoreRuleFormatException">The file is not a readable CORE rule.</exception>
    public static CoreRule Read(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return Read(reader, path);
        }
        catch (IOException e)
        {
            throw new CoreRuleFormatException(path, e.Message);
        }
    }

    /// <summary>Reads a rule from YAML text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="CoreRuleFormatException">The text is not a readable CORE rule.</exception>
    public static CoreRule Read(TextReader text, string source)
    {
        object? doc;
        try
        {
            var stream = new YamlStream();
            stream.Load(text);
            if (stream.Documents.Count == 0) throw new CoreRuleFormatException(source, "the file is empty");
            doc = Plain(stream.Documents[0].RootNode);
        }
        catch (YamlException e)
        {
            throw new CoreRuleFormatException(source, $"line {e.Start.Line}: {e.Message}");
        }
        if (doc is not Dictionary<string, object?> root) throw new CoreRuleFormatException(source, "the rule is not a YAML mapping");
        var unsupported = new List<string>();

        var id = Text(Map(root, "Core")?.GetValueOrDefault("Id")) ?? throw new CoreRuleFormatException(source, "Core: Id is missing");
        var ruleIds = new List<string>();
        var standards = new List<string>();
        foreach (var authority in List(root.GetValueOrDefault("Authorities")).OfType<Dictionary<string, object?>>())
            foreach (var standard in List(authority.GetValueOrDefault("Standards")).OfType<Dictionary<string, object?>>())
            {
                standards.Add($"{Text(standard.GetValueOrDefault("Name"))} {Text(standard.GetValueOrDefault("Version"))}".Trim());
                foreach (var reference in List(standard.GetValueOrDefault("References")).OfType<Dictionary<string, object?>>())
                    if (Text(Map(reference, "Rule Identifier")?.GetValueOrDefault("Id")) is { Length: > 0 } rid && !ruleIds.Contains(rid)) ruleIds.Add(rid);
            }

        var scopeMap = Map(root, "Scope");
        var classes = Map(scopeMap, "Classes");
        var domains = Map(scopeMap, "Domains");
        var scope = new CoreScope(Texts(classes?.GetValueOrDefault("Include")), Texts(classes?.GetValueOrDefault("Exclude")),
            Texts(domains?.GetValueOrDefault("Include")), Texts(domains?.GetValueOrDefault("Exclude")));

        var operations = new List<CoreOperation>();
        foreach (var op in List(root.GetValueOrDefault("Operations")).OfType<Dictionary<string, object?>>())
        {
            var name = Text(op.GetValueOrDefault("operator")) ?? "";
            if (!KnownOperations.Contains(name)) unsupported.Add($"operation {name}");
            var filter = Map(op, "filter")?.ToDictionary(kv => kv.Key, kv => Text(kv.Value) ?? "", StringComparer.Ordinal) ?? [];
            var options = op.Where(kv => kv.Key is not ("id" or "operator" or "name" or "domain" or "group" or "filter"))
                .ToDictionary(kv => kv.Key, kv => kv.Value is List<object?> l ? string.Join("\u001f", l.Select(Text)) : Text(kv.Value) ?? "", StringComparer.Ordinal);
            operations.Add(new CoreOperation(Text(op.GetValueOrDefault("id")) ?? "", name, Text(op.GetValueOrDefault("name")),
                Text(op.GetValueOrDefault("domain")), Texts(op.GetValueOrDefault("group")), filter, options));
        }

        var matches = new List<CoreMatch>();
        foreach (var m in List(root.GetValueOrDefault("Match Datasets")).OfType<Dictionary<string, object?>>())
        {
            var keys = new List<string>();
            foreach (var k in List(m.GetValueOrDefault("Keys")))
            {
                if (k is string s) keys.Add(s);
                else unsupported.Add("Match Datasets with keys of different names");
            }
            matches.Add(new CoreMatch(Text(m.GetValueOrDefault("Name")) ?? "", keys, string.Equals(Text(m.GetValueOrDefault("Child")), "true", StringComparison.OrdinalIgnoreCase))
            {
                Wildcard = Text(m.GetValueOrDefault("Wildcard")),
            });
        }

        var check = Condition(root.GetValueOrDefault("Check"), unsupported) ?? new CoreAll([]);
        var outcome = Map(root, "Outcome");
        return new CoreRule(id, ruleIds, standards, Text(root.GetValueOrDefault("Rule Type")) ?? "", Text(root.GetValueOrDefault("Sensitivity")) ?? "Record",
            scope, operations, matches, check, Text(outcome?.GetValueOrDefault("Message")) ?? "", Texts(outcome?.GetValueOrDefault("Output Variables")),
            [.. unsupported.Distinct(StringComparer.Ordinal)]);
    }

    private static CoreCondition? Condition(object? node, List<string> unsupported)
    {
        if (node is not Dictionary<string, object?> map) return null;
        if (map.TryGetValue("all", out var all)) return new CoreAll([.. List(all).Select(c => Condition(c, unsupported)).OfType<CoreCondition>()]);
        if (map.TryGetValue("any", out var any)) return new CoreAny([.. List(any).Select(c => Condition(c, unsupported)).OfType<CoreCondition>()]);
        if (map.TryGetValue("not", out var not)) return Condition(not, unsupported) is { } inner ? new CoreNot(inner) : null;
        var op = Text(map.GetValueOrDefault("operator")) ?? "";
        if (!KnownOperators.Contains(op)) unsupported.Add($"operator {op}");
        var options = map.Where(kv => kv.Key is not ("name" or "operator" or "value" or "value_is_literal"))
            .ToDictionary(kv => kv.Key, kv => Text(kv.Value) ?? "", StringComparer.Ordinal);
        var name = map.GetValueOrDefault("name") switch { string s => s, Dictionary<string, object?> => "", var other => Text(other) ?? "" };
        if (name.Length == 0) unsupported.Add($"operator {op} without a variable name");
        return new CoreLeaf(name, op, map.GetValueOrDefault("value"),
            string.Equals(Text(map.GetValueOrDefault("value_is_literal")), "true", StringComparison.OrdinalIgnoreCase), options);
    }

    // YAML nodes as dictionaries, lists and text, so the rest reads like the rule file.
    private static object? Plain(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.Where(kv => kv.Key is YamlScalarNode).ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => Plain(kv.Value), StringComparer.Ordinal),
        YamlSequenceNode s => s.Children.Select(Plain).ToList(),
        YamlScalarNode sc => sc.Style == ScalarStyle.Plain && sc.Value is "null" or "~" or "" ? null : sc.Value,
        _ => null,
    };

    private static Dictionary<string, object?>? Map(Dictionary<string, object?>? map, string key) => map?.GetValueOrDefault(key) as Dictionary<string, object?>;

    private static List<object?> List(object? node) => node switch { List<object?> l => l, null => [], var one => [one] };

    private static string? Text(object? node) => node as string;

    private static List<string> Texts(object? node) => [.. List(node).OfType<string>()];
}
