using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Usdm.Export;

namespace ProtocolEngine.Usdm.Tests;

public class UsdmExportTests
{
    private static readonly Lazy<(string Protocol, JsonNode Exported)> PilotRoundTrip = new(() =>
    {
        var imported = UsdmImporter.Import(File.ReadAllText(UsdmPaths.PilotStudy), "CDISC_Pilot_Study.json");
        var exported = UsdmExporter.Export(UsdmImportTests.Compile(imported.ProtocolText!));
        Assert.True(exported.Succeeded, string.Join("\n", exported.Errors));
        return (imported.ProtocolText!, JsonNode.Parse(exported.Json!)!);
    });

    // The schema as the shared data holds it, read here on its own (not the copy export embeds).
    private static readonly Lazy<JsonSchema> SharedSchema = new(() =>
    {
        var components = JsonNode.Parse(File.ReadAllText(UsdmPaths.ApiSchema))!["components"]!["schemas"]!.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        return JsonSchema.FromText($$"""{ "$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#/$defs/Wrapper-Input", "$defs": {{components}} }""",
            new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri("https://tests.invalid/usdm.json"));
    });

    private static bool ValidAgainstSharedSchema(JsonNode document)
    {
        using var json = JsonDocument.Parse(document.ToJsonString());
        return SharedSchema.Value.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;
    }

    private static JsonNode Version(JsonNode document) => document["study"]!["versions"]![0]!;

    [Fact]
    public void TheEmbeddedSchema_IsTheUsdmApiDocumentOfTheSharedData() =>
        Assert.Equal(File.ReadAllText(UsdmPaths.ApiSchema), UsdmSchema.ApiDocument);

