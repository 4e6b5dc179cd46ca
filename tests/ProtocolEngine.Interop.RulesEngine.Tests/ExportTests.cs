using System.Text.Json;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Screening;
using ProtocolEngine.Sql.Tests.Support;

namespace ProtocolEngine.Interop.RulesEngine.Tests;

/// <summary>What the export writes, what it refuses, and hostile input.</summary>
public sealed class ExportTests
{
    /// <summary>
    /// How many of each shipped protocol's rules (criteria that are not attested) the workflow expresses: a construct the
    /// export stops handling fails here, and one it starts handling is a count to raise (docs/backends.md lists them).
    /// </summary>
    [Fact]
    public void Expressible_counts_per_protocol()
    {
        var counts = Studies.ShippedProtocols().Append(DifferentialTests.AggregateShapes).Select(f => (File: Path.GetFileName(f), Protocol: Studies.Compile(f)))
            .Where(p => !p.Protocol.Criteria.IsEmpty)
            .ToDictionary(p => p.File, p => RulesEngineWorkflow.Generate(p.Protocol) is var w ?  $"{w.Criteria.Count(c => c.IsExpressed)} of {w.Criteria.Count(c => !c.IsAttested)} rules ({w.Criteria.Count(c => c.IsAttested)} attested)" : "");
        var expected = new Dictionary<string, string>
        {
            ["cdiscpilot01-amendment1.protocol"] = "9 of 22 rules (9 attested)",
            ["cdiscpilot01.protocol"] = "9 of 21 rules (10 attested)",
            ["example.protocol"] = "1 of 3 rules (1 attested)",
            ["nsclc-recist.protocol"] = "5 of 12 rules (1 attested)",
            ["t2d-sglt2.protocol"] = "5 of 11 rules (2 attested)",
            ["main.protocol"] = "8 of 8 rules (0 attested)",
        };
        Assert.Equal(expected, counts);
    }

    /// <summary>Every rule left out has one PE4101 warning naming the criterion and why; every rule kept is in the JSON, attested criteria are not.</summary>
    [Theory]
    [InlineData("cdiscpilot01.protocol")]
    [InlineData("nsclc-recist.protocol")]
    [InlineData("t2d-sglt2.protocol")]
    public void Every_rule_left_out_is_named_with_why(string file)
    {
        var workflow = RulesEngineWorkflow.Generate(Studies.Compile(file));
        var left = workflow.Criteria.Where(c => !c.IsExpressed && !c.IsAttested).ToList();
        Assert.Equal(left.Count, workflow.Diagnostics.Count);
        foreach (var (c, d) in left.Zip(workflow.Diagnostics))
        {
            Assert.Equal("PE4101", d.Code);
            Assert.Contains($"Criterion {c.Criterion.Id} ", d.Message, StringComparison.Ordinal);
            Assert.Contains(c.Reason!, d.Message, StringComparison.Ordinal);
        }
        var parsed = RulesEngineWorkflow.Parse(workflow.ToJson());
        var rules = Assert.Single(parsed).Rules.ToList();
        Assert.Equal(workflow.Criteria.Where(c => c.IsExpressed).Select(c => c.Criterion.Id), rules.Select(r => r.RuleName));
        Assert.All(rules, r => Assert.Equal("OutputExpression", r.Actions.OnSuccess.Name));
    }

