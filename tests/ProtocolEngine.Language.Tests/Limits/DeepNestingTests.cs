using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Text;
using static ProtocolEngine.Language.Tests.Limits.LimitsTestSupport;

namespace ProtocolEngine.Language.Tests.Limits;

/// <summary>
/// Deep and long expressions: nesting beyond the limit is one diagnostic with its span, never a stack overflow, and
/// chains of infix operators of any length compile. Everything runs on a thread with a thread-pool thread's stack.
/// </summary>
public sealed class DeepNestingTests
{
    private const int PoolStack = 1536;

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    [Theory]
    [InlineData(1_500)]
    [InlineData(100_000)]
    public void DeepNesting_ThousandsOfParentheses_AreOneDiagnosticNotACrash(int depth)
    {
        var text = WithRule(new string('(', depth) + "DM.AGE > 1" + new string(')', depth));
        var compiled = OnStack(PoolStack, () => Compile(text));
        var diagnostic = Assert.Single(compiled.Diagnostics);
        Assert.Equal("PE0014", diagnostic.Code);
        Assert.Contains("more than 200 levels", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("(", text.Substring(diagnostic.Span.Start, diagnostic.Span.Length));
        Assert.True(compiled.HasErrors);
    }

    [Fact]
    public void DeepNesting_TheLimitCountsParenthesesExactly()
    {
        // The rule's outermost expression is level 1, each pair of parentheses one more, and DM inside DM.AGE one more.
        var within = OnStack(PoolStack, () => Compile(WithRule(new string('(', 198) + "DM.AGE > 1" + new string(')', 198))));
        Assert.Empty(within.Diagnostics);
        var over = OnStack(PoolStack, () => Compile(WithRule(new string('(', 199) + "DM.AGE > 1" + new string(')', 199))));
        Assert.Equal("PE0014", Assert.Single(over.Diagnostics).Code);
    }

    public static TheoryData<string, Func<int, string>> Kinds() => new()
    {
        { "parentheses", n => new string('(', n) + "DM.AGE > 1" + new string(')', n) },
        { "not", n => Repeat("not ", n) + "(DM.AGE > 1)" },
        { "exists", n => Repeat("exists ", n) + "DM.AGE" },
        { "unary minus", n => Repeat("- ", n) + "DM.AGE > 1" },
        { "calls", n => Repeat("Abs(", n) + "DM.AGE" + new string(')', n) + " > 1" },
        { "lists", n => "exists " + Repeat("{", n) + "DM.AGE" + new string('}', n) },
        { "else if", n => Repeat("if DM.AGE > 1 then true else ", n) + "false" },
        { "power", n => Repeat("DM.AGE ^ ", n) + "2 > 1" },
        { "queries", n => Repeat("exists (VS V where ", n / 3) + "V.VSSTRESN > 1" + new string(')', n / 3) },
        { "right operands", n => Repeat("DM.AGE > 1 and (", n / 2) + "DM.AGE > 1" + new string(')', n / 2) },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void DeepNesting_WithinTheLimit_CompilesOnAThreadPoolStack(string kind, Func<int, string> rule)
    {
        var compiled = OnStack(PoolStack, () => Compile(WithRule(rule(190))));
        Assert.True(compiled.Diagnostics.All(d => d.Code != "PE0014"), kind + ": " + string.Join("; ", compiled.Diagnostics));
        Assert.False(compiled.HasErrors, kind + ": " + string.Join("; ", compiled.Diagnostics));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void DeepNesting_BeyondTheLimit_IsOneDiagnosticOnAThreadPoolStack(string kind, Func<int, string> rule)
    {
        foreach (var depth in new[] { 210, 5_000 })
        {
            var compiled = OnStack(PoolStack, () => Compile(WithRule(rule(depth))));
            var nesting = compiled.Diagnostics.Where(d => d.Code == "PE0014").ToList();
            Assert.True(nesting.Count == 1, $"{kind} {depth}: {string.Join("; ", compiled.Diagnostics)}");
        }
    }

    [Theory]
    [InlineData("or", 3_000)]
    [InlineData("and", 20_000)]
    public void DeepNesting_LongBooleanChains_Compile(string op, int terms)
    {
        var rule = string.Join($" {op} ", Enumerable.Range(0, terms).Select(i => $"DM.AGE > {i % 100}"));
        var compiled = OnStack(PoolStack, () => Compile(WithRule(rule)));
        Assert.Empty(compiled.Diagnostics);
        // Bound as the left-deep chain the language defines: ((a or b) or c) ...
        int length = 0;
        for (var node = compiled.Criteria[0].Rule; node is BoundCall { Arguments.Length: 2 } call && call.Overload.Name is "Or" or "And"; node = call.Arguments[0]) length++;
        Assert.Equal(terms - 1, length);
    }

    [Theory]
    [InlineData(" + ")]
    [InlineData(" - ")]
    [InlineData(" * ")]
    public void DeepNesting_A20000TermArithmeticChain_Compiles(string op)
    {
        var rule = "(" + string.Join(op, Enumerable.Repeat("DM.AGE", 20_000)) + ") > 1";
        var compiled = OnStack(PoolStack, () => Compile(WithRule(rule)));
        Assert.Empty(compiled.Diagnostics);
    }

    [Fact]
    public void DeepNesting_AlternatingOperatorsAndQuantities_Compile()
    {
        var arithmetic = string.Concat(Enumerable.Range(0, 10_000).Select(i => i % 2 == 0 ? " + DM.AGE" : " - 1"));
        var quantities = string.Concat(Enumerable.Repeat(" + 1 'mg'", 10_000));
        var logic = string.Concat(Enumerable.Range(0, 10_000).Select(i => i % 2 == 0 ? $" and DM.AGE > {i % 50}" : $" or DM.SEX = 'F'"));
        var compiled = OnStack(PoolStack, () => Compile(WithRule($"(0{arithmetic}) > 1 and (0 'mg'{quantities}) > 1 'mg' and (true{logic})")));
        Assert.Empty(compiled.Diagnostics);
    }

    [Fact]
    public void DeepNesting_TypesAndGuards_CountAsLevels()
    {
        var type = "parameter P: " + Repeat("List<", 300) + "Integer" + new string('>', 300) + "\n";
        var typeCompiled = OnStack(PoolStack, () => Compile(Header + type + "criteria\n  inclusion I1 \"x\"\n    DM.AGE > 1\n"));
        Assert.Contains(typeCompiled.Diagnostics, d => d.Code == "PE0014");

        var guard = string.Join(" and ", Enumerable.Range(0, 300).Select(i => $"event E{i}"));
        var workflow = $"workflow W per subject\n  state S initial\n  state F final\n  S -> F when {guard}\n";
        var guardCompiled = OnStack(PoolStack, () => Compile(Header + "criteria\n  inclusion I1 \"x\"\n    DM.AGE > 1\n" + workflow));
        Assert.Contains(guardCompiled.Diagnostics, d => d.Code == "PE0014");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" or event Reviewed")]
    [InlineData(", then notify Investigator")]
    public void DeepNesting_ALongListOfCriteriaOutcomes_IsOneGuardReadInLinearTime(string after)
    {
        // Each `or` of `criteria met or unknown or ...` could also join two guards: the parser looked ahead over the rest of
        // the list at every one (400 outcomes took seconds, 3,000 minutes; the fuzz test found it).
        string Workflow(int outcomes) => Header + "roles Investigator\n\ncriteria\n  inclusion I1 \"x\"\n    DM.AGE > 1\n\nworkflow W per subject\n  state S initial\n  state F final\n"
            + "  S -> F when criteria " + string.Join(" or ", Enumerable.Range(0, outcomes).Select(i => (i % 4) switch { 0 => "met", 1 => "not met", 2 => "unknown", _ => "attested" }))
            + after + "\n";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var compiled = OnStack(PoolStack, () => Compile(Workflow(3_000)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{clock.Elapsed}");
        Assert.False(compiled.HasErrors, string.Join("; ", compiled.Diagnostics));
        var guard = compiled.Syntax.Declarations.OfType<ProtocolEngine.Language.Syntax.WorkflowSyntax>().Single().Transitions.Single().Guard;
        var criteria = guard as ProtocolEngine.Language.Syntax.CriteriaGuardSyntax ?? Assert.IsType<ProtocolEngine.Language.Syntax.CriteriaGuardSyntax>(
            Assert.IsType<ProtocolEngine.Language.Syntax.BinaryGuardSyntax>(guard).Left);
        Assert.Equal(3_000, criteria.Outcomes.Length);
        Assert.Equal(ProtocolEngine.Language.Syntax.CriteriaOutcome.NotMet, criteria.Outcomes[1]);
    }

    [Fact]
    public void DeepNesting_InAMessagePlaceholder_IsAnInvalidPlaceholder()
    {
        var placeholder = new string('(', 3_000) + "A.AESER" + new string(')', 3_000);
        var text = Header + "check C1 \"x\"\n  for each AE A\n  expect A.AESER = 'Y'\n  message \"AESER is {" + placeholder + "}\"\n"
                   + "criteria\n  inclusion I1 \"x\"\n    DM.AGE > 1\n";
        var compiled = OnStack(PoolStack, () => Compile(text));
        Assert.Equal("PE1023", Assert.Single(compiled.Diagnostics, d => d.IsError).Code);
    }

    [Fact]
    public void DeepNesting_ALoneExpression_IsOneDiagnostic()
    {
        var parsed = OnStack(PoolStack, () => ProtocolParser.ParseExpression(new SourceText(Repeat("not ", 50_000) + "true", "e")));
        Assert.Equal("PE0014", Assert.Single(parsed.Diagnostics).Code);
        var compiled = OnStack(PoolStack, () => ProtocolCompiler.CompileExpression(new SourceText(new string('(', 10_000) + "1" + new string(')', 10_000), "e")));
        Assert.Equal("PE0014", Assert.Single(compiled.Diagnostics).Code);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DeepNesting_ALongChainOfDefinitions_IsReported(bool declaredInDependencyOrder)
    {
        // D1 uses D0, D2 uses D1, ...: evaluating the last evaluates them all, one inside another.
        var defines = Enumerable.Range(1, 5_000).Select(i => $"define D{i}: D{i - 1} + 1\n").Prepend("define D0: DM.AGE\n");
        if (!declaredInDependencyOrder) defines = defines.Reverse();
        var text = Header + string.Concat(defines) + "criteria\n  inclusion I1 \"x\"\n    D5000 > 1\n";
        var compiled = OnStack(PoolStack, () => Compile(text));
        var diagnostic = Assert.Single(compiled.Diagnostics, d => d.IsError);
        Assert.Equal("PE1043", diagnostic.Code);
        Assert.Contains("more than 200", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNesting_ADefinitionChainWithinTheLimit_Compiles()
    {
        var text = Header + "define D0: DM.AGE\n" + string.Concat(Enumerable.Range(1, 150).Select(i => $"define D{i}: D{i - 1} + 1\n"))
                   + "criteria\n  inclusion I1 \"x\"\n    D150 > 1\n";
        var compiled = OnStack(PoolStack, () => Compile(text));
        Assert.Empty(compiled.Diagnostics);
    }
}
