using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ProtocolEngine.Usdm.Json;

namespace ProtocolEngine.Usdm.Import;

/// <summary>
/// Reads a USDM 4.0 study definition (the <c>Wrapper</c> of the USDM API: <c>{ "study": ..., "usdmVersion": "4.0.0" }</c>)
/// into a <see cref="UsdmStudy"/>, checking what a protocol skeleton needs. Every problem is collected with the JSON
/// path and line of the value, so one run names them all.
/// </summary>
internal sealed partial class UsdmStudyReader
{
    private readonly List<UsdmProblem> _problems = [];
    private readonly JsonLineIndex _lines;
    private readonly Dictionary<string, JsonObject> _instances = new(StringComparer.Ordinal);

    private UsdmStudyReader(JsonLineIndex lines) => _lines = lines;

    /// <summary>Reads <paramref name="json"/>; the study is null when a problem was found.</summary>
    public static (UsdmStudy? Study, IReadOnlyList<UsdmProblem> Problems) Read(string json)
    {
        JsonNode? root;
        JsonLineIndex lines;
        try
        {
            lines = JsonLineIndex.Build(JsonLineIndex.Utf8(json));
            if (lines.Duplicate is var (path, line))
                return (null, [new UsdmProblem(path, line, $"\"{path[(path.LastIndexOf('.') + 1)..]}\" appears twice in one object; a value is named once")]);
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            return (null, [new UsdmProblem(ex.Path is { Length: > 0 } p ? p : "$", ex.LineNumber is long l ? (int)l + 1 : null, "the file is not valid JSON: " + JsonMessage(ex.Message))]);
        }
        var reader = new UsdmStudyReader(lines);
        var study = reader.ReadWrapper(root);
        return reader._problems.Count > 0 ? (null, [.. reader._problems.OrderBy(p => p.Line ?? int.MaxValue).ThenBy(p => p.Path, StringComparer.Ordinal)]) : (study, []);
    }

    private UsdmStudy? ReadWrapper(JsonNode? root)
    {
        if (root is not JsonObject wrapper)
        {
            Problem("$", $"expected a USDM study definition (an object with \"study\" and \"usdmVersion\"), found {Describe(root)}");
            return null;
        }
        IndexInstances(wrapper);
        var usdmVersion = Text(wrapper, "usdmVersion", required: true);
        if (usdmVersion is not null && !usdmVersion.StartsWith("4.", StringComparison.Ordinal))
            Problem(Member(wrapper, "usdmVersion"), $"USDM version {usdmVersion} is not read; expected 4.x (USDM 4.0)");
        var study = Object(wrapper, "study", required: true);
        if (study is null) return null;
        var name = Text(study, "name", required: true, nonEmpty: true);
        var versions = Array(study, "versions", required: true, nonEmpty: true);
        var version = versions is { Count: > 0 } ? AsObject(versions[0], $"{versions.GetPath()}[0]") : null;
        if (version is null || name is null || usdmVersion is null) return null;

        var organizations = Objects(version, "organizations").ToDictionary(o => Text(o, "id") ?? "", o => o, StringComparer.Ordinal);
        var identifiers = ReadIdentifiers(version, organizations);
        var titles = Objects(version, "titles", required: true)
            .Select(t => (Text: Text(t, "text", required: true), Type: Code(t, "type", required: true)))
            .ToList();
        string? Title(string kind) => titles.FirstOrDefault(t => t.Type?.Decode.Contains(kind, StringComparison.OrdinalIgnoreCase) == true).Text;

        var designs = Array(version, "studyDesigns", required: true, nonEmpty: true);
        var design = designs is { Count: > 0 } ? AsObject(designs[0], $"{designs.GetPath()}[0]") : null;
        if (design is null) return null;
        var designName = Text(design, "name", required: true, nonEmpty: true) ?? "";
        var model = Code(design, "model", required: false);
        var phase = Phase(design);
        var indication = Objects(design, "indications").Select(i => Text(i, "description") is { Length: > 0 } d ? d : Text(i, "name")).FirstOrDefault();

        var arms = Objects(design, "arms").Select(a => new UsdmArm(
            Text(a, "id", required: true) ?? "", Text(a, "name", required: true, nonEmpty: true) ?? "", Text(a, "label"), Text(a, "description"),
            Code(a, "type", required: false)?.Decode)).ToList();
        var epochs = Objects(design, "epochs").Select(e => new UsdmEpoch(
            Text(e, "id", required: true) ?? "", Text(e, "name", required: true, nonEmpty: true) ?? "", Text(e, "label"),
            Code(e, "type", required: false)?.Decode)).ToList();
        var encounters = new ScheduleReader(this, design).Encounters();
        var (criteria, parameters) = ReadCriteria(version, design);

        return new UsdmStudy(name, Text(version, "versionIdentifier", required: true), usdmVersion, Text(wrapper, "systemName"), Text(wrapper, "systemVersion"),
            identifiers, Title("Official") ?? titles.Select(t => t.Text).FirstOrDefault(t => t is not null), Title("Acronym"), phase, indication,
            designName, model, arms, epochs, encounters, criteria, parameters);
    }

