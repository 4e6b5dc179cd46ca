using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Text;

namespace ProtocolEngine.Sql.Backends;

/// <summary>
/// A ClickHouse cluster reached through its HTTP interface (TabSeparated), as 18.16 serves it: the server queries are sent
/// to (<see cref="Host"/>:<see cref="Port"/>, the initiator), the cluster its Distributed tables name, and each shard's HTTP
/// address (a load writes every shard's part directly). Parsed from a connection string such as
/// <c>Host=127.0.0.1;Port=8123;Username=pe;Database=default;Cluster=pe_cluster;ShardPorts=8123,8124;PasswordFile=/path</c>
/// (what <c>.ci/start-clickhouse.sh</c> prints); <c>Password=</c> is read too, for a string held in the environment or a
/// mode-600 file. The password travels in the X-ClickHouse-Key header, never in a URL.
/// </summary>
public sealed class ClickHouseCluster : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _password;

    private ClickHouseCluster(string host, int port, string user, string? password, string database, string cluster, IReadOnlyList<(string Host, int Port)> shards, TimeSpan timeout)
    {
        Host = host;
        Port = port;
        User = user;
        _password = password;
        Database = database;
        Cluster = cluster;
        Shards = shards;
        _http = new HttpClient { Timeout = timeout };
    }

    /// <summary>The server queries are sent to.</summary>
    public string Host { get; }

    /// <summary>Its HTTP port.</summary>
    public int Port { get; }

    /// <summary>The user.</summary>
    public string User { get; }

    /// <summary>The database (schema) the tables are in unless a query names another.</summary>
    public string Database { get; }

    /// <summary>The cluster (remote_servers entry) the Distributed tables are defined over.</summary>
    public string Cluster { get; }

    /// <summary>Each shard's HTTP address, in the cluster's shard order.</summary>
    public IReadOnlyList<(string Host, int Port)> Shards { get; }

    /// <summary>Parses a connection string (keys ignore case).</summary>
    /// <exception cref="ArgumentException">A key is missing or malformed, or the password file cannot be read; the message names it.</exception>
    public static ClickHouseCluster Parse(string connectionString, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        DbConnectionStringBuilder builder;
        try
        {
            builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            throw new ArgumentException("This is not a ClickHouse connection string (expected Key=Value;..., for example Host=127.0.0.1;Port=8123;Username=pe;Cluster=pe_cluster;ShardPorts=8123,8124;PasswordFile=PATH).");
        }
        string? Get(string key) => builder.TryGetValue(key, out var v) && v?.ToString() is { Length: > 0 } s ? s.Trim() : null;
        int PortOf(string text, string key) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
            ? p : throw new ArgumentException($"ClickHouse connection string: {key} must be a port number (1-65535), not '{text}'.");
        string host = Get("Host") ?? "127.0.0.1";
        int port = PortOf(Get("Port") ?? "8123", "Port");
        string user = Get("Username") ?? Get("User") ?? "default";
        string? password = Get("Password");
        if (password is null && Get("PasswordFile") is { } file)
        {
            try
            {
                password = File.ReadAllText(file).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"ClickHouse connection string: the PasswordFile {file} cannot be read ({ex.Message}).");
            }
        }
        string cluster = Get("Cluster") ?? throw new ArgumentException("ClickHouse connection string: name the cluster its Distributed tables use (Cluster=NAME, a remote_servers entry).");
        var shards = (Get("ShardPorts") ?? throw new ArgumentException("ClickHouse connection string: name each shard's HTTP port (ShardPorts=8123,8124; the shards are on Host)."))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => (host, PortOf(p, "ShardPorts"))).ToList();
        if (shards.Count == 0) throw new ArgumentException("ClickHouse connection string: ShardPorts names no shard.");
        string database = Get("Database") ?? "default";
        return new ClickHouseCluster(host, port, user, password, database, cluster, shards, timeout ?? TimeSpan.FromHours(1));
    }

    /// <summary>Where queries go, for messages (no password).</summary>
    public override string ToString() => $"ClickHouse {User}@{Host}:{Port.ToString(CultureInfo.InvariantCulture)}, cluster {Cluster} of {Shards.Count.ToString(CultureInfo.InvariantCulture)} shards";

    /// <summary>Runs a statement on the initiator and returns its TabSeparated output.</summary>
    /// <exception cref="ClickHouseException">The server refused the statement or cannot be reached.</exception>
    public string Execute(string statement) => Send(Host, Port, statement, null);

    /// <summary>Runs a statement on one shard.</summary>
    /// <exception cref="ClickHouseException">The shard refused the statement or cannot be reached.</exception>
    public string ExecuteOn(int shard, string statement, HttpContent? body = null) => Send(Shards[shard].Host, Shards[shard].Port, statement, body);

    private string Send(string host, int port, string statement, HttpContent? body)
    {
        // A statement with data travels in the URL (query=) and the data as the body; otherwise the statement is the body.
        var url = $"http://{host}:{port.ToString(CultureInfo.InvariantCulture)}/" + (body is null ? "" : "?query=" + Uri.EscapeDataString(statement));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body ?? new StringContent(statement, Encoding.UTF8, "text/plain") };
        request.Headers.Add("X-ClickHouse-User", User);
        if (_password is not null) request.Headers.Add("X-ClickHouse-Key", _password);
        HttpResponseMessage response;
        try
        {
            response = _http.Send(request, HttpCompletionOption.ResponseContentRead);
        }
        catch (HttpRequestException ex)
        {
            throw new ClickHouseException($"cannot reach ClickHouse at {host}:{port.ToString(CultureInfo.InvariantCulture)} ({ex.Message})", ex);
        }
        catch (TaskCanceledException ex)
        {
            throw new ClickHouseException($"ClickHouse at {host}:{port.ToString(CultureInfo.InvariantCulture)} did not answer within {_http.Timeout.TotalSeconds:N0} s", ex);
        }
        using (response)
        {
            using var reader = new StreamReader(response.Content.ReadAsStream(), Encoding.UTF8);
            var text = reader.ReadToEnd();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var message = text.Trim();
                if (_password is { Length: > 0 }) message = message.Replace(_password, "*****", StringComparison.Ordinal);
                throw new ClickHouseException($"ClickHouse at {host}:{port.ToString(CultureInfo.InvariantCulture)} refused the statement (HTTP {(int)response.StatusCode}): {message}");
            }
            return text;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}

/// <summary>ClickHouse refused a statement or could not be reached; the message says which server and why.</summary>
public sealed class ClickHouseException : Exception
{
    /// <summary>An exception with a message.</summary>
    public ClickHouseException(string message) : base(message)
    {
    }

    /// <summary>An exception with a message and its cause.</summary>
    public ClickHouseException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>An exception without a message.</summary>
    public ClickHouseException()
    {
    }
}