    [Fact]
    public void A_protocol_without_criteria_is_refused()
    {
        var protocol = Compile("protocol EMPTY version \"1\"\n  title \"No criteria\"\n  data SDTM \"3.4\"\n");
        var ex = Assert.Throws<ArgumentException>(() => RulesEngineWorkflow.Generate(protocol));
        Assert.Contains("criteri", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A protocol RulesEngine cannot express at all: the export has no rule and a warning per criterion; running it is refused, not an empty success.</summary>
    [Fact]
    public void A_protocol_nothing_of_which_can_be_expressed_is_refused_by_the_backend()
    {
        var protocol = Compile("""
            protocol NONE version "1"
              title "Dates and quantities only"
              data SDTM "3.4"
            criteria
              inclusion INCL01 "Informed consent in 2020 or later."
                DM.RFICDTC >= @2020-01-01
              exclusion EXCL01 "Weight over 150 kg."
                exists (VS V where V.VSTESTCD = 'WEIGHT' and V.VSSTRESN > 150 and 1 'kg' > 0 'kg')
            """);
        var workflow = RulesEngineWorkflow.Generate(protocol);
        Assert.Empty(workflow.Workflow.Rules);
        Assert.Equal(["INCL01", "EXCL01"], workflow.Diagnostics.Select(d => d.Message.Split(' ')[1]));
        var ex = Assert.Throws<ArgumentException>(() => RulesEngineBackend.Screen(protocol, Studies.Get("pilot-xpt")));
        Assert.Contains("none of the 2 rules", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Quotes, backslashes, non-ASCII and control characters in a protocol's text literals and in the data: escaped in the JSON, compared exactly as natively.</summary>
    [Fact]
    public void Odd_text_in_literals_and_values_decides_as_natively()
    {
        var folder = Directory.CreateTempSubdirectory("pe-re-odd-").FullName;
        try
        {
            string[] arms = ["a\"b", "back\\slash", "caf\u00e9 \u4e2d", "tab\there", "it's", "\"); s.HasDM || (\"", ""];
            File.WriteAllText(Path.Combine(folder, "dm.csv"), "STUDYID,USUBJID,ARM,AGE\n" + string.Concat(arms.Select((a, i) => $"S,S-{i},\"{a.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{50 + i}\n")) + "S,S-X,,\n");
            var study = StudyLoader.Load(folder).Data;
            var protocol = Compile("""
                protocol ODD version "1"
                  title "Odd text"
                  data SDTM "3.4"
                criteria
                  inclusion INCL01 "Quote." DM.ARM = 'a"b'
                  inclusion INCL02 "Backslash." DM.ARM = 'back\\slash'
                  inclusion INCL03 "Unicode." Upper(DM.ARM) = 'CAF\u00c9 \u4e2d'
                  inclusion INCL04 "Tab." DM.ARM in { 'tab\there', 'it\'s' }
                  exclusion EXCL01 "Injection." DM.ARM = '"); s.HasDM || ("' or DM.AGE > 55.5
                """);
            Assert.Empty(RulesEngineWorkflow.Generate(protocol).Diagnostics);
            var native = Screener.Screen(protocol, study, new ScreeningOptions { RecordEvidence = false, MaxDegreeOfParallelism = 1 });
            var rules = RulesEngineBackend.Screen(protocol, study);
            DifferentialTests.Compare(native, rules);
            // The literals matched what they should: each rule is Met for its subject.
            Assert.Equal(CriterionOutcome.Met, rules.Rule(0, 0));
            Assert.Equal(CriterionOutcome.Met, rules.Rule(1, 1));
            Assert.Equal(CriterionOutcome.Met, rules.Rule(2, 2));
            Assert.Equal(CriterionOutcome.Met, rules.Rule(3, 3));
            Assert.Equal(CriterionOutcome.Met, rules.Rule(4, 3));
            Assert.Equal(CriterionOutcome.Met, rules.Rule(5, 4));
            Assert.Equal(CriterionOutcome.NotMet, rules.Rule(0, 4));
            Assert.Equal(CriterionOutcome.Unknown, rules.Rule(7, 4));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Definitions nested so that writing them out grows the rule exponentially (each level reads the previous one three
    /// times): refused with a reason rather than a multi-megabyte expression; the shallow criterion is kept.
    /// </summary>
    [Fact]
    public void A_rule_that_would_grow_exponentially_when_written_out_is_refused()
    {
        var defines = new System.Text.StringBuilder("define N0: DM.AGE\n");
        for (int i = 1; i <= 14; i++) defines.Append($"define N{i}: if N{i - 1} > 50 then N{i - 1} else 0\n");
        var protocol = Compile($"protocol DEEP version \"1\"\n  title \"Deep\"\n  data SDTM \"3.4\"\n\n{defines}\ncriteria\n" +
            "  inclusion INCL01 \"Deep.\" N14 > 3\n  inclusion INCL02 \"Shallow.\" N1 > 3\n");
        var workflow = RulesEngineWorkflow.Generate(protocol);
        Assert.Equal(["INCL02"], workflow.Workflow.Rules.Select(r => r.RuleName));
        Assert.Contains("longer than 100,000 characters", Assert.Single(workflow.Diagnostics).Message, StringComparison.Ordinal);
        Assert.True(workflow.ToJson().Length < 200_000);
    }

    /// <summary>The exported JSON is RulesEngine's own: a user's RulesEngine, default settings, reads and runs it (the backend runs it the same way).</summary>
    [Fact]
    public async Task The_json_runs_in_a_plain_RulesEngine()
    {
        var protocol = Studies.Compile("cdiscpilot01.protocol");
        var workflow = RulesEngineWorkflow.Generate(protocol);
        using var doc = JsonDocument.Parse(workflow.ToJson());
        var first = doc.RootElement[0];
        Assert.Equal("CDISCPILOT01", first.GetProperty("WorkflowName").GetString()![..12]);
        var engine = new global::RulesEngine.RulesEngine(RulesEngineWorkflow.Parse(workflow.ToJson()));
        var subject = RulesEngineSubject.FromStudy(Studies.Get("pilot-xpt"), workflow)[0];
        var results = await engine.ExecuteAllRulesAsync(first.GetProperty("WorkflowName").GetString(), new global::RulesEngine.Models.RuleParameter("s", subject));
        Assert.All(results, r => Assert.Contains(r.ActionResult.Output as string, RulesEngineWorkflow.OutcomeTexts));
    }

    private static CompiledProtocol Compile(string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("pe-re-").FullName, "main.protocol");
        File.WriteAllText(path, text);
        var protocol = ProtocolLoader.Shipped.Load(path);
        Assert.False(protocol.HasErrors, string.Join("\n", protocol.Diagnostics));
        return protocol;
    }
}