    private List<UsdmIdentifier> ReadIdentifiers(JsonObject version, Dictionary<string, JsonObject> organizations)
    {
        var result = new List<UsdmIdentifier>();
        foreach (var identifier in Objects(version, "studyIdentifiers", required: true))
        {
            var text = Text(identifier, "text", required: true, nonEmpty: true);
            var scopeId = Text(identifier, "scopeId", required: true);
            if (text is null || scopeId is null) continue;
            if (!organizations.TryGetValue(scopeId, out var organization))
            {
                Problem(Member(identifier, "scopeId"), $"no organization of the study version has id \"{scopeId}\" (the organization that assigned identifier {text})");
                continue;
            }
            var o = ReadOrganization(organization);
            if (o is not null) result.Add(new UsdmIdentifier(text, o));
        }
        return result;
    }

    private UsdmOrganization? ReadOrganization(JsonObject o)
    {
        var id = Text(o, "id", required: true);
        var name = Text(o, "name", required: true, nonEmpty: true);
        var type = Code(o, "type", required: true);
        var scheme = Text(o, "identifierScheme", required: true);
        var identifier = Text(o, "identifier", required: true);
        return id is null || name is null || type is null || scheme is null || identifier is null ? null
            : new UsdmOrganization(id, name, Text(o, "label"), type, scheme, identifier);
    }

    private string? Phase(JsonObject design)
    {
        var phase = Object(design, "studyPhase", required: false);
        var code = phase is null ? null : Code(phase, "standardCode", required: false);
        if (code is null) return null;
        var m = PhaseDecode().Match(code.Decode);
        if (!m.Success) return null;
        static string Arabic(string roman) => roman switch { "0" => "0", "I" => "1", "II" => "2", "III" => "3", "IV" => "4", "V" => "5", _ => roman };
        return m.Groups[2].Success ? $"{Arabic(m.Groups[1].Value)}/{Arabic(m.Groups[2].Value)}" : Arabic(m.Groups[1].Value);
    }

