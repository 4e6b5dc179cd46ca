using System.Data.Common;
using System.Net;
using System.Net.Sockets;

namespace ProtocolEngine.Server.Hosting;

/// <summary>A server that cannot start, with a sentence saying why and what to do; never a stack trace.</summary>
/// <param name="message">The sentence.</param>
public sealed class ServerStartupException(string message) : Exception(message);

/// <summary>What is checked before the server listens: the data folder, the addresses, the database.</summary>
internal static class StartupChecks
{
    /// <summary>The data folder exists (or is created) and can be written.</summary>
    public static void DataDir(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            if (File.Exists(full)) throw new ServerStartupException($"The data folder {full} is a file; give --data-dir a folder.");
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ServerStartupException($"The data folder {full} cannot be used: {ex.Message}");
        }
    }

    /// <summary>The addresses are http(s) URLs whose ports are free.</summary>
    public static IReadOnlyList<Uri> Urls(string urls)
    {
        var list = new List<Uri>();
        foreach (var text in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new ServerStartupException($"--urls {text} is not an http or https URL (for example http://127.0.0.1:5080).");
            list.Add(uri);
        }
        if (list.Count == 0) throw new ServerStartupException("--urls names no address; for example http://127.0.0.1:5080.");
        foreach (var uri in list) EnsurePortFree(uri);
        return list;
    }

    private static void EnsurePortFree(Uri uri)
    {
        if (uri.Port == 0) return;
        var address = uri.Host is "localhost" ? IPAddress.Loopback : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip : IPAddress.Any;
        var listener = new TcpListener(address, uri.Port);
        try
        {
            listener.Start();
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new ServerStartupException($"Port {uri.Port} on {uri.Host} is in use (is another server running?); choose another with --urls, for example http://127.0.0.1:{uri.Port + 1}.");
        }
        catch (SocketException ex)
        {
            throw new ServerStartupException($"Cannot listen on {uri}: {ex.Message}.");
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Translates a database failure at start into a sentence naming the database (never its password).</summary>
    public static ServerStartupException Database(ServerDatabase db, Exception ex) => ex switch
    {
        Microsoft.Data.Sqlite.SqliteException s when s.SqliteErrorCode == 26 => new($"{db.Describe()} is not a SQLite database; give --data-dir a folder of its own."),
        Npgsql.NpgsqlException or System.Net.Sockets.SocketException => new($"{db.Describe()} cannot be reached: {ex.Message}"),
        DbException => new($"{db.Describe()} cannot be used: {ex.Message}"),
        _ => new($"{db.Describe()} cannot be used: {ex.Message}"),
    };
}
