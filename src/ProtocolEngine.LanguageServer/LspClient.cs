using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace ProtocolEngine.LanguageServer;

/// <summary>
/// A minimal Language Server Protocol client over a child process's stdio, for tests, benchmarks and scripts that drive
/// <c>protocol lsp</c> with real messages: requests wait for their response, notifications from the server queue up.
/// </summary>
public sealed class LspClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly JsonRpcConnection _connection;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly Channel<JsonObject> _notifications = Channel.CreateUnbounded<JsonObject>();
    private readonly Task _reader;
    private int _nextId;

    private LspClient(Process process)
    {
        _process = process;
        _connection = new JsonRpcConnection(process.StandardOutput.BaseStream, process.StandardInput.BaseStream);
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>What the server wrote to its standard error (its log).</summary>
    public string ErrorOutput => _error.ToString();

    private readonly System.Text.StringBuilder _error = new();

    /// <summary>Starts a server process (for example <c>dotnet protocol.dll lsp</c>).</summary>
    public static LspClient Start(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var client = new LspClient(process);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (client._error) client._error.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        return client;
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _connection.ReadAsync(CancellationToken.None) is { } message)
            {
                if (message["method"] is null && message["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var waiting)) waiting.TrySetResult(message);
                else if (message["method"] is not null) await _notifications.Writer.WriteAsync(message);
            }
        }
        finally
        {
            _notifications.Writer.TryComplete();
            foreach (var p in _pending.Values) p.TrySetException(new EndOfStreamException("The server closed its output."));
        }
    }

    /// <summary>Sends a request and returns its result (null for a null result).</summary>
    /// <exception cref="InvalidOperationException">The server answered with an error.</exception>
    /// <exception cref="TimeoutException">No answer within the time.</exception>
    public async Task<JsonNode?> RequestAsync(string method, object parameters, TimeSpan? timeout = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var waiting = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiting;
        await _connection.WriteRawAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = JsonRpcConnection.ToNode(parameters) });
        var response = await waiting.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        if (response["error"] is { } error) throw new InvalidOperationException($"{method} failed: {error["message"]}");
        return response["result"];
    }

    /// <summary>Sends a notification.</summary>
    public Task NotifyAsync(string method, object parameters) => _connection.NotifyAsync(method, parameters);

    /// <summary>Waits for the next notification of a method that satisfies a condition (earlier ones are dropped).</summary>
    /// <exception cref="TimeoutException">None came within the time.</exception>
    public async Task<JsonObject> WaitForAsync(string method, Func<JsonObject, bool>? condition = null, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var message = await _notifications.Reader.ReadAsync(cancel.Token);
                if (message["method"]?.GetValue<string>() == method && (condition is null || condition((JsonObject)message["params"]!))) return (JsonObject)message["params"]!;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No {method} notification came.");
        }
    }

    /// <summary>Sends <c>shutdown</c> and <c>exit</c> and returns the server's exit code.</summary>
    public async Task<int> ShutdownAsync()
    {
        await RequestAsync("shutdown", new { });
        await NotifyAsync("exit", new { });
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or EndOfStreamException or IOException or ObjectDisposedException)
        {
            // The server is gone; nothing more to read.
        }
        _process.Dispose();
    }
}
