using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using static ProtocolEngine.Runtime.Tests.Evaluation.TestStudy;

namespace ProtocolEngine.Runtime.Tests.Evaluation;

public sealed class EvaluationTests
{
    private const string Protocol = """
        protocol T version "1"
          data SDTM "3.4"

        define Hba1c: Last(LB L where L.LBTESTCD = 'HBA1C' sort by LBDTC).LBSTRESN

        criteria
          inclusion I1 "Adults" DM.AGE >= 18
          inclusion I2 "HbA1c 7 to 10" Hba1c in Interval[7.0, 10.0]
          inclusion I3 "Exactly one ALT" (singleton from (LB L where L.LBTESTCD = 'ALT')).LBSTRESN < 100
          exclusion E1 "Depression score" exists (QS Q where Q.QSTESTCD = 'PHQ9' and Q.QSSTRESN >= 10)
          inclusion I4 "Consent" attested by Investigator
        """;

    private static (ExecutableProtocol Protocol, EvaluationContext Context) Setup()
    {
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Protocol, "t.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var study = new TestStudy()
            .Table("DM", Row(("USUBJID", "S1"), ("AGE", 54)), Row(("USUBJID", "S2"), ("AGE", null)))
            .Table("LB",
                Row(("USUBJID", "S1"), ("LBSEQ", 1), ("LBTESTCD", "HBA1C"), ("LBSTRESN", 6.5), ("LBDTC", "2014-01-02")),
                Row(("USUBJID", "S1"), ("LBSEQ", 2), ("LBTESTCD", "HBA1C"), ("LBSTRESN", 8.1), ("LBDTC", "2014-03-02")),
                Row(("USUBJID", "S1"), ("LBSEQ", 3), ("LBTESTCD", "ALT"), ("LBSTRESN", 30), ("LBDTC", "2014-03-02")),
                Row(("USUBJID", "S1"), ("LBSEQ", 4), ("LBTESTCD", "ALT"), ("LBSTRESN", 31), ("LBDTC", "2014-03-03")),
                Row(("USUBJID", "S2"), ("LBSEQ", 1), ("LBTESTCD", "ALT"), ("LBSTRESN", 30), ("LBDTC", "2014-03-02")))
            .Build();
        var protocol = ExecutableProtocol.For(compiled);
        return (protocol, protocol.CreateContext(study, CqlDateTime.ParseIso("2014-06-01")));
    }

    private static RuleResult<bool?> Run(EvaluationContext ctx, ExecutableCriterion c) =>
        RuleRunner.Run(ctx, c.Rule!, c.Criterion.Id, c.Criterion.Syntax.Span, c.Criterion.Source);

