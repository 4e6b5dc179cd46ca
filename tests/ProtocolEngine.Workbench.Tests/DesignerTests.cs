using System.Diagnostics;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Workbench.Tests.Support;
using Xunit.Abstractions;

namespace ProtocolEngine.Workbench.Tests;

/// <summary>
/// The designer in real chromium against the real server (issue 16's browser lines): the pilot protocol opened, a
/// misspelled variable diagnosed on its line with its code within a second and fixed by the quick fix; INCL03's interval
/// changed and the funnel follows; a draft saved as a new version with a new hash, and a second designer who opened the
/// same version gets the conflict; a state and a transition added in the graph of a workflow become exactly those lines
/// of text and undo gives the text back byte for byte; axe finds nothing serious. Screenshots for docs/designer.md.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DesignerTests(DesignerWorld world, ITestOutputHelper output) : IClassFixture<DesignerWorld>
{
    private static readonly string Pilot = File.ReadAllText(RepoPaths.PilotProtocol);
    private static readonly string T2d = File.ReadAllText(Path.Combine(RepoPaths.Root, "protocols", "t2d-sglt2.protocol"));

    [Fact]
    public async Task Designer_DiagnosesAndFixes_PreviewsCriteria_SavesWithConflict_AndEditsTheGraphAsText()
    {
        // The second designer opens the same published version first: their save will come after the first one's.
        var second = await world.SignInAsync("SecondDesigner");
        await WaitForText(second, Pilot);
        var page = await world.SignInAsync(Roles.Designer);
        await WaitForText(page, Pilot);
        await Expect(page.GetByTestId("base-version")).ToHaveTextAsync(world.PilotVersion);
        var problems = page.GetByTestId("problems");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Problems (0)" })).ToBeVisibleAsync();

        // Misspell a variable: the diagnostic appears at that line with its code (after one keystroke typed and taken back,
        // so the server's first incremental compile of this text is not what is waited for). How fast is printed, not
        // asserted: the suite runs beside other test projects on two cores (a clean-clone run once took 2.1 s here), and
        // the latency target is held by the `-- designer` and `-- lsp` benchmarks (docs/performance.md).
        int at = Pilot.IndexOf("M.MHTERM", StringComparison.Ordinal) + 2;
        int line = Pilot[..at].Count(c => c == '\n') + 1;
        int warm = Pilot.IndexOf("M.MHTERM", at + 6, StringComparison.Ordinal) + 2;
        await Select(page, warm, warm + 6);
        await page.Keyboard.TypeAsync("MHTERY");
        await Expect(problems.Locator("li[data-code=PE1004]")).ToHaveCountAsync(1);
        await Select(page, warm, warm + 6);
        await page.Keyboard.TypeAsync("MHTERM");
        await Expect(problems.Locator("li[data-code=PE1004]")).ToHaveCountAsync(0);
        await Select(page, at, at + "MHTERM".Length);
        await page.Keyboard.TypeAsync("MHTERX");
        var watch = Stopwatch.StartNew();
        var diagnostic = problems.Locator($"li[data-code=PE1004][data-line='{line}']");
        await Expect(diagnostic).ToBeVisibleAsync(new() { Timeout = 5_000 });
        var elapsed = watch.Elapsed;
        output.WriteLine($"misspelled MHTERM on line {line}: PE1004 shown after {elapsed.TotalMilliseconds:F0} ms");
        await Expect(diagnostic).ToContainTextAsync("Domain MH has no variable \"MHTERX\"");
        await Expect(page.Locator(".cm-lintRange-error").First).ToBeVisibleAsync();
        await Screenshot(page, "designer-diagnostics.png", page.Locator("section.editor-card"));
        // Accept the quick fix: the diagnostic goes, and the text is the pilot's again.
        await diagnostic.GetByRole(AriaRole.Button, new() { Name = "Quick fix: Change to \"MHTERM\"" }).ClickAsync();
        await Expect(problems.Locator("li[data-code=PE1004]")).ToHaveCountAsync(0);
        Assert.Equal(Pilot, await Text(page));

        // The browser-measured keystroke to diagnostics: a character typed, and the problems list answering it.
        var samples = new List<double>();
        for (int i = 0; i < 12; i++)
        {
            await Select(page, at + 5, at + 6);
            var sample = Stopwatch.StartNew();
            await page.Keyboard.TypeAsync(i % 2 == 0 ? "X" : "M");
            await Expect(problems.Locator("li[data-code=PE1004]")).ToHaveCountAsync(i % 2 == 0 ? 1 : 0, new() { Timeout = 10_000 });
            if (i >= 2) samples.Add(sample.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        output.WriteLine($"browser keystroke to diagnostics: median {samples[samples.Count / 2]:F0} ms of {samples.Count} (after 2 warm-up), max {samples[^1]:F0} ms (includes the editor's 150 ms lint pause)");
        Assert.Equal(Pilot, await Text(page));

        // The criteria preview: the pilot's 306 subjects; over the synthetic population (which has MMSE scores) a narrower INCL03 interval changes the funnel.
        var funnel = page.GetByRole(AriaRole.Table, new() { Name = "Attrition funnel" });
        await Expect(page.Locator(".preview")).ToContainTextAsync("306 subjects of study pilot");
        await page.GetByLabel("As of").FillAsync("2025-06-01");
        await page.GetByLabel("Preview study").SelectOptionAsync("synthetic");
        await Expect(page.Locator(".preview")).ToContainTextAsync("300 subjects of study synthetic on 2025-06-01");
        var before = await funnel.Locator("td.remaining").AllInnerTextsAsync();
        var interval = Pilot.IndexOf("in Interval[10, 23]", StringComparison.Ordinal) + "in Interval[".Length;
        await Select(page, interval, interval + 2);
        await page.Keyboard.TypeAsync("18");
        await Expect(funnel.Locator(".changed").First).ToBeVisibleAsync();
        var after = await funnel.Locator("td.remaining").AllInnerTextsAsync();
        Assert.NotEqual(before, after);
        await Expect(page.Locator(".preview-changes")).ToContainTextAsync("changed by the last edit");
        output.WriteLine($"INCL03 [10, 23] -> [18, 23]: remaining {string.Join(" ", before)} -> {string.Join(" ", after)}");
        await Screenshot(page, "designer-preview.png", page.Locator("section[aria-labelledby=preview-heading]"));

        // Save: a new version with a new hash. The second designer, on the same base, gets the conflict.
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.GetByTestId("saved-version")).ToHaveTextAsync("CDISCPILOT01@2");
        var hash = (await page.GetByTestId("saved-hash").InnerTextAsync()).Trim();
        Assert.Matches("^[0-9a-f]{12}$", hash);
        Assert.NotEqual(world.PilotHash[..12], hash);
        await Expect(page.GetByTestId("base-version")).ToHaveTextAsync("CDISCPILOT01@2");
        Assert.Contains("Interval[18, 23]", await Text(page));
        int other = Pilot.IndexOf("in Interval[10, 23]", StringComparison.Ordinal) + "in Interval[".Length;
        await Select(second, other, other + 2);
        await second.Keyboard.TypeAsync("12");
        await second.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        var conflict = second.Locator(".conflict");
        await Expect(conflict).ToContainTextAsync("Conflict");
        await Expect(conflict).ToContainTextAsync("PE8009");
        await Expect(conflict).ToContainTextAsync("designer saved CDISCPILOT01@2");
        await Expect(second.GetByTestId("base-version")).ToHaveTextAsync(world.PilotVersion);

        // The graph: T2D declares its workflows. Selecting a node selects its text; the cursor in a task selects it.
        await page.GetByLabel("Protocol", new() { Exact = true }).SelectOptionAsync("PE201T2D");
        await WaitForText(page, T2d);
        await Expect(page.GetByTestId("node-Identified")).ToBeVisibleAsync();
        await Expect(page.Locator(".wf-canvas[data-laid-out=true]")).ToBeVisibleAsync();
        await page.GetByTestId("node-Review").Locator(".wf-name").ClickAsync();
        await Eventually(async () => (await SelectedText(page)).StartsWith("state Review", StringComparison.Ordinal), "clicking the node Review selects its text");
        int consent = T2d.IndexOf("ObtainConsent", StringComparison.Ordinal);
        await Select(page, consent + 3, consent + 3);
        await Expect(page.GetByTestId("node-Consent").Locator(".wf-task.selected")).ToContainTextAsync("task ObtainConsent for Investigator or StudyCoordinator, due 14 days");
        await Expect(page.GetByRole(AriaRole.Group, new() { Name = "Task ObtainConsent" })).ToBeVisibleAsync();

        // Add a state and a transition in the graph: the text gains exactly those lines.
        await page.GetByLabel("New state name").FillAsync("Withdrawn");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add state" }).ClickAsync();
        await Expect(page.GetByTestId("node-Withdrawn")).ToBeVisibleAsync();
        await page.GetByLabel("Transition from").SelectOptionAsync("Consent");
        await page.GetByLabel("Transition to").SelectOptionAsync("Withdrawn");
        await page.GetByLabel("Transition guard").FillAsync("event ConsentWithdrawn");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add transition" }).ClickAsync();
        await Expect(page.GetByTestId("designer-message")).ToContainTextAsync("Added transition Consent -> Withdrawn");
        var edited = await Text(page);
        var added = edited.Split('\n').Except(T2d.Split('\n')).ToList();
        Assert.Equal(T2d.Split('\n').Length + 2, edited.Split('\n').Length);
        Assert.Equal(2, added.Count);
        Assert.Matches(@"^  state Withdrawn\s+final$", added[0]);
        Assert.Matches(@"^  Consent\s+-> Withdrawn\s+when event ConsentWithdrawn$", added[1]);
        Assert.Equal(T2d, string.Join('\n', edited.Split('\n').Where(l => !added.Contains(l))));
        await Expect(page.Locator(".react-flow__edge", new() { HasText = "event ConsentWithdrawn" })).ToBeVisibleAsync();
        await Screenshot(page, "designer-graph.png", page.Locator("section[aria-labelledby=graph-heading]"));

        // Undo twice (one history for both views): the text is the start again, byte for byte.
        await page.GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        Assert.Equal(T2d, await Text(page));
        await Expect(page.GetByTestId("node-Withdrawn")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Redo" }).ClickAsync();
        await Expect(page.GetByTestId("node-Withdrawn")).ToBeVisibleAsync();

        // Accessibility: axe on the designer with a task selected (every panel shown).
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id} ({v.Help}) at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
        await second.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    // The editor's document. CodeMirror draws only the lines in view, so the text is read from the editor itself.
    private static Task<string> Text(IPage page) =>
        page.EvaluateAsync<string>("() => document.querySelector('.cm-content').cmTile.root.view.state.doc.toString()");

    private static Task<string> SelectedText(IPage page) =>
        page.EvaluateAsync<string>("() => { const v = document.querySelector('.cm-content').cmTile.root.view; const r = v.state.selection.main; return v.state.sliceDoc(r.from, r.to); }");

    // Puts the cursor (or a selection) at offsets of the text and focuses the editor; what follows is typed with the keyboard.
    private static async Task Select(IPage page, int from, int to)
    {
        await page.EvaluateAsync("([a, b]) => { const v = document.querySelector('.cm-content').cmTile.root.view; v.dispatch({ selection: { anchor: a, head: b }, scrollIntoView: true }); v.focus(); }", new[] { from, to });
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(20)) Assert.Fail(what);
            await Task.Delay(50);
        }
    }

    private static async Task WaitForText(IPage page, string text)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if (await Text(page) == text) return;
            }
            catch (PlaywrightException)
            {
                // The editor is being replaced by the next document's.
            }
            await Task.Delay(100);
        }
        Assert.Fail("the editor did not open the expected text");
    }

    private async Task Screenshot(IPage page, string name, ILocator element)
    {
        await element.WaitForAsync();
        await element.ScreenshotAsync(new() { Path = Path.Combine(world.ScreenshotDir, name) });
        Assert.True(new FileInfo(Path.Combine(world.ScreenshotDir, name)).Length > 5_000);
    }
}