    private (List<UsdmCriterion>, List<UsdmParameter>) ReadCriteria(JsonObject version, JsonObject design)
    {
        var items = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var item in Objects(version, "eligibilityCriterionItems"))
            if (Text(item, "id", required: true) is { } id) items.TryAdd(id, item);
        var dictionaries = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var dictionary in Objects(version, "dictionaries"))
            if (Text(dictionary, "id", required: true) is { } id) dictionaries.TryAdd(id, dictionary);

        var criteria = new List<UsdmCriterion>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var usedDictionaries = new List<string>();
        foreach (var criterion in Objects(design, "eligibilityCriteria", required: true))
        {
            var id = Text(criterion, "id", required: true);
            var name = Text(criterion, "name", required: true, nonEmpty: true);
            var identifier = Text(criterion, "identifier", required: true);
            var category = Code(criterion, "category", required: true);
            var itemId = Text(criterion, "criterionItemId", required: true);
            bool? inclusion = category is null ? null
                : category.Code == UsdmConventions.InclusionCode || category.Decode.Contains("Inclusion", StringComparison.OrdinalIgnoreCase) ? true
                : category.Code == UsdmConventions.ExclusionCode || category.Decode.Contains("Exclusion", StringComparison.OrdinalIgnoreCase) ? false
                : null;
            if (category is not null && inclusion is null)
                Problem(Member(criterion, "category"), $"category {category.Code} \"{category.Decode}\" is neither Inclusion Criteria ({UsdmConventions.InclusionCode}) nor Exclusion Criteria ({UsdmConventions.ExclusionCode})");
            if (name is not null)
            {
                if (names.TryGetValue(name, out var first)) Problem(Member(criterion, "name"), $"criterion name {name} is used twice (first at {first}); each criterion needs its own name");
                else names[name] = Member(criterion, "name");
            }
            if (itemId is null) continue;
            if (!items.TryGetValue(itemId, out var item))
            {
                Problem(Member(criterion, "criterionItemId"), $"no eligibility criterion item of the study version has id \"{itemId}\"");
                continue;
            }
            var html = Text(item, "text", required: true);
            if (html is null) continue;
            var (text, tags, problem) = XhtmlText.Convert(html);
            if (problem is not null) Problem(Member(item, "text"), problem);
            else if (text.Length == 0) Problem(Member(item, "text"), "the criterion's text is empty");
            if (tags.Count > 0)
            {
                var dictionaryId = Text(item, "dictionaryId");
                if (dictionaryId is null) Problem(Member(item, "dictionaryId"), $"the text names the tag{(tags.Count == 1 ? "" : "s")} {string.Join(", ", tags)} but the item names no dictionary");
                else if (!dictionaries.TryGetValue(dictionaryId, out var dictionary)) Problem(Member(item, "dictionaryId"), $"no syntax template dictionary of the study version has id \"{dictionaryId}\"");
                else
                {
                    var mapped = Objects(dictionary, "parameterMaps").Select(m => Text(m, "tag")).OfType<string>().ToHashSet(StringComparer.Ordinal);
                    foreach (var tag in tags.Where(t => !mapped.Contains(t)))
                        Problem(Member(item, "text"), $"tag \"{tag}\" is not in dictionary {Text(dictionary, "name") ?? dictionaryId} ({dictionaryId}), which maps {(mapped.Count == 0 ? "no tag" : string.Join(", ", mapped.Order(StringComparer.Ordinal)))}");
                    if (!usedDictionaries.Contains(dictionaryId)) usedDictionaries.Add(dictionaryId);
                }
            }
            if (id is null || name is null || identifier is null || inclusion is null) continue;
            criteria.Add(new UsdmCriterion(id, name, Text(criterion, "label"), identifier, inclusion.Value, itemId, text, tags, criterion.GetPath()));
        }
        var parameters = new List<UsdmParameter>();
        foreach (var dictionaryId in usedDictionaries)
            foreach (var map in Objects(dictionaries[dictionaryId], "parameterMaps", required: true))
                if (ReadParameter(map, version) is { } parameter)
                {
                    var same = parameters.FirstOrDefault(p => p.Tag == parameter.Tag);
                    if (same is null) parameters.Add(parameter);
                    else if (same.InstanceId != parameter.InstanceId || same.Attribute != parameter.Attribute)
                        Problem(Member(map, "tag"), $"tag \"{parameter.Tag}\" refers to {parameter.InstanceId}.{parameter.Attribute} here but to {same.InstanceId}.{same.Attribute} in another dictionary; a tag has one value");
                }
        return (criteria, parameters);
    }

    private UsdmParameter? ReadParameter(JsonObject map, JsonObject version)
    {
        var tag = Text(map, "tag", required: true, nonEmpty: true);
        var reference = Text(map, "reference", required: true);
        if (tag is null || reference is null) return null;
        if (!ProtocolNames.IsPlainName(tag))
        {
            Problem(Member(map, "tag"), $"tag \"{tag}\" cannot name a protocol parameter; expected letters, digits and _ (starting with a letter)");
            return null;
        }
        var m = Reference().Match(reference);
        var attributes = m.Success ? m.Groups["attrs"].Value : "";
        string? Attribute(string name) => AttributeValue().Matches(attributes).FirstOrDefault(a => a.Groups["name"].Value == name)?.Groups["value"].Value;
        var (klass, id, attribute) = (Attribute("klass"), Attribute("id"), Attribute("attribute"));
        if (klass is null || id is null || attribute is null)
        {
            Problem(Member(map, "reference"), $"expected <usdm:ref klass=\"...\" id=\"...\" attribute=\"...\"></usdm:ref>, found \"{reference}\"");
            return null;
        }
        if (!_instances.TryGetValue(id, out var instance))
        {
            Problem(Member(map, "reference"), $"tag \"{tag}\" refers to {klass} \"{id}\", but no instance of the study has that id");
            return null;
        }
        var type = instance["instanceType"]?.GetValue<string>();
        if (type != klass)
        {
            Problem(Member(map, "reference"), $"tag \"{tag}\" refers to {klass} \"{id}\", but {id} is a {type}");
            return null;
        }
        var value = instance[attribute];
        if (value is not JsonValue scalar || scalar.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
        {
            Problem(Member(map, "reference"), $"tag \"{tag}\" refers to {klass} {id}'s {attribute}, which holds {Describe(value)}; expected a text, number or true/false at {JsonLineIndex.Member(instance.GetPath(), attribute)}");
            return null;
        }
        if (scalar.GetValueKind() == JsonValueKind.Number && !decimal.TryParse(scalar.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            Problem(JsonLineIndex.Member(instance.GetPath(), attribute), $"the number {scalar.ToJsonString()} (the value of tag \"{tag}\") is out of range");
            return null;
        }
        var unit = klass == "Quantity" && instance["unit"] is JsonObject u
            ? (u["standardCode"] is JsonObject ? Code(u, "standardCode", required: true) : Code(instance, "unit", required: false))
            : null;
        var versionPath = version.GetPath() + ".";
        var path = instance.GetPath();
        return new UsdmParameter(tag, klass, id, attribute, (JsonValue)scalar.DeepClone(), path.StartsWith(versionPath, StringComparison.Ordinal) ? path[versionPath.Length..] : path, unit);
    }

    private void IndexInstances(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String && o["instanceType"] is JsonValue type && type.GetValueKind() == JsonValueKind.String)
                    _instances.TryAdd(id.GetValue<string>(), o);
                foreach (var (_, child) in o) IndexInstances(child);
                break;
            case JsonArray a:
                foreach (var child in a) IndexInstances(child);
                break;
        }
    }

    // ------------------------------------------------------------------ reading values with their paths

    internal void Problem(string path, string message) => _problems.Add(new UsdmProblem(path, _lines.LineOf(path), message));

    internal static string Member(JsonObject o, string name) => JsonLineIndex.Member(o.GetPath(), name);

    internal JsonObject? Object(JsonObject parent, string name, bool required)
    {
        var node = parent[name];
        if (node is null)
        {
            if (required) Problem(Member(parent, name), $"\"{name}\" is missing; expected an object");
            return null;
        }
        return AsObject(node, Member(parent, name));
    }

    internal JsonObject? AsObject(JsonNode? node, string path)
    {
        if (node is JsonObject o) return o;
        Problem(path, $"expected an object, found {Describe(node)}");
        return null;
    }

    internal JsonArray? Array(JsonObject parent, string name, bool required, bool nonEmpty = false)
    {
        var node = parent[name];
        if (node is null)
        {
            if (required) Problem(Member(parent, name), $"\"{name}\" is missing; expected a list");
            return null;
        }
        if (node is not JsonArray a)
        {
            Problem(Member(parent, name), $"expected a list, found {Describe(node)}");
            return null;
        }
        if (nonEmpty && a.Count == 0) Problem(Member(parent, name), $"\"{name}\" is empty; expected at least one");
        return a;
    }

    /// <summary>The objects of a list (each element that is not an object is reported).</summary>
    internal IEnumerable<JsonObject> Objects(JsonObject parent, string name, bool required = false)
    {
        var a = Array(parent, name, required);
        if (a is null) yield break;
        for (int i = 0; i < a.Count; i++)
            if (AsObject(a[i], $"{a.GetPath()}[{i}]") is { } o) yield return o;
    }

    internal string? Text(JsonObject o, string name, bool required = false, bool nonEmpty = false)
    {
        var node = o[name];
        if (node is null)
        {
            if (required) Problem(Member(o, name), $"\"{name}\" is missing; expected a text");
            return null;
        }
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            Problem(Member(o, name), $"expected a text, found {Describe(node)}");
            return null;
        }
        var text = v.GetValue<string>();
        if (nonEmpty && text.Trim().Length == 0)
        {
            Problem(Member(o, name), $"\"{name}\" is empty; expected a text");
            return null;
        }
        return text;
    }

    internal UsdmCode? Code(JsonObject parent, string name, bool required)
    {
        var o = Object(parent, name, required);
        if (o is null) return null;
        var code = Text(o, "code", required: true, nonEmpty: true);
        var system = Text(o, "codeSystem", required: true);
        var systemVersion = Text(o, "codeSystemVersion", required: true);
        var decode = Text(o, "decode", required: true);
        return code is null || system is null || systemVersion is null || decode is null ? null : new UsdmCode(code, system, systemVersion, decode);
    }

    internal static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"the text \"{Shorten(v.GetValue<string>())}\"",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => v.ToJsonString(),
        },
        _ => "a value",
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";

    // "'x' is an invalid start of a value. Path: $ | LineNumber: 0 | BytePositionInLine: 0." -> the first sentence.
    private static string JsonMessage(string message)
    {
        int cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd();
    }

    [GeneratedRegex(@"^Phase ([0IV]+)(?:/([IV]+))? Trial$", RegexOptions.IgnoreCase)]
    private static partial Regex PhaseDecode();

    [GeneratedRegex(@"^\s*<usdm:ref(?<attrs>(?:\s+[A-Za-z]+\s*=\s*""[^""]*"")*)\s*(?:/>|>\s*</usdm:ref>)\s*$")]
    private static partial Regex Reference();

    [GeneratedRegex(@"(?<name>[A-Za-z]+)\s*=\s*""(?<value>[^""]*)""")]
    private static partial Regex AttributeValue();

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
