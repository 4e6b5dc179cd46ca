using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Formatting;

namespace ProtocolEngine.Usdm.Tests;

public class UsdmImportTests
{
    private static readonly Lazy<(UsdmImportResult Result, CompiledProtocol Compiled)> Pilot = new(() =>
    {
        var result = UsdmImporter.Import(File.ReadAllText(UsdmPaths.PilotStudy), "CDISC_Pilot_Study.json");
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        return (result, Compile(result.ProtocolText!));
    });

    internal static CompiledProtocol Compile(string text) =>
        new ProtocolCompiler(new Runtime.Hosting.FileSourceResolver()).CompileFresh(new SourceText(text, Path.Combine(Path.GetTempPath(), "usdm-import.protocol")));

    private static JsonNode PilotJson() => JsonNode.Parse(File.ReadAllText(UsdmPaths.PilotStudy))!;

    [Fact]
    public void PilotStudy_ImportsAsAProtocolThatCompiles_WithItsIdentifiersTitleAndPhase()
    {
        var (result, compiled) = Pilot.Value;
        Assert.DoesNotContain(compiled.Diagnostics, d => d.IsError);
        Assert.Equal("H2Q_MC_LZZT.protocol", result.FileName);
        Assert.Equal("H2Q_MC_LZZT", compiled.Name);
        Assert.Equal("2", compiled.Version);
        Assert.Equal("2", compiled.Phase);
        Assert.Equal("Safety and Efficacy of the Xanomeline Transdermal Therapeutic System (TTS) in Patients with Mild to Moderate Alzheimer's Disease", compiled.Title);
        Assert.Equal("Eli Lilly", compiled.Syntax.Header!.Sponsor!.Value);
        var cites = compiled.Syntax.Header.Citations.Select(c => c.Value).ToList();
        Assert.Contains("USDM study identifier | H2Q-MC-LZZT | LILLY | Eli Lilly | C70793 Clinical Study Sponsor | DUNS 00-642-1325", cites);
        Assert.Contains("USDM study identifier | NCT12345678 | CT-GOV | ClinicalTrials.gov | C93453 Study Registry | USGOV CT-GOV", cites);
    }

    [Fact]
    public void PilotStudy_HasIts31Criteria_InOrder_EachAttestedByTheInvestigator_WithANote()
    {
        var (result, compiled) = Pilot.Value;
        var source = PilotJson()["study"]!["versions"]![0]!["studyDesigns"]![0]!["eligibilityCriteria"]!.AsArray();
        Assert.Equal(31, result.Criteria);
        Assert.Equal(source.Select(c => (string)c!["name"]!), compiled.Criteria.Select(c => c.Id));
        Assert.Equal(8, compiled.Criteria.Count(c => c.Kind == CriterionKind.Inclusion));
        Assert.Equal(23, compiled.Criteria.Count(c => c.Kind == CriterionKind.Exclusion));
        Assert.All(compiled.Criteria, c =>
        {
            Assert.Null(c.Rule);
            Assert.Equal("Investigator", c.AttestedBy?.Name);
            Assert.Contains($"  // {c.Id}: USDM ", result.ProtocolText, StringComparison.Ordinal);
        });
        Assert.Contains("USDM criterion | 16b | EX08 | ECG Criteria", compiled.FindCriterion("EX08")!.Syntax.Citations.Select(s => s.Value));
    }

