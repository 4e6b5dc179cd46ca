using RulesEngine.Models;

namespace ProtocolEngine.Benchmarks.Screening;

/// <summary>
/// The eight rules as a Microsoft RulesEngine 6.0.1 workflow of lambda rules. RulesEngine rules are true or false,
/// so each rule's three-valued outcome (1 met, 2 not met, 3 unknown) is its OutputExpression action; the
/// three-valued operators come in as a custom type, as RulesEngine documents for extending expressions.
/// </summary>
public sealed class RulesEngineRules
{
    private const string Workflow = "Eligibility";
    private readonly RulesEngine.RulesEngine _engine;

    public static readonly (string Name, string Expression)[] Rules =
    [
        ("AGE", "Tri.Code(Tri.Both(Tri.AtLeast(s.Age, 50), Tri.Either(Tri.Matches(s.Sex, \"M\"), Tri.Exists(s.Mh.Select(Tri.Matches(Decod, \"Postmenopausal\"))))))"),
        ("MMSE", "Tri.Code(Tri.Both(Tri.AtLeast(s.Qs.Where(TestCode == \"MMSETOT\" && Visit == 1).Select(Value).FirstOrDefault(), 10), Tri.AtMost(s.Qs.Where(TestCode == \"MMSETOT\" && Visit == 1).Select(Value).FirstOrDefault(), 23)))"),
        ("HACH", "Tri.Code(Tri.AtMost(s.Qs.Where(TestCode == \"HACHTOT\" && Visit == 1).Select(Value).FirstOrDefault(), 4))"),
        ("EGFR", "Tri.Code(Tri.AtLeast(s.Lb.Where(TestCode == \"EGFR\" && Visit == 1).Select(Value).FirstOrDefault(), 30))"),
        ("ALT", "Tri.Code(Tri.Above(s.Lb.Where(TestCode == \"ALT\" && Visit == 1).Select(Value).FirstOrDefault(), Tri.Times(3, s.Lb.Where(TestCode == \"ALT\" && Visit == 1).Select(Uln).FirstOrDefault())))"),
        ("MI", "Tri.Code(Tri.Exists(s.Mh.Select(Tri.Both(Tri.Matches(Decod, \"Myocardial infarction\"), Tri.WithinDaysBefore(Start, s.ScreeningDate, 180)))))"),
        ("HBA1C", "Tri.Code(Tri.Above(s.Lb.Where(TestCode == \"HBA1C\" && Visit == 1).Select(Value).FirstOrDefault(), 10))"),
        ("ACHEI", "Tri.Code(Tri.Exists(s.Cm.Select(Tri.Both(Tri.Either(Tri.Matches(Decod, \"DONEPEZIL\"), Tri.Matches(Decod, \"RIVASTIGMINE\")), Tri.Either(EndMissing, Tri.SameOrAfter(End, s.ScreeningDate))))))"),
    ];

    public RulesEngineRules()
    {
        var workflow = new Workflow
        {
            WorkflowName = Workflow,
            Rules = [.. Rules.Select(r => new Rule
            {
                RuleName = r.Name,
                RuleExpressionType = RuleExpressionType.LambdaExpression,
                Expression = "true",
                Actions = new RuleActions
                {
                    OnSuccess = new ActionInfo { Name = "OutputExpression", Context = new Dictionary<string, object> { ["expression"] = r.Expression } },
                },
            })],
        };
        _engine = new RulesEngine.RulesEngine([workflow], new ReSettings { CustomTypes = [typeof(Tri), typeof(PartialDate)] });
    }

    public async Task EvaluateAsync(SubjectInput subject, byte[] outcomes, int offset)
    {
        var results = await _engine.ExecuteAllRulesAsync(Workflow, new RuleParameter("s", subject));
        for (int i = 0; i < results.Count; i++)
        {
            var result = results[i];
            if (result.ActionResult?.Exception is { } e) throw new InvalidOperationException($"RulesEngine rule {result.Rule.RuleName}: {e.Message}", e);
            if (!result.IsSuccess) throw new InvalidOperationException($"RulesEngine rule {result.Rule.RuleName} failed: {result.ExceptionMessage}");
            outcomes[offset + i] = Convert.ToByte(result.ActionResult!.Output);
        }
    }
}
