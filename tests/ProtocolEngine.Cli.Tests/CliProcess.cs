using System.Diagnostics;

namespace ProtocolEngine.Cli.Tests;

/// <summary>
/// Runs the real `protocol` command line as a child process: what a user runs, with its own stdout, stderr and
/// exit code, killed when it outlives its time limit (a hang fails the test instead of the run), and able to
/// receive a signal (Ctrl-C) like a terminal sends it.
/// </summary>
public static class CliProcess
{
    /// <summary>What a run printed and returned.</summary>
    /// <param name="ExitCode">The exit code, or -1 when the process was killed.</param>
    /// <param name="Out">Standard output.</param>
    /// <param name="Error">Standard error.</param>
    /// <param name="TimedOut">True when the process outlived its limit and was killed.</param>
    /// <param name="Elapsed">How long it ran.</param>
    public sealed record Result(int ExitCode, string Out, string Error, bool TimedOut, TimeSpan Elapsed);

    /// <summary>The command line's assembly: the copy built beside the tests.</summary>
    public static string Dll
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "protocol.dll");
            if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "protocol.runtimeconfig.json"))) return beside;
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var built = Path.Combine(CliRunner.Root, "src", "ProtocolEngine.Cli", "bin", configuration, "net10.0", "protocol.dll");
            return File.Exists(built) ? built : throw new FileNotFoundException("The protocol command line is not built.", built);
        }
    }

    /// <summary>Starts the command line; the caller reads its output and waits for it.</summary>
    public static Process Start(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // A user's terminal, minus what would make the output differ between machines.
        info.Environment.Remove("PROTOCOLENGINE_DEBUG");
        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
            foreach (var (k, v) in environment)
            {
                if (v is null) info.Environment.Remove(k);
                else info.Environment[k] = v;
            }
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        process.StandardInput.Close();
        return process;
    }

    /// <summary>
    /// Sends Ctrl-C (SIGINT) to a command line started by <see cref="Start"/>. A process started in the background by
    /// a non-interactive shell (<c>nohup tests/run &amp;</c>) inherits SIGINT ignored, and so does every child, which
    /// then rightly never sees the Ctrl-C: the test fails at once and says so instead of waiting for a stop that
    /// cannot come.
    /// </summary>
    public static void Interrupt(Process process)
    {
        var ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        // Bit 1 of the mask is signal 2, SIGINT.
        bool sigintIgnored = ignored is not null && (Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
        Assert.False(sigintIgnored, "SIGINT is ignored in the test process (it was started in the background by a non-interactive shell, " +
            "e.g. with nohup ... &): run tests/run in the foreground or under job control (set -m) to test Ctrl-C.");
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Runs the command line to its end, or kills it (with its children) after <paramref name="timeout"/>.</summary>
    public static Result Run(IEnumerable<string> args, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var watch = Stopwatch.StartNew();
        using var process = Start(args, workingDirectory, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        bool exited = process.WaitForExit(timeout);
        if (!exited)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit(10_000);
        }
        else process.WaitForExit();
        watch.Stop();
        return new Result(exited ? process.ExitCode : -1, Drain(output), Drain(error), !exited, watch.Elapsed);
    }

    private static string Drain(Task<string> reading) => reading.Wait(TimeSpan.FromSeconds(10)) ? reading.Result : "";
}