    [Fact]
    public void PilotStudy_CriterionTexts_HoldEveryWordOfTheStudysTexts_InOrder()
    {
        var (_, compiled) = Pilot.Value;
        var version = PilotJson()["study"]!["versions"]![0]!;
        var items = version["eligibilityCriterionItems"]!.AsArray().ToDictionary(i => (string)i!["id"]!, i => (string)i!["text"]!);
        foreach (var criterion in version["studyDesigns"]![0]!["eligibilityCriteria"]!.AsArray())
        {
            // An independent reading of the XHTML: tags as {name}, markup dropped, entities decoded, words compared.
            var html = Regex.Replace(items[(string)criterion!["criterionItemId"]!], @"<usdm:tag name=""([^""]+)""\s*/>", "{$1}");
            var expected = Words(WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]+>", " ")));
            var actual = Words(compiled.FindCriterion((string)criterion["name"]!)!.Title);
            int at = 0;
            foreach (var word in expected)
            {
                while (at < actual.Count && actual[at] != word) at++;
                Assert.True(at < actual.Count, $"{criterion["name"]}: the word \"{word}\" is missing or out of order in \"{string.Join(' ', actual)}\"");
                at++;
            }
        }
        Assert.Equal("Males and postmenopausal females at least {min_age} years of age.", compiled.FindCriterion("IN01")!.Title);
        Assert.Equal("Geographic proximity to investigator's site that allows adequate follow-up.", compiled.FindCriterion("IN07")!.Title);
        Assert.StartsWith("Glycosylated hemoglobin (A1C). Required only on patients with known diabetes mellitus or random blood sugar >200", compiled.FindCriterion("EX22")!.Title, StringComparison.Ordinal);
        Assert.Contains("a) Large vessel strokes 1) Any definite area of encephalomalacia", compiled.FindCriterion("IN05")!.Title, StringComparison.Ordinal);
        Assert.Contains("Depakote® (valproic acid): 2 weeks; Dilantin® (phenytoin): 2 weeks", compiled.FindCriterion("EX23")!.Title, StringComparison.Ordinal);
    }

    private static List<string> Words(string text) => Regex.Matches(text, @"[\p{L}\p{N}{}_]+").Select(m => m.Value).ToList();

