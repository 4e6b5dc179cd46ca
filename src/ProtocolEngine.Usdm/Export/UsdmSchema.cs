using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace ProtocolEngine.Usdm.Export;

/// <summary>
/// The USDM 4.0 API's schema of a study definition (<c>Wrapper-Input</c>, what the API's POST /v4/studyDefinitions
/// accepts), read from the API's OpenAPI document shipped in this assembly.
/// </summary>
public static class UsdmSchema
{
    private static readonly Uri DocumentUri = new("https://protocolengine.invalid/usdm/USDM_API.json");
    private static readonly Lazy<JsonSchema> Wrapper = new(Build);

    /// <summary>The OpenAPI document's text (the USDM API 4.0.0, CDISC, MIT licence).</summary>
    public static string ApiDocument
    {
        get
        {
            using var stream = typeof(UsdmSchema).Assembly.GetManifestResourceStream("ProtocolEngine.Usdm.USDM_API.json")
                ?? throw new InvalidOperationException("The USDM API schema is not embedded in ProtocolEngine.Usdm; the build is broken.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Every way <paramref name="document"/> breaks the schema, each with the JSON path of the value; empty when it is valid.</summary>
    public static IReadOnlyList<UsdmProblem> Validate(JsonNode document)
    {
        using var json = JsonDocument.Parse(document.ToJsonString());
        var results = Wrapper.Value.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) return [];
        var problems = new List<UsdmProblem>();
        foreach (var detail in (IEnumerable<EvaluationResults>?)results.Details ?? [])
            foreach (var (keyword, message) in (IEnumerable<KeyValuePair<string, string>>?)detail.Errors ?? [])
                problems.Add(new UsdmProblem(Path(detail.InstanceLocation.ToString()), null, $"{message} ({keyword} of {detail.EvaluationPath})"));
        if (problems.Count == 0) problems.Add(new UsdmProblem("$", null, "the document does not match the USDM API schema"));
        return problems.Distinct().ToList();
    }

    // The OpenAPI document's component schemas are plain JSON Schema 2020-12: they become the $defs of one schema
    // whose root is the study definition (the document itself is no schema: "openapi", "paths" are not keywords).
    private static JsonSchema Build()
    {
        var components = JsonNode.Parse(ApiDocument)?["components"]?["schemas"]?.ToJsonString()
            ?? throw new InvalidOperationException("The embedded USDM API document has no components/schemas; the build is broken.");
        var schema = $$"""{ "$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#/$defs/Wrapper-Input", "$defs": {{components.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal)}} }""";
        return JsonSchema.FromText(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, DocumentUri);
    }

    // A JSON pointer (/study/versions/0/name) as a JSON path ($.study.versions[0].name).
    private static string Path(string pointer)
    {
        var path = "$";
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            path = int.TryParse(name, out int index) ? $"{path}[{index}]" : Json.JsonLineIndex.Member(path, name);
        }
        return path;
    }
}
