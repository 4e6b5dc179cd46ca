using Npgsql;

namespace ProtocolEngine.Server.Hosting;

/// <summary>
/// Where the PostgreSQL connection string comes from: an environment variable or a file, never the command line (where
/// `ps` shows it to everyone). Errors name the variable or file, never the string's content.
/// </summary>
public static class DatabaseSettings
{
    /// <summary>The connection string named by <paramref name="envName"/> or <paramref name="filePath"/> (at most one), or null for neither.</summary>
    /// <exception cref="ServerStartupException">The variable is not set, the file is missing or empty, or the text is not a connection string.</exception>
    public static string? Postgres(string? envName, string? filePath)
    {
        if (envName is not null && filePath is not null) throw new ServerStartupException("Give the PostgreSQL connection with --pg-env or --pg-file, not both.");
        string? text = null, from = null;
        if (envName is not null)
        {
            from = $"--pg-env {envName}";
            text = Environment.GetEnvironmentVariable(envName);
            if (string.IsNullOrWhiteSpace(text)) throw new ServerStartupException($"{from}: the environment variable {envName} is not set.");
        }
        else if (filePath is not null)
        {
            from = $"--pg-file {filePath}";
            if (!File.Exists(filePath)) throw new ServerStartupException($"{from}: no such file.");
            try { text = File.ReadAllText(filePath).Trim(); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new ServerStartupException($"{from}: the file cannot be read: {ex.Message}"); }
            if (text.Length == 0) throw new ServerStartupException($"{from}: the file is empty.");
        }
        if (text is null) return null;
        try
        {
            var b = new NpgsqlConnectionStringBuilder(text);
            if (string.IsNullOrEmpty(b.Host)) throw new ServerStartupException($"{from}: the connection string names no Host.");
            return b.ConnectionString;
        }
        catch (ArgumentException)
        {
            throw new ServerStartupException($"{from}: this is not a PostgreSQL connection string (Host=...;Port=...;Database=...;Username=...;Password=...).");
        }
    }
}
