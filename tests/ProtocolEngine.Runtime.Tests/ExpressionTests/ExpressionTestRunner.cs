using System.Globalization;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Conformance;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Tests.ExpressionTests;

/// <summary>
/// Expression tests in the Power Fx style: each .txt file under ExpressionTests/ holds cases of the form
/// <c>&gt;&gt; expression</c> followed by the expected value (a CQL literal), <c>null</c>, or
/// <c>Errors: PE1234</c> (compile error) / <c>Runtime: PE9004</c> (runtime error). <c>#SETUP: Now=...</c> fixes "now";
/// <c>#DECLARE:</c> lines are declarations of a protocol the cases run in, and <c>#IMPORT: std.x</c> imports a library of
/// the repository's protocols/ folder into it (the standard library's tables and functions are tested this way).
/// </summary>
public sealed class ExpressionTestRunner
{
    public sealed record Case(string File, int Line, string Expression, string Expected, CqlDateTime Now, string Declarations, EvaluationLimits Limits, string Imports = "")
    {
        public override string ToString() => $"{File}:{Line} {Expression}";
    }

    public static TheoryData<Case> Cases()
    {
        var data = new TheoryData<Case>();
        var folder = Path.Combine(AppContext.BaseDirectory, "ExpressionTests");
        foreach (var file in Directory.GetFiles(folder, "*.txt").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            var now = CqlDateTime.ParseIso("2025-01-15T12:00:00.000+00:00");
            var declarations = new System.Text.StringBuilder();
            var imports = new System.Text.StringBuilder();
            var limits = EvaluationLimits.Default;
            for (int i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (line.StartsWith("#SETUP:", StringComparison.Ordinal))
                {
                    var setting = line["#SETUP:".Length..].Trim();
                    if (setting.StartsWith("Now=", StringComparison.Ordinal)) now = CqlDateTime.ParseIso(setting[4..]);
                    if (setting.StartsWith("MaxSteps=", StringComparison.Ordinal)) limits = limits with { MaxSteps = long.Parse(setting[9..], CultureInfo.InvariantCulture) };
                    if (setting.StartsWith("MaxListSize=", StringComparison.Ordinal)) limits = limits with { MaxListSize = int.Parse(setting[12..], CultureInfo.InvariantCulture) };
                    continue;
                }
                if (line.StartsWith("#DECLARE:", StringComparison.Ordinal))
                {
                    declarations.Append(line["#DECLARE:".Length..].Trim()).Append('\n');
                    continue;
                }
                if (line.StartsWith("#IMPORT:", StringComparison.Ordinal))
                {
                    imports.Append("import ").Append(line["#IMPORT:".Length..].Trim()).Append('\n');
                    continue;
                }
                if (!line.StartsWith(">>", StringComparison.Ordinal)) continue;
                var expected = i + 1 < lines.Length ? lines[i + 1].Trim() : "";
                data.Add(new Case(Path.GetFileName(file), i + 1, line[2..].Trim(), expected, now, declarations.ToString(), limits, imports.ToString()));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Expression_evaluates_to_the_expected_value(Case c)
    {
        if (c.Declarations.Length > 0 || c.Imports.Length > 0)
        {
            EvaluateInProtocol(c);
            return;
        }
        var compiled = ProtocolCompiler.CompileExpression(new SourceText(c.Expression, c.File));
        if (c.Expected.StartsWith("Errors:", StringComparison.Ordinal))
        {
            var codes = c.Expected["Errors:".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.True(compiled.HasErrors, $"{c}: expected errors {string.Join(", ", codes)} but it compiled.");
            foreach (var code in codes) Assert.Contains(compiled.Diagnostics, d => d.Code == code);
            return;
        }
        Assert.False(compiled.HasErrors, $"{c}: {string.Join("; ", compiled.Diagnostics.Select(d => d.ToString()))}");
        var (protocol, run) = ExecutableProtocol.ForExpression(compiled);
        var result = RuleRunner.Run(protocol.CreateContext(null, c.Now, c.Limits), run, "test", new TextSpan(0, c.Expression.Length), compiled.Source);
        if (c.Expected.StartsWith("Runtime:", StringComparison.Ordinal))
        {
            Assert.False(result.Succeeded, $"{c}: expected a runtime error but got {CqlFormatter.Format(result.Value)}.");
            Assert.Equal(c.Expected["Runtime:".Length..].Trim(), result.Error!.Code);
            return;
        }
        Assert.True(result.Succeeded, $"{c}: {result.Error}");
        var expectedCompiled = ProtocolCompiler.CompileExpression(new SourceText(c.Expected, "expected"));
        Assert.False(expectedCompiled.HasErrors, $"{c}: the expected value '{c.Expected}' does not compile.");
        var (p2, expectedRun) = ExecutableProtocol.ForExpression(expectedCompiled);
        var expected = expectedRun(p2.CreateContext(null, c.Now));
        Assert.True(ConformanceComparer.Same(result.Value, expected),
            $"{c}: expected {CqlFormatter.Format(expected)} but got {CqlFormatter.Format(result.Value)}.");
    }

    /// <summary>Cases after #DECLARE lines run inside a protocol holding those declarations (code lists, tables, functions).</summary>
    private static void EvaluateInProtocol(Case c)
    {
        var text = $"protocol ExpressionTest version \"1\"\n  data SDTM \"3.4\"\n\n{c.Imports}{c.Declarations}\ndefine Result__: {c.Expression}\n\ncriteria\n  inclusion I \"uses the result\" Result__ is null or true\n";
        var compiler = c.Imports.Length == 0 ? ProtocolCompiler.Standalone : new ProtocolCompiler(new FileSourceResolver(Path.Combine(RepositoryRoot(), "protocols")));
        var compiled = compiler.CompileFresh(new SourceText(text, c.File));
        if (c.Expected.StartsWith("Errors:", StringComparison.Ordinal))
        {
            var codes = c.Expected["Errors:".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var code in codes) Assert.Contains(compiled.Diagnostics, d => d.Code == code);
            return;
        }
        Assert.False(compiled.HasErrors, $"{c}: {string.Join("; ", compiled.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()))}");
        var protocol = ExecutableProtocol.For(compiled);
        var ctx = protocol.CreateContext(null, c.Now, c.Limits);
        var result = RuleRunner.Run(ctx, x => protocol.EvaluateDefine(x, "Result__"), "test", new TextSpan(0, 0), compiled.Source);
        if (c.Expected.StartsWith("Runtime:", StringComparison.Ordinal))
        {
            Assert.False(result.Succeeded, $"{c}: expected a runtime error but got {CqlFormatter.Format(result.Value)}.");
            Assert.Equal(c.Expected["Runtime:".Length..].Trim(), result.Error!.Code);
            return;
        }
        Assert.True(result.Succeeded, $"{c}: {result.Error}");
        var expectedCompiled = ProtocolCompiler.CompileExpression(new SourceText(c.Expected, "expected"));
        var (p2, expectedRun) = ExecutableProtocol.ForExpression(expectedCompiled);
        var expected = expectedRun(p2.CreateContext(null, c.Now));
        Assert.True(ConformanceComparer.Same(result.Value, expected), $"{c}: expected {CqlFormatter.Format(expected)} but got {CqlFormatter.Format(result.Value)}.");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ProtocolEngine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"No ProtocolEngine.sln above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void There_are_expression_tests() => Assert.True(Cases().Count >= 60, $"Only {Cases().Count} expression cases.");
}
