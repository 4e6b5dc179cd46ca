using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ProtocolEngine.LanguageServer;

/// <summary>
/// JSON-RPC 2.0 over a stream pair with the Language Server Protocol's framing (<c>Content-Length</c> headers, then the
/// UTF-8 JSON body). Reads one message at a time; writes are serialised so a notification never interleaves a response.
/// </summary>
internal sealed class JsonRpcConnection(Stream input, Stream output)
{
    private readonly SemaphoreSlim _write = new(1, 1);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The next message, or null at the end of the input.</summary>
    /// <exception cref="InvalidDataException">The framing or the JSON is broken.</exception>
    public async Task<JsonObject?> ReadAsync(CancellationToken cancellation)
    {
        int length = -1;
        while (true)
        {
            var line = await ReadLineAsync(cancellation);
            if (line is null) return null;
            if (line.Length == 0) break;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                length = int.Parse(line[(colon + 1)..].Trim(), CultureInfo.InvariantCulture);
        }
        if (length < 0) throw new InvalidDataException("A message without a Content-Length header.");
        var body = new byte[length];
        int read = 0;
        while (read < length)
        {
            int n = await input.ReadAsync(body.AsMemory(read, length - read), cancellation);
            if (n == 0) return null;
            read += n;
        }
        return JsonNode.Parse(body) as JsonObject ?? throw new InvalidDataException("A message that is not a JSON object.");
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellation)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            int n = await input.ReadAsync(one, cancellation);
            if (n == 0) return bytes.Count == 0 ? null : Encoding.ASCII.GetString([.. bytes]);
            if (one[0] == '\n') return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            bytes.Add(one[0]);
        }
    }

    /// <summary>Writes a response to a request.</summary>
    public Task RespondAsync(JsonNode? id, object? result) =>
        WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["result"] = ToNode(result) });

    /// <summary>A value as JSON (camelCase names, nulls left out of objects).</summary>
    public static JsonNode? ToNode(object? value) => value as JsonNode ?? JsonSerializer.SerializeToNode(value, Json);

    /// <summary>Writes a message as it is.</summary>
    public Task WriteRawAsync(JsonObject message) => WriteAsync(message);

    /// <summary>Writes an error response.</summary>
    public Task RespondErrorAsync(JsonNode? id, int code, string message) =>
        WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    /// <summary>Writes a notification.</summary>
    public Task NotifyAsync(string method, object parameters) =>
        WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = ToNode(parameters) });

    private async Task WriteAsync(JsonObject message)
    {
        var body = Encoding.UTF8.GetBytes(message.ToJsonString(Json));
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        await _write.WaitAsync();
        try
        {
            await output.WriteAsync(header);
            await output.WriteAsync(body);
            await output.FlushAsync();
        }
        finally
        {
            _write.Release();
        }
    }
}
