using System.Diagnostics;
using System.Text.Json.Nodes;
using ProtocolEngine.LanguageServer;
using ProtocolEngine.LanguageService.Text;
using Xunit.Abstractions;
using TextEdit = ProtocolEngine.LanguageService.Text.TextEdit;

namespace ProtocolEngine.Cli.Tests.Commands;

/// <summary>Drives `protocol lsp` as a child process with real Language Server Protocol messages.</summary>
public sealed class LspCommandTests(ITestOutputHelper output)
{
    private static readonly string Pilot = Path.Combine(CliRunner.Root, "protocols", "cdiscpilot01-amendment1.protocol");

    private static LspClient Start() => LspClient.Start("dotnet", Path.Combine(AppContext.BaseDirectory, "protocol.dll"), "lsp");

    private static object Doc(string path) => new { uri = new Uri(path).AbsoluteUri };

    private static object At(string path, LinePosition p) => new { textDocument = Doc(path), position = new { line = p.Line, character = p.Character } };

    private static LinePosition Find(string text, string marker, int delta = 0) => new LineMap(text).PositionOf(text.IndexOf(marker, StringComparison.Ordinal) + delta);

    [Fact]
    public async Task A_session_answers_every_request_an_editor_makes()
    {
        var text = File.ReadAllText(Pilot);
        var uri = new Uri(Pilot).AbsoluteUri;
        await using var client = Start();
        var init = await client.RequestAsync("initialize", new { processId = Environment.ProcessId, rootUri = (string?)null, capabilities = new { } });
        Assert.Equal(2, init!["capabilities"]!["textDocumentSync"]!["change"]!.GetValue<int>());
        Assert.Contains("property", init["capabilities"]!["semanticTokensProvider"]!["legend"]!["tokenTypes"]!.AsArray().Select(t => t!.GetValue<string>()));
        await client.NotifyAsync("initialized", new { });

        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "protocol", version = 1, text } });
        var opened = await client.WaitForAsync("textDocument/publishDiagnostics", p => p["version"]?.GetValue<int>() == 1);
        Assert.DoesNotContain(opened["diagnostics"]!.AsArray(), d => d!["severity"]!.GetValue<int>() == 1);

        // A keystroke that misspells a variable: the diagnostic names the code at the misspelt name, with a quick fix.
        var at = Find(text, "DM.SEX = 'M'", 6);
        var sent = Stopwatch.StartNew();
        await client.NotifyAsync("textDocument/didChange", new
        {
            textDocument = new { uri, version = 2 },
            contentChanges = new[] { new { range = new { start = new { line = at.Line, character = at.Character }, end = new { line = at.Line, character = at.Character } }, text = "X" } },
        });
        var changed = await client.WaitForAsync("textDocument/publishDiagnostics", p => p["version"]?.GetValue<int>() == 2);
        output.WriteLine($"diagnostics {sent.Elapsed.TotalMilliseconds:F0} ms after the keystroke");
        var error = Assert.Single(changed["diagnostics"]!.AsArray(), d => d!["code"]!.GetValue<string>() == "PE1004")!;
        Assert.Equal(at.Line, error["range"]!["start"]!["line"]!.GetValue<int>());
        Assert.Equal(at.Character - 3, error["range"]!["start"]!["character"]!.GetValue<int>());
        var actions = (await client.RequestAsync("textDocument/codeAction", new { textDocument = Doc(Pilot), range = error["range"], context = new { diagnostics = new[] { error } } }))!.AsArray();
        Assert.Equal("Change to \"SEX\"", actions.Single()!["title"]!.GetValue<string>());

        var edited = text.Insert(new LineMap(text).OffsetOf(at), "X");
        var completion = await client.RequestAsync("textDocument/completion", At(Pilot, Find(edited, "DM.SEXX", 3)));
        Assert.Contains(completion!["items"]!.AsArray(), i => i!["label"]!.GetValue<string>() == "SEX" && i["detail"]!.GetValue<string>().Contains("Sex", StringComparison.Ordinal));

        var hover = await client.RequestAsync("textDocument/hover", At(Pilot, Find(edited, "DM.AGE", 4)));
        Assert.Contains("Age", hover!["contents"]!["value"]!.GetValue<string>());

        var definition = (await client.RequestAsync("textDocument/definition", At(Pilot, Find(edited, "ScreeningLab('FOLATE')", 2))))!.AsArray();
        var target = Assert.Single(definition)!;
        Assert.Equal(uri, target["uri"]!.GetValue<string>());
        Assert.Equal(Find(edited, "ScreeningLab(code").Line, target["range"]!["start"]!["line"]!.GetValue<int>());

        var rename = await client.RequestAsync("textDocument/rename", new { textDocument = Doc(Pilot), position = At2(Find(edited, "ScreeningLab(code")), newName = "ScreeningResult" });
        var renames = rename!["changes"]![uri]!.AsArray();
        Assert.Equal(edited.Split("ScreeningLab").Length - 1, renames.Count);
        Assert.All(renames, e => Assert.Equal("ScreeningResult", e!["newText"]!.GetValue<string>()));

        var symbols = (await client.RequestAsync("textDocument/documentSymbol", new { textDocument = Doc(Pilot) }))!.AsArray();
        Assert.Contains(symbols, s => s!["name"]!.GetValue<string>() == "criteria" && s["children"]!.AsArray().Count == 31);

        var tokens = (await client.RequestAsync("textDocument/semanticTokens/full", new { textDocument = Doc(Pilot) }))!["data"]!.AsArray();
        Assert.True(tokens.Count > 1000 && tokens.Count % 5 == 0);

        // Formatting: a disordered copy of the (formatted) protocol comes back to it.
        var messy = edited.Replace("\n  inclusion ", "\n      inclusion ", StringComparison.Ordinal);
        await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version = 3 }, contentChanges = new[] { new { text = messy } } });
        var formatting = (await client.RequestAsync("textDocument/formatting", new { textDocument = Doc(Pilot), options = new { tabSize = 2, insertSpaces = true } }))!.AsArray();
        Assert.NotEmpty(formatting);
        var lines = new LineMap(messy);
        var formatted = TextEdit.Apply(messy, formatting.Select(e => new TextEdit(lines.SpanOf(new LineRange(
            new LinePosition(e!["range"]!["start"]!["line"]!.GetValue<int>(), e["range"]!["start"]!["character"]!.GetValue<int>()),
            new LinePosition(e["range"]!["end"]!["line"]!.GetValue<int>(), e["range"]!["end"]!["character"]!.GetValue<int>()))), e["newText"]!.GetValue<string>())));
        Assert.Equal(edited, formatted);

        Assert.Equal(0, await client.ShutdownAsync());
    }

    private static object At2(LinePosition p) => new { line = p.Line, character = p.Character };

    [Fact]
    public async Task An_unknown_request_is_an_error_and_the_server_carries_on()
    {
        await using var client = Start();
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { } });
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => client.RequestAsync("textDocument/noSuchThing", new { }));
        Assert.Contains("not supported", failure.Message);
        var rename = await Assert.ThrowsAsync<InvalidOperationException>(() => client.RequestAsync("textDocument/rename",
            new { textDocument = Doc(Pilot), position = new { line = 0, character = 0 }, newName = "x" }));
        Assert.Contains("No document", rename.Message);
        Assert.Equal(0, await client.ShutdownAsync());
    }
}
