using System.Diagnostics;
using System.Globalization;
using ProtocolEngine.LanguageServer;
using ProtocolEngine.LanguageService.Text;

namespace ProtocolEngine.Benchmarks.Language;

/// <summary>
/// Keystroke to diagnostics through <c>protocol lsp</c> over stdio, as an editor sees it: didChange of one character in
/// cdiscpilot01-amendment1 until its publishDiagnostics arrives. 20 keystrokes warm up, then the median and 95th
/// percentile of 100 are printed. Run: <c>dotnet run -c Release --project tests/ProtocolEngine.Benchmarks -- lsp</c>.
/// </summary>
public static class LspRoundTripBench
{
    public static async Task<int> RunAsync()
    {
        var path = Path.Combine(BenchmarkPaths.Protocols, "cdiscpilot01-amendment1.protocol");
        var text = File.ReadAllText(path);
        var uri = new Uri(path).AbsoluteUri;
        await using var client = LspClient.Start("dotnet", Path.Combine(AppContext.BaseDirectory, "protocol.dll"), "lsp");
        await client.RequestAsync("initialize", new { processId = Environment.ProcessId, capabilities = new { } });
        await client.NotifyAsync("initialized", new { });
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "protocol", version = 0, text } });
        await client.WaitForAsync("textDocument/publishDiagnostics", p => p["version"]?.GetValue<int>() == 0);
        var at = new LineMap(text).PositionOf(text.IndexOf("Age >= 50", StringComparison.Ordinal) + 8);
        var times = new List<double>();
        for (int version = 1; version <= 120; version++)
        {
            var range = new { start = new { line = at.Line, character = at.Character }, end = new { line = at.Line, character = at.Character + 1 } };
            var watch = Stopwatch.StartNew();
            await client.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version }, contentChanges = new[] { new { range, text = version % 2 == 0 ? "0" : "1" } } });
            int expected = version;
            await client.WaitForAsync("textDocument/publishDiagnostics", p => p["version"]?.GetValue<int>() == expected);
            if (version > 20) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        await client.ShutdownAsync();
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"protocol lsp, cdiscpilot01-amendment1 with its imports: keystroke to diagnostics median {times[times.Count / 2]:F1} ms, p95 {times[(int)(times.Count * 0.95)]:F1} ms, max {times[^1]:F1} ms (100 keystrokes after 20 warm-up)"));
        return 0;
    }
}
