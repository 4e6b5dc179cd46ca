using System.Text;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Sql.Tests.Support;

namespace ProtocolEngine.Interop.RulesEngine.Tests;

/// <summary>
/// Every criterion of every shipped protocol that RulesEngine can express, over the pilot (XPT and CSV), the MSG study and
/// 3,000 synthetic subjects, run through the real Microsoft RulesEngine from the exported JSON: the rule outcome of each
/// subject and criterion is the native screener's. A difference fails naming the subject, the criterion and both values.
/// </summary>
public sealed class DifferentialTests
{
    private static readonly CqlDateTime AsOf = EligibilityEvaluator.AsOfDate(new DateTime(2024, 6, 1));

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var protocol in Studies.ShippedProtocols().Append(AggregateShapes))
            foreach (var study in Studies.Names)
                data.Add(protocol, study);
        return data;
    }

    /// <summary>The SQL backend's aggregate shapes (relative to protocols/): exists, Count, First and Last with filters and sorts, nested queries.</summary>
    internal const string AggregateShapes = "../tests/ProtocolEngine.Sql.Tests/Baselines/Aggregates/main.protocol";

    [Theory]
    [MemberData(nameof(Cases))]
    public void RulesEngine_decides_as_the_native_screener(string protocolPath, string studyName)
    {
        var protocol = Studies.Compile(protocolPath);
        if (protocol.Criteria.IsEmpty)
        {
            Assert.Throws<ArgumentException>(() => RulesEngineWorkflow.Generate(protocol));
            return;
        }
        var study = Studies.Get(studyName);
        var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 });
        var rules = RulesEngineBackend.Screen(protocol, study);
        Compare(native, rules);
        CompareStatuses(native, RulesEngineScreening.Combine(rules, study, native));
    }

    /// <summary>With the recorded determinations (IE) applied and the other criteria native, every outcome and status is the native screener's.</summary>
    internal static void CompareStatuses(ScreeningResult native, RulesEngineScreening combined)
    {
        var differences = new StringBuilder();
        int count = 0;
        for (int i = 0; i < native.SubjectCount; i++)
        {
            for (int j = 0; j < combined.Criteria.Count; j++)
                if (native.Outcome(i, j) != combined.Outcome(i, j) && count++ < 20)
                    differences.AppendLine($"subject {native.SubjectId(i)}, criterion {combined.Criteria[j].Id}: native outcome {native.Outcome(i, j)}, with RulesEngine {combined.Outcome(i, j)}");
            if (native.Status(i) != combined.Status(i) && count++ < 20)
                differences.AppendLine($"subject {native.SubjectId(i)}, status: native {native.Status(i)}, with RulesEngine {combined.Status(i)}");
        }
        Assert.True(count == 0, $"{count} differences:\n{differences}");
    }

    internal static void Compare(ScreeningResult native, RulesEngineOutcomes rules)
    {
        Assert.Equal(native.SubjectCount, rules.SubjectIds.Count);
        var criteria = rules.Workflow.Criteria;
        // A comparison of nothing proves nothing: every protocol compared has rules the workflow expresses.
        Assert.Contains(criteria, c => c.IsExpressed);
        var differences = new StringBuilder();
        int count = 0, compared = 0;
        var seen = new HashSet<CriterionOutcome>();
        for (int i = 0; i < native.SubjectCount; i++)
        {
            Assert.Equal(native.SubjectId(i), rules.SubjectIds[i]);
            foreach (var c in criteria)
            {
                var expected = native.RuleOutcome(i, c.Index);
                var actual = rules.Rule(i, c.Index);
                if (!c.IsExpressed)
                {
                    Assert.Equal(c.IsAttested ? CriterionOutcome.Attested : CriterionOutcome.NotEvaluated, actual);
                    continue;
                }
                compared++;
                seen.Add(actual);
                if (expected != actual && count++ < 20)
                    differences.AppendLine($"subject {native.SubjectId(i)}, criterion {c.Criterion.Id}: native {expected}, RulesEngine {actual}");
            }
        }
        Assert.True(count == 0, $"{count} differences in {compared} outcomes:\n{differences}");
        Assert.True(compared > 0);
    }
}
