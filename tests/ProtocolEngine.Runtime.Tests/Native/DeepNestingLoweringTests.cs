using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using static ProtocolEngine.Runtime.Tests.Evaluation.TestStudy;

namespace ProtocolEngine.Runtime.Tests.Native;

/// <summary>
/// The native backend lowers long chains, cases and tables as flat sequences, and deep (within the limit) expressions,
/// on a thread-pool thread's stack, as screening does; the values are those of the nested forms.
/// </summary>
public sealed class DeepNestingLoweringTests
{
    private const string Header = "protocol T version \"1\"\n  data SDTM \"3.4\"\n\n";

    private static T OnPoolStack<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 1536 * 1024);
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException("Failed on a thread-pool-sized stack.", failure);
        return result;
    }

    /// <summary>The value of each criterion for one subject aged 54 (and one whose age is missing).</summary>
    private static List<bool?[]> Evaluate(string text) => OnPoolStack(() =>
    {
        var compiled = new ProtocolCompiler(new InMemorySourceResolver(new Dictionary<string, string>())).CompileFresh(new SourceText(text, "t.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics.Take(5)));
        var protocol = ExecutableProtocol.For(compiled);
        var study = new Evaluation.TestStudy().Table("DM", Row(("USUBJID", "S1"), ("AGE", 54), ("SEX", "F")), Row(("USUBJID", "S2"), ("AGE", null), ("SEX", "M"))).Build();
        var ctx = protocol.CreateContext(study, CqlDateTime.ParseIso("2014-06-01"));
        var values = new List<bool?[]>();
        for (int subject = 0; subject < 2; subject++)
        {
            ctx.BeginSubject(subject);
            values.Add([.. protocol.Criteria.Select(c => RuleRunner.Run(ctx, c.Rule!, c.Criterion.Id, c.Criterion.Syntax.Span, c.Criterion.Source).Value)]);
        }
        return values;
    });

    private static string Criteria(params string[] rules) =>
        Header + "criteria\n" + string.Concat(rules.Select((r, i) => $"  inclusion I{i} \"Generated.\"\n    {r}\n"));

    [Fact]
    public void DeepNesting_LongChains_LowerAndEvaluateLikeShortOnes()
    {
        var or = string.Join(" or ", Enumerable.Range(0, 3_000).Select(i => $"DM.AGE = {1000 + i}")) + " or DM.AGE = 54";
        var and = string.Join(" and ", Enumerable.Range(0, 3_000).Select(i => $"DM.AGE > {i % 50}"));
        var plus = "(" + string.Join(" + ", Enumerable.Repeat("DM.AGE", 20_000)) + ") = " + (54 * 20_000);
        var mixed = "(0" + string.Concat(Enumerable.Range(0, 20_000).Select(i => i % 2 == 0 ? " + DM.AGE" : " - 53")) + ") = 10000";
        var values = Evaluate(Criteria(or, and, plus, mixed));
        Assert.Equal([true, true, true, true], values[0]);
        // A missing age: every comparison is Unknown, so are the chains (never false, never true).
        Assert.Equal([null, null, null, null], values[1]);
    }

    [Fact]
    public void DeepNesting_ChainsOfManyOperandsKeepThreeValuedLogic()
    {
        // false or ... or null or true is true; true and ... and null is null; a short-circuit on the way is kept.
        var orWithNull = string.Join(" or ", Enumerable.Repeat("DM.AGE > 100", 100)) + " or DM.AGE = null or DM.SEX = 'F'";
        var andWithNull = string.Join(" and ", Enumerable.Repeat("DM.AGE > 1", 100)) + " and DM.AGE = null";
        var values = Evaluate(Criteria(orWithNull, andWithNull));
        Assert.Equal([true, null], values[0]);
    }

    [Fact]
    public void DeepNesting_ACaseOfThousandsOfBranches_Lowers()
    {
        var branches = string.Concat(Enumerable.Range(0, 5_000).Select(i => $" when DM.AGE = {i} then {i % 7}"));
        var comparand = string.Concat(Enumerable.Range(0, 5_000).Select(i => $" when {i} then {i % 7}"));
        var values = Evaluate(Criteria($"(case{branches} else -1 end) = {54 % 7}", $"(case DM.AGE{comparand} else -1 end) = {54 % 7}", "(case when DM.AGE > 100 then 1 else 2 end) = 2"));
        Assert.Equal([true, true, true], values[0]);
    }

    [Fact]
    public void DeepNesting_ADecisionTableOfThousandsOfRows_Lowers()
    {
        var rows = string.Concat(Enumerable.Range(0, 3_000).Select(i => $"  | age = {i} | {i % 5} |\n"));
        var table = "table Band \"Age band\"\n  input age: Decimal\n  output Integer\n  hit first\n" + rows + "  | otherwise | 9 |\n\n";
        var values = Evaluate(Header + table + "criteria\n  inclusion I1 \"x\"\n    Band(DM.AGE) = 4\n  inclusion I2 \"y\"\n    Band(5000) = 9\n");
        Assert.Equal([true, true], values[0]);
        Assert.Equal([null, true], values[1]);
    }

    [Theory]
    [InlineData("not")]
    [InlineData("parentheses")]
    [InlineData("else if")]
    public void DeepNesting_AtTheLimit_LowersOnAThreadPoolStack(string kind)
    {
        var rule = kind switch
        {
            "not" => string.Concat(Enumerable.Repeat("not ", 196)) + "(DM.AGE > 1)",
            "parentheses" => new string('(', 190) + "DM.AGE > 1" + new string(')', 190),
            _ => string.Concat(Enumerable.Range(1000, 190).Select(i => $"if DM.AGE = {i} then false else ")) + "true",
        };
        var values = Evaluate(Criteria(rule));
        Assert.Equal(true, values[0][0]);
    }
}
