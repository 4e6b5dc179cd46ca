using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ProtocolEngine.Workflows.Tests.Crash;

/// <summary>A CrashHost process: started with arguments, its progress lines read, killed with SIGKILL when asked.</summary>
internal sealed partial class EngineProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();

    public EngineProcess(params string[] args)
    {
        var dll = Path.Combine(Support.RepoPaths.Root, "tests", "ProtocolEngine.Workflows.CrashHost", "bin", Configuration, "net10.0", "ProtocolEngine.Workflows.CrashHost.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("The crash host was not built.", dll);
        var psi = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _lines.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _lines.Add("stderr: " + e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public string Output { get { lock (_lock) return string.Join('\n', _lines); } }

    public (long Fired, long Completed) LastProgress
    {
        get
        {
            lock (_lock)
            {
                for (int i = _lines.Count - 1; i >= 0; i--)
                {
                    var m = Progress().Match(_lines[i]);
                    if (m.Success) return (long.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value));
                }
            }
            return (0, 0);
        }
    }

    public async Task WaitForProgressAsync(Func<(long Fired, long Completed), bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!condition(LastProgress))
        {
            if (_process.HasExited) throw new InvalidOperationException($"The engine exited ({_process.ExitCode}) before the kill point:\n{Output}");
            if (sw.Elapsed > timeout) throw new TimeoutException($"No progress to the kill point in {timeout}:\n{Output}");
            await Task.Delay(10);
        }
    }

    /// <summary>SIGKILL: no finally blocks, no flush, no goodbye.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { KillHard(); throw new TimeoutException($"The engine did not finish in {timeout}:\n{Output}"); }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) KillHard();
        _process.Dispose();
    }

    [GeneratedRegex(@"fired=(\d+) completed=(\d+)")]
    private static partial Regex Progress();
}
