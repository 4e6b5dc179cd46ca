using ProtocolEngine.LanguageService.Formatting;
using ProtocolEngine.LanguageService.Tests.Infrastructure;
using ProtocolEngine.LanguageService.Text;
using ProtocolEngine.LanguageService.Workspace;
using Xunit.Abstractions;

namespace ProtocolEngine.LanguageService.Tests.Features;

/// <summary>
/// Deep and long expressions through everything an editor asks and through <c>protocol format</c>: they walk syntax and
/// bound trees too, so 1,500 nested parentheses, a 3,000-term <c>or</c> and a 20,000-term <c>+</c> must neither overflow
/// the stack of a thread-pool thread (where the language server and the designer's endpoint run) nor take minutes.
/// </summary>
public sealed class DeepNestingServiceTests(ITestOutputHelper output)
{
    private const string Header = "protocol T version \"1\"\n  data SDTM \"3.4\"\n\ndefine Adult: DM.AGE >= 18\n\ncriteria\n";

    // The rules of the issue: within the limit each compiles clean; beyond it one PE0014 diagnostic.
    private static string Or(int terms) => string.Join(" or ", Enumerable.Range(0, terms).Select(i => $"DM.AGE = {i % 100}")) + " or Adult";

    private static string Plus(int terms) => "(" + string.Join(" + ", Enumerable.Repeat("DM.AGE", terms)) + ") > 1 and Adult";

    private static string Nested(int depth) => new string('(', depth) + "DM.AGE > 1" + new string(')', depth) + " and Adult";

    private static string Calls(int depth) => string.Concat(Enumerable.Repeat("Abs(", depth)) + "DM.AGE" + new string(')', depth) + " > 1 and Adult";

    private static string Queries(int depth) => string.Concat(Enumerable.Repeat("exists (VS V where ", depth / 3)) + "V.VSSTRESN > 1" + new string(')', depth / 3) + " and Adult";

    private const int Within = 190;

    public static TheoryData<string, int, bool> Rules() => new()
    {
        { "or", 3_000, true },
        { "plus", 20_000, true },
        { "parentheses", Within, true },
        { "calls", Within, true },
        { "queries", Within, true },
        { "parentheses", 1_500, false },
        { "calls", 1_500, false },
        { "queries", 1_500, false },
    };

    private static string Rule(string kind, int size) => kind switch
    {
        "or" => Or(size),
        "plus" => Plus(size),
        "parentheses" => Nested(size),
        "calls" => Calls(size),
        _ => Queries(size),
    };

    private static string Protocol(string rule) => Header + "  inclusion I1 \"Generated.\"\n    " + rule + "\n";

    /// <summary>
    /// Runs the steps on a thread whose stack is smaller than a thread-pool thread's (1.5 MB), within a time limit; a
    /// failure or a step that does not end in time names the step (and how long the earlier ones took).
    /// </summary>
    private void OnSmallStack(TimeSpan limit, params (string Name, Action Run)[] steps)
    {
        var done = new System.Collections.Concurrent.ConcurrentQueue<string>();
        string current = "";
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                foreach (var (name, run) in steps)
                {
                    current = name;
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    run();
                    done.Enqueue($"{name} {clock.Elapsed.TotalMilliseconds:F0} ms");
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 1024 * 1024) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(limit), $"still in step {current} after {limit.TotalSeconds:F0} s; done: {string.Join(", ", done)}");
        if (failure is not null) throw new InvalidOperationException($"step {current} failed on a 1 MB stack; done: {string.Join(", ", done)}", failure);
        output.WriteLine(string.Join(", ", done));
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void DeepNesting_EveryFeatureOfTheLanguageService_Answers(string kind, int size, bool withinLimit)
    {
        var text = Protocol(Rule(kind, size));
        var path = Path.Combine(Repo.Protocols, "deep-under-test.protocol");
        var lines = new LineMap(text);
        var workspace = new LanguageWorkspace(Repo.Resolver);
        workspace.Open(path, text);
        var service = new ProtocolLanguageService(workspace);
        // Each feature at the innermost term of the rule, at its last one (where a recursive walk would be deepest) and at
        // a definition's use.
        int inner = text.IndexOf("DM.AGE", text.IndexOf("inclusion", StringComparison.Ordinal), StringComparison.Ordinal) + 1;
        var positions = new[] { inner, text.LastIndexOf("DM.AGE", StringComparison.Ordinal) + 3, text.LastIndexOf("Adult", StringComparison.Ordinal) + 1 }
            .Select(lines.PositionOf).ToList();
        var adult = lines.PositionOf(text.IndexOf("Adult", StringComparison.Ordinal) + 1);
        OnSmallStack(TimeSpan.FromSeconds(60),
            ("diagnostics", () =>
            {
                var diagnostics = service.Diagnostics(path);
                if (withinLimit)
                {
                    Assert.DoesNotContain(diagnostics, d => d.IsError());
                    return;
                }
                var deep = Assert.Single(diagnostics, d => d.IsError());
                Assert.Equal("PE0014", deep.Code);
                // The span points into the rule, where the nesting passes the limit, not at the start of the file.
                Assert.Equal(7, deep.Range.Start.Line);
            }),
            ("hover", () => positions.ForEach(p => service.Hover(path, p))),
            ("definition", () => positions.ForEach(p => service.Definition(path, p))),
            ("references", () =>
            {
                positions.ForEach(p => service.References(path, p));
                if (withinLimit) Assert.Equal(2, service.References(path, adult).Length);
            }),
            ("completion", () => positions.ForEach(p => service.Completion(path, p))),
            ("rename", () =>
            {
                positions.ForEach(p => service.PrepareRename(path, p));
                if (withinLimit) Assert.NotEmpty(service.Rename(path, adult, "Grown").Changes);
            }),
            // Beyond the limit the file is reported once and not analysed further (its outline is empty).
            ("document symbols", () => Assert.Equal(withinLimit, !service.DocumentSymbols(path).IsEmpty)),
            ("semantic tokens", () =>
            {
                var tokens = service.SemanticTokens(path);
                if (withinLimit) Assert.True(tokens.Length >= (kind is "or" or "plus" ? size : 10), $"{tokens.Length} semantic tokens");
            }),
            ("workflow graphs", () => service.WorkflowGraphs(path)),
            ("format", () =>
            {
                var edits = service.Format(path);
                var formatted = ProtocolFormatter.Format(text);
                Assert.Equal(withinLimit, formatted.Succeeded);
                if (withinLimit)
                {
                    Assert.Equal(formatted.Text, TextEdit.Apply(text, edits));
                    Assert.Equal(formatted.Text, ProtocolFormatter.Format(formatted.Text!).Text);
                }
                else
                {
                    Assert.Empty(edits);
                    Assert.Equal("PE0014", Assert.Single(formatted.Errors).Code);
                }
            }));
    }
}