    [Fact]
    public void A_runtime_error_in_one_criterion_leaves_the_others_evaluated()
    {
        var (protocol, ctx) = Setup();
        ctx.BeginSubject(0);
        var results = protocol.Criteria.Where(c => c.Rule is not null).ToDictionary(c => c.Criterion.Id, c => Run(ctx, c));

        Assert.Equal(true, results["I1"].Value);
        Assert.Equal(true, results["I2"].Value);
        Assert.False(results["I3"].Succeeded);
        Assert.Equal("PE9004", results["I3"].Error!.Code);
        Assert.Contains("I3", results["I3"].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(protocol.Criteria.Single(c => c.Criterion.Id == "I3").Criterion.Syntax.Span, results["I3"].Error!.Span);
        Assert.True(results["E1"].Succeeded);
    }

    [Fact]
    public void Missing_data_is_unknown_not_false()
    {
        var (protocol, ctx) = Setup();
        ctx.BeginSubject(1);
        var age = Run(ctx, protocol.Criteria.Single(c => c.Criterion.Id == "I1"));
        var hba1c = Run(ctx, protocol.Criteria.Single(c => c.Criterion.Id == "I2"));
        Assert.True(age.Succeeded);
        Assert.Null(age.Value);
        Assert.Null(hba1c.Value);
    }

    [Fact]
    public void A_domain_the_study_lacks_is_noted_for_the_rule()
    {
        var (protocol, ctx) = Setup();
        ctx.BeginSubject(0);
        var depression = Run(ctx, protocol.Criteria.Single(c => c.Criterion.Id == "E1"));
        Assert.Equal(false, depression.Value);
        Assert.Contains("QS", ctx.MissingDomainsRead);
    }

    [Fact]
    public void Evidence_names_the_records_and_values_that_decided()
    {
        var (protocol, ctx) = Setup();
        ctx.BeginSubject(0);
        ctx.Evidence = new EvidenceRecorder();
        var hba1c = Run(ctx, protocol.Criteria.Single(c => c.Criterion.Id == "I2"));
        Assert.Equal(true, hba1c.Value);
        var values = ctx.Evidence.Items.Where(i => i.Kind == EvidenceKind.Value).ToList();
        // Both HbA1c records passed the filter; the ALT records did not and leave no evidence.
        Assert.Contains(values, i => i.Domain == "LB" && i.Sequence == 2 && i.Variable == "LBSTRESN" && Equals(i.Value, 8.1m));
        Assert.DoesNotContain(values, i => i.Sequence is 3 or 4);
        Assert.Contains(ctx.Evidence.Items, i => i.Kind == EvidenceKind.Searched && i.Domain == "LB" && Equals(i.Value, 4));
        Assert.All(values, i => Assert.Equal("S1", i.SubjectId));
    }

    [Fact]
    public void The_step_limit_stops_a_runaway_rule_with_PE9001()
    {
        var compiled = ProtocolCompiler.CompileExpression(new SourceText("Count(({1,2,3,4,5,6,7,8,9,10}) A, ({1,2,3,4,5,6,7,8,9,10}) B, ({1,2,3,4,5,6,7,8,9,10}) C return all A)", "t"));
        var (protocol, run) = ExecutableProtocol.ForExpression(compiled);
        var ctx = protocol.CreateContext(null, CqlDateTime.ParseIso("2014-06-01"), new EvaluationLimits { MaxSteps = 500 });
        var result = RuleRunner.Run(ctx, run, "Runaway", new TextSpan(0, 10), compiled.Source);
        Assert.Equal("PE9001", result.Error?.Code);
        Assert.Contains("Runaway", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Executables_are_cached_by_content()
    {
        var a = ProtocolCompiler.Standalone.CompileFresh(new SourceText(Protocol, "t.protocol"));
        var b = ProtocolCompiler.Standalone.CompileFresh(new SourceText(Protocol, "t.protocol"));
        var elsewhere = ProtocolCompiler.Standalone.CompileFresh(new SourceText(Protocol, "other/t.protocol"));
        var edited = ProtocolCompiler.Standalone.CompileFresh(new SourceText(Protocol + "\n", "t.protocol"));
        Assert.NotSame(a, b);
        Assert.Same(ExecutableProtocol.For(a), ExecutableProtocol.For(a));
        Assert.Same(ExecutableProtocol.For(a), ExecutableProtocol.For(b));
        // Runtime errors name the file, so the same text at another path runs its own executable; other text too.
        Assert.NotSame(ExecutableProtocol.For(a), ExecutableProtocol.For(elsewhere));
        Assert.NotSame(ExecutableProtocol.For(a), ExecutableProtocol.For(edited));
    }

    [Fact]
    public void Criteria_hashes_change_when_a_definition_they_use_changes()
    {
        var a = ProtocolCompiler.Standalone.CompileFresh(new SourceText(Protocol, "t.protocol"));
        var b = ProtocolCompiler.Standalone.CompileFresh(new SourceText(Protocol.Replace("sort by LBDTC", "sort by LBSEQ", StringComparison.Ordinal), "t.protocol"));
        Assert.NotEqual(a.FindCriterion("I2")!.Hash, b.FindCriterion("I2")!.Hash);
        Assert.Equal(a.FindCriterion("I1")!.Hash, b.FindCriterion("I1")!.Hash);
    }

    [Fact]
    public void TwoCompilationsOfTheSameText_EachRunTheirOwnWorkflowConditions()
    {
        // Same text, same content hash, different bound trees: a condition of the second compilation must be found in
        // the executable of the second compilation (it once came from a cache keyed by hash and was unknown).
        const string source = """
            protocol Twice version "1"
              data SDTM "3.4"
            roles
              Investigator "Investigator"
            workflow Triage per AE A
              state Reported initial
              state Serious final
              state Routine final
              Reported -> Serious when A.AESER = 'Y'
              Reported -> Routine when A.AESER = 'N'
            """;
        var first = ProtocolCompiler.Standalone.CompileFresh(new SourceText(source, "twice.protocol"));
        var second = ProtocolCompiler.Standalone.CompileFresh(new SourceText(source, "twice.protocol"));
        Assert.False(second.HasErrors, string.Join("\n", second.Diagnostics));
        Assert.Equal(first.ContentHash, second.ContentHash);
        Assert.NotSame(first, second);
        foreach (var compiled in new[] { first, second })
        {
            var executable = ExecutableProtocol.For(compiled);
            var guards = compiled.Workflows.Single().Transitions.Select(t => t.Guard).OfType<ProtocolEngine.Language.Binding.BoundExpressionGuard>().ToList();
            Assert.Equal(2, guards.Count);
            Assert.All(guards, g => Assert.NotNull(executable.RecordRule(g.Identity.Id)));
            Assert.Equal(["guard:Triage.Reported->Serious", "guard:Triage.Reported->Routine"], guards.Select(g => g.Identity.Id));
        }
    }
}
