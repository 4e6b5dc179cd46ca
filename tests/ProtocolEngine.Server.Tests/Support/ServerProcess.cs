using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProtocolEngine.Server.Tests.Support;

/// <summary>The server executable as a separate process (ProtocolEngine.Server.dll), so a test can run two and kill one with SIGKILL.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public ServerProcess(string name, string dataDir, string postgres, int port)
    {
        Name = name;
        Url = $"http://127.0.0.1:{port}";
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ProtocolEngine.Server.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        // The connection string travels in the environment, never on the command line.
        psi.Environment["ProtocolEngine__Postgres"] = postgres;
        psi.Environment["ProtocolEngine__DataDir"] = dataDir;
        psi.Environment["ProtocolEngine__InstanceName"] = name;
        psi.Environment["ProtocolEngine__EventLeaseSeconds"] = "3";
        psi.Environment["ASPNETCORE_URLS"] = Url;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public string Url { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Waits until /health/ready answers 200.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}):\n{Output}");
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} was not ready in {timeout}:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown, no cleanup, transactions in flight lost.</summary>
    public void KillHard()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        KillHard();
        _process.Dispose();
    }
}