    [Fact]
    public void PilotStudy_SyntaxTemplateTags_AreParametersWithTheStudysValues()
    {
        var (result, compiled) = Pilot.Value;
        Assert.Equal(5, result.Parameters);
        string Default(string name) => compiled.Parameters[name].Syntax.Default switch
        {
            LiteralSyntax l => l.Value,
            var other => throw new Xunit.Sdk.XunitException($"{name} has no literal default: {other}"),
        };
        // The values as the study holds them, read here straight from the JSON.
        var design = PilotJson()["study"]!["versions"]![0]!["studyDesigns"]![0]!;
        Assert.Equal((double)design["population"]!["plannedAge"]!["minValue"]!["value"]!, double.Parse(Default("min_age"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((double)design["population"]!["plannedAge"]!["maxValue"]!["value"]!, double.Parse(Default("max_age"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((string)design["population"]!["description"]!, Default("StudyPopulation"));
        var activities = design["activities"]!.AsArray();
        Assert.Equal((string)activities.Single(a => (string)a!["id"]! == "Activity_6")!["label"]!, Default("Activity1"));
        Assert.Equal((string)activities.Single(a => (string)a!["id"]! == "Activity_5")!["label"]!, Default("Activity2"));
        Assert.Equal(ProtocolEngine.Language.Types.ProtocolType.Integer, compiled.Parameters["min_age"].Type);
        Assert.Contains("// With the study's values: Males and postmenopausal females at least 50 years of age.", result.ProtocolText, StringComparison.Ordinal);
    }

    [Fact]
    public void PilotStudy_EncountersAreVisits_OnTheirTimingsDays_WithTheirWindows()
    {
        var (result, compiled) = Pilot.Value;
        var encounters = PilotJson()["study"]!["versions"]![0]!["studyDesigns"]![0]!["encounters"]!.AsArray();
        Assert.Equal(12, result.Visits);
        Assert.Equal(encounters.Select(e => (string)e!["label"]!), compiled.Visits.Values.OrderBy(v => v.Number).Select(v => v.Syntax.Label!.Value));
        var visits = compiled.Visits;
        // Day 1 is the dose (the fixed reference); 2 weeks before it is day -14, 2 days before is day -2, 2 weeks after is day 15.
        Assert.Equal((1, 1, 1), (visits["Baseline"].Day, visits["Baseline"].WindowStart, visits["Baseline"].WindowEnd));
        Assert.Equal((-14, -14, -14), (visits["Screening1"].Day, visits["Screening1"].WindowStart, visits["Screening1"].WindowEnd));
        Assert.Equal(-2, visits["Screening2"].Day);
        Assert.Equal((15, 12, 18), (visits["Week2"].Day, visits["Week2"].WindowStart, visits["Week2"].WindowEnd));
        Assert.Equal((85, 81, 89), (visits["Week12"].Day, visits["Week12"].WindowStart, visits["Week12"].WindowEnd));
        Assert.Equal((183, 180, 186), (visits["Week26"].Day, visits["Week26"].WindowStart, visits["Week26"].WindowEnd));
        Assert.Contains("its window (-4..0 hours) is finer than whole days", result.ProtocolText, StringComparison.Ordinal);
    }

    [Fact]
    public void PilotStudy_ArmsAreDeclared_AndEpochsNamedWithEachVisit()
    {
        var (result, compiled) = Pilot.Value;
        Assert.Equal(["Placebo", "XanomelineHighDose", "XanomelineLowDose"], compiled.Arms.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Xanomeline High Dose", compiled.Arms["XanomelineHighDose"].Title);
        Assert.Equal(5, result.Epochs);
        foreach (var epoch in new[] { "Screening", "Treatment 1", "Treatment 2", "Treatment 3", "Follow-Up" })
            Assert.Contains($"//   {epoch} (", result.ProtocolText, StringComparison.Ordinal);
        Assert.Contains("USDM Encounter_12 E13 \"Day 182\", epoch Follow-Up;", result.ProtocolText, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportedProtocol_IsInTheCanonicalLayout()
    {
        var text = Pilot.Value.Result.ProtocolText!;
        Assert.Equal(text, ProtocolFormatter.Format(text).Text);
    }

    [Fact]
    public void AStudyOfOurOwn_Imports_WithItsParametersVisitsAndTexts()
    {
        var result = UsdmImporter.Import(File.ReadAllText(UsdmPaths.Fixture("Acme_Study.json")), "Acme_Study.json");
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var compiled = Compile(result.ProtocolText!);
        Assert.DoesNotContain(compiled.Diagnostics, d => d.IsError);
        Assert.Equal((4, 3, 3, 2, 2), (result.Criteria, result.Parameters, result.Visits, result.Arms, result.Epochs));
        Assert.Equal("1", compiled.Phase);
        Assert.Equal((-28, 1, 22, 20, 24), (compiled.Visits["Screening"].Day, compiled.Visits["Cycle1Day1"].Day, compiled.Visits["Cycle2Day1"].Day,
            compiled.Visits["Cycle2Day1"].WindowStart, compiled.Visits["Cycle2Day1"].WindowEnd));
        Assert.Equal("Adults aged {min_age} to {max_age} years at consent.", compiled.FindCriterion("IN01")!.Title);
        Assert.Equal("Prior treatment with any of: a) Anthracyclines b) Anti-PD-1 & anti-PD-L1 antibodies", compiled.FindCriterion("EX01")!.Title);
        // The second row's cell is never closed: read as a browser reads it.
        Assert.Equal("Washout before the first dose: Chemotherapy: 4 weeks; Radiotherapy: 2 weeks", compiled.FindCriterion("EX02")!.Title);
    }

    [Fact]
    public void TheStudysOwnWords_WithLineBreaksAndQuotes_StayInsideTheirCommentsAndTexts()
    {
        var study = JsonNode.Parse(File.ReadAllText(UsdmPaths.Fixture("Acme_Study.json")))!;
        var version = study["study"]!["versions"]![0]!;
        version["studyDesigns"]![0]!["encounters"]![0]!["description"] = "Screening\nvisit = day -28 \"before\"";
        version["studyDesigns"]![0]!["activities"]![0]!["label"] = "RECIST\n1.1 \\ 'tumour' \"assessment\"";
        version["eligibilityCriterionItems"]![3]!["text"] = "<p>Say \"no\" \\ <b>twice</b></p>";
        var result = UsdmImporter.Import(study.ToJsonString(), "words.json");
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var compiled = Compile(result.ProtocolText!);
        Assert.DoesNotContain(compiled.Diagnostics, d => d.IsError);
        Assert.Equal("Say \"no\" \\ twice", compiled.FindCriterion("EX02")!.Title);
        Assert.Equal("RECIST\n1.1 \\ 'tumour' \"assessment\"", ((LiteralSyntax)compiled.Parameters["Assessment"].Syntax.Default!).Value);
        Assert.Contains("\"Screening visit = day -28 \"before\"\", epoch Screening", result.ProtocolText, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedStudy_GetsEveryProblem_WithItsJsonPathAndLine_AndNoProtocol()
    {
        var json = File.ReadAllText(UsdmPaths.Fixture("Malformed_Study.json"));
        var result = UsdmImporter.Import(json, "Malformed_Study.json");
        Assert.False(result.Succeeded);
        Assert.Null(result.ProtocolText);
        var lines = json.Split('\n');
        void Expect(string path, string valueOnLine, string message)
        {
            var problem = result.Problems.SingleOrDefault(p => p.Path == path);
            Assert.True(problem is not null, $"no problem at {path}; found:\n{string.Join("\n", result.Problems)}");
            Assert.Contains(message, problem.Message, StringComparison.Ordinal);
            Assert.True(problem.Line is int line && lines[line - 1].Contains(valueOnLine, StringComparison.Ordinal), $"{problem} does not point at the line holding {valueOnLine}");
        }
        Expect("$.study.versions[0].studyIdentifiers[1].scopeId", "Organization_9", "no organization of the study version has id \"Organization_9\"");
        Expect("$.study.versions[0].studyDesigns[0].eligibilityCriteria[1].category", "\"category\"", "is neither Inclusion Criteria (C25532) nor Exclusion Criteria (C25370)");
        Expect("$.study.versions[0].studyDesigns[0].eligibilityCriteria[2].criterionItemId", "EligibilityCriterionItem_99", "no eligibility criterion item of the study version has id");
        Expect("$.study.versions[0].studyDesigns[0].eligibilityCriteria[3].name", "42", "expected a text, found the number 42");
        Expect("$.study.versions[0].eligibilityCriterionItems[0].text", "ecog_max", "tag \"ecog_max\" is not in dictionary IE_Dict");
        Expect("$.study.versions[0].dictionaries[0].parameterMaps[2].reference", "Activity_7", "no instance of the study has that id");
        Expect("$.study.versions[0].studyDesigns[0].scheduleTimelines[0].timings[2].value", "P3X", "\"P3X\" is not an ISO 8601 duration");
        Assert.Equal(7, result.Problems.Count);
        Assert.Equal(result.Problems.OrderBy(p => p.Line), result.Problems);
    }

    [Theory]
    [InlineData("{ \"study\": ", "$", 1, "the file is not valid JSON")]
    [InlineData("[1, 2]", "$", null, "expected a USDM study definition")]
    [InlineData("{ \"usdmVersion\": \"3.0.0\", \"study\": { \"name\": \"x\", \"versions\": [] } }", "$.usdmVersion", 1, "USDM version 3.0.0 is not read")]
    [InlineData("{ \"usdmVersion\": \"4.0.0\",\n  \"study\": { \"name\": \"\", \"versions\": [] } }", "$.study.name", 2, "\"name\" is empty")]
    [InlineData("{ \"usdmVersion\": \"4.0.0\", \"study\": { \"name\": \"x\", \"name\": \"y\", \"versions\": [] } }", "$.study.name", 1, "\"name\" appears twice in one object")]
    public void BrokenDocuments_AreNamedWithTheirPath(string json, string path, int? line, string message)
    {
        var result = UsdmImporter.Import(json, "broken.json");
        Assert.False(result.Succeeded);
        var problem = result.Problems.FirstOrDefault(p => p.Path == path);
        Assert.True(problem is not null, $"no problem at {path}: {string.Join("; ", result.Problems)}");
        if (line is not null) Assert.Equal(line, problem.Line);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }
}