    [Fact]
    public void ThePilotStudyItself_IsValidAgainstTheSchema_AndABrokenCopyIsNot()
    {
        var pilot = JsonNode.Parse(File.ReadAllText(UsdmPaths.PilotStudy))!;
        Assert.True(ValidAgainstSharedSchema(pilot));
        Assert.Empty(UsdmSchema.Validate(pilot));
        var broken = pilot.DeepClone();
        Version(broken)["studyDesigns"]![0]!["eligibilityCriteria"]![0]!.AsObject().Remove("category");
        Version(broken)["titles"]![0]!["text"] = 42;
        Assert.False(ValidAgainstSharedSchema(broken));
        var problems = UsdmSchema.Validate(broken);
        Assert.Contains(problems, p => p.Path == "$.study.versions[0].studyDesigns[0].eligibilityCriteria[0]" && p.Message.Contains("category", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "$.study.versions[0].titles[0].text");
    }

    [Fact]
    public void ExportOfTheImportedPilot_IsValidAgainstTheUsdmApiSchema() =>
        Assert.True(ValidAgainstSharedSchema(PilotRoundTrip.Value.Exported));

    [Fact]
    public void ExportOfTheImportedPilot_RoundTripsTheCriteria()
    {
        var original = JsonNode.Parse(File.ReadAllText(UsdmPaths.PilotStudy))!;
        var exported = PilotRoundTrip.Value.Exported;
        static List<(string Name, string? Label, string Identifier, string Category)> Criteria(JsonNode document) =>
            [.. Version(document)["studyDesigns"]![0]!["eligibilityCriteria"]!.AsArray()
                .Select(c => ((string)c!["name"]!, (string?)c["label"], (string)c["identifier"]!, (string)c["category"]!["code"]!))];
        Assert.Equal(Criteria(original), Criteria(exported));
        Assert.Equal(31, Criteria(exported).Count);

        // Texts: the exported XHTML read back gives the same criterion texts, with its tags in place.
        var again = UsdmImporter.Import(exported.ToJsonString(), "export.json");
        Assert.True(again.Succeeded, string.Join("\n", again.Problems));
        var first = UsdmImportTests.Compile(PilotRoundTrip.Value.Protocol).Criteria.Select(c => (c.Id, c.Kind, c.Title, Cites: string.Join("|", c.Syntax.Citations.Select(s => s.Value))));
        var second = UsdmImportTests.Compile(again.ProtocolText!).Criteria.Select(c => (c.Id, c.Kind, c.Title, Cites: string.Join("|", c.Syntax.Citations.Select(s => s.Value))));
        Assert.Equal(first, second);
        var item = Version(exported)["eligibilityCriterionItems"]![0]!;
        Assert.Equal("<p>Males and postmenopausal females at least <usdm:tag name=\"min_age\"/> years of age.</p>", (string)item["text"]!);
        Assert.Equal("SyntaxTemplateDictionary_1", (string)item["dictionaryId"]!);
    }

    [Fact]
    public void ExportOfTheImportedPilot_RoundTripsIdentifiersAndParameterValues()
    {
        var original = JsonNode.Parse(File.ReadAllText(UsdmPaths.PilotStudy))!;
        var exported = PilotRoundTrip.Value.Exported;
        static List<(string Text, string Organization, string? Label, string Type)> Identifiers(JsonNode document)
        {
            var organizations = Version(document)["organizations"]!.AsArray().ToDictionary(o => (string)o!["id"]!, o => o!);
            return [.. Version(document)["studyIdentifiers"]!.AsArray().Select(i => organizations[(string)i!["scopeId"]!] is var o
                ? ((string)i["text"]!, (string)o["name"]!, (string?)o["label"], (string)o["type"]!["code"]!) : default)];
        }
        Assert.Equal(Identifiers(original), Identifiers(exported));
        Assert.Equal((string)original["study"]!["name"]!, (string)exported["study"]!["name"]!);

        // Each tag resolves, in the export, to the value it has in the study.
        static Dictionary<string, string> TagValues(JsonNode document)
        {
            var instances = new Dictionary<string, JsonObject>();
            void Walk(JsonNode? n)
            {
                if (n is JsonObject o)
                {
                    if (o["id"] is JsonValue id && id.TryGetValue(out string? key) && o["instanceType"] is not null) instances.TryAdd(key, o);
                    foreach (var (_, c) in o) Walk(c);
                }
                else if (n is JsonArray a) foreach (var c in a) Walk(c);
            }
            Walk(document);
            var result = new Dictionary<string, string>();
            foreach (var map in Version(document)["dictionaries"]!.AsArray().SelectMany(d => d!["parameterMaps"]!.AsArray()))
            {
                var m = System.Text.RegularExpressions.Regex.Match((string)map!["reference"]!, "id=\"([^\"]+)\" attribute=\"([^\"]+)\"");
                var value = instances[m.Groups[1].Value][m.Groups[2].Value]!;
                result[(string)map["tag"]!] = value.GetValueKind() == JsonValueKind.Number ? ((double)value).ToString(System.Globalization.CultureInfo.InvariantCulture) : value.ToString();
            }
            return result;
        }
        var expected = TagValues(original);
        Assert.Equal(5, expected.Count);
        Assert.Equal(expected.OrderBy(kv => kv.Key), TagValues(exported).OrderBy(kv => kv.Key));
        Assert.Equal("Year", (string)Version(exported)["studyDesigns"]![0]!["population"]!["plannedAge"]!["minValue"]!["unit"]!["standardCode"]!["decode"]!);
        Assert.Equal("C15601", (string)Version(exported)["studyDesigns"]![0]!["studyPhase"]!["standardCode"]!["code"]!);
    }

    [Fact]
    public void AProtocolNeverImported_ExportsValidUsdm_WithItsNameAsTheIdentifier()
    {
        var path = Path.Combine(UsdmPaths.Root, "protocols", "cdiscpilot01.protocol");
        var compiled = new ProtocolCompiler(new FileSourceResolver()).Compile(ProtocolFiles.Read(path));
        Assert.False(compiled.HasErrors);
        var result = UsdmExporter.Export(compiled);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var document = JsonNode.Parse(result.Json!)!;
        Assert.True(ValidAgainstSharedSchema(document));
        Assert.Equal((31, 0, 1), (result.Criteria, result.Parameters, result.Identifiers));
        Assert.Equal("CDISCPILOT01", (string)Version(document)["studyIdentifiers"]![0]!["text"]!);
        var criteria = Version(document)["studyDesigns"]![0]!["eligibilityCriteria"]!.AsArray();
        Assert.Equal(compiled.Criteria.Select(c => c.Id), criteria.Select(c => (string)c!["name"]!));
        Assert.Equal("<p>Geographic proximity to investigator's site that allows adequate follow-up.</p>",
            (string)Version(document)["eligibilityCriterionItems"]![6]!["text"]!);
    }

    [Fact]
    public void AParameterExportCannotPlace_IsAnErrorNamingItsLine()
    {
        var text = """
            protocol P version "1"
              title "T"
              data SDTM "3.4"

            parameter weight: Integer default 70 "USDM Quantity Quantity_3 value at studyDesigns[0].population.plannedEnrollmentNumber"

            criteria
              inclusion IN01 "Weighs {weight} kg or more."
                attested by Investigator
            """;
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(text, "p.protocol"));
        Assert.False(compiled.HasErrors);
        var result = UsdmExporter.Export(compiled);
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("p.protocol(5,1): parameter weight names the value of USDM Quantity Quantity_3", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AStudyOfOurOwn_RoundTrips()
    {
        var original = JsonNode.Parse(File.ReadAllText(UsdmPaths.Fixture("Acme_Study.json")))!;
        var imported = UsdmImporter.Import(original.ToJsonString(), "Acme_Study.json");
        var exported = UsdmExporter.Export(UsdmImportTests.Compile(imported.ProtocolText!));
        Assert.True(exported.Succeeded, string.Join("\n", exported.Errors));
        var document = JsonNode.Parse(exported.Json!)!;
        Assert.True(ValidAgainstSharedSchema(document));
        var again = UsdmImporter.Import(exported.Json!, "export.json");
        var before = UsdmImportTests.Compile(imported.ProtocolText!);
        var after = UsdmImportTests.Compile(again.ProtocolText!);
        Assert.Equal(before.Criteria.Select(c => (c.Id, c.Kind, c.Title)), after.Criteria.Select(c => (c.Id, c.Kind, c.Title)));
        static IEnumerable<(string, string)> Values(CompiledProtocol c) =>
            c.Parameters.Values.Select(p => (p.Name, ((ProtocolEngine.Language.Syntax.LiteralSyntax)p.Syntax.Default!).Value)).Order();
        Assert.Equal([("Assessment", "RECIST 1.1 tumour assessment"), ("max_age", "75"), ("min_age", "18")], Values(before));
        Assert.Equal(Values(before), Values(after));
        Assert.Equal("1", after.Phase);
        Assert.Equal(before.Syntax.Header!.Citations.Select(c => c.Value), after.Syntax.Header!.Citations.Select(c => c.Value));
    }
}
