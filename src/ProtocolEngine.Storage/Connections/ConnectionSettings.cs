using System.Collections.Concurrent;
using System.Data.Common;

namespace ProtocolEngine.Storage.Connections;

/// <summary>
/// Where database connection strings come from, and how their secrets are kept out of sight. A command line is
/// visible to every user of the machine (<c>ps</c>), so a connection string given there must not hold a password:
/// a password travels in an environment variable (<c>--pg-env NAME</c>) or a file only its owner can read
/// (<c>--pg-file PATH</c>), or in the database client's own password file (PostgreSQL's ~/.pgpass, PGPASSWORD).
/// Every password read is remembered so that <see cref="MaskSecrets"/> removes it from any message (a driver's
/// exception text included) before it is printed or logged. Hosts (the command line, the server) resolve their
/// settings here so they all read the same variables and files the same way.
/// </summary>
public static class ConnectionSettings
{
    /// <summary>What a password is shown as.</summary>
    public const string Masked = "*****";

    /// <summary>The environment variable a host reads a PostgreSQL connection string from when it is configured by environment (the tests' too).</summary>
    public const string PostgresVariable = "PROTOCOLENGINE_PG";

    /// <summary>The environment variable a host reads a SQL Server connection string from when it is configured by environment.</summary>
    public const string SqlServerVariable = "PROTOCOLENGINE_SQLSERVER";

    private static readonly string[] PasswordKeys = ["password", "pwd"];
    private static readonly ConcurrentDictionary<string, byte> Secrets = new(StringComparer.Ordinal);

    /// <summary>
    /// The database the options name, or null when they name none. Reads the environment variable or file named,
    /// refuses a password given directly, and warns (through <paramref name="warn"/>) about a file other users can read.
    /// </summary>
    /// <exception cref="ArgumentException">The options name more than one database, a password on the command line, an unset variable or an unreadable file; the message says what to do instead.</exception>
    public static DatabaseConnection? Resolve(DatabaseOptions options, Action<string>? warn = null)
    {
        if (options.Count > 1)
            throw new ArgumentException("Name one database: --db PATH, --pg / --pg-env NAME / --pg-file PATH, or --sqlserver / --sqlserver-env NAME / --sqlserver-file PATH.");
        if (options.Sqlite is { } path) return new DatabaseConnection(DatabaseKind.Sqlite, path, "--db");
        if (options.Postgres is { } pg) return Direct(DatabaseKind.Postgres, pg, "--pg");
        if (options.SqlServer is { } ss) return Direct(DatabaseKind.SqlServer, ss, "--sqlserver");
        if (options.PostgresEnvironment is { } pgEnv) return FromEnvironment(DatabaseKind.Postgres, pgEnv, "--pg-env");
        if (options.SqlServerEnvironment is { } ssEnv) return FromEnvironment(DatabaseKind.SqlServer, ssEnv, "--sqlserver-env");
        if (options.PostgresFile is { } pgFile) return FromFile(DatabaseKind.Postgres, pgFile, "--pg-file", warn);
        if (options.SqlServerFile is { } ssFile) return FromFile(DatabaseKind.SqlServer, ssFile, "--sqlserver-file", warn);
        return null;
    }

    /// <summary>A connection string read from the environment variable <paramref name="variable"/>.</summary>
    /// <exception cref="ArgumentException">The variable is unset or empty, or does not hold a connection string.</exception>
    public static DatabaseConnection FromEnvironment(DatabaseKind kind, string variable, string option)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"{option} {variable}: the environment variable {variable} is not set (or is empty); set it to the {Name(kind)} connection string.");
        return Checked(kind, value.Trim(), $"{option} {variable}");
    }

    /// <summary>A connection string read from a file (its first non-empty line).</summary>
    /// <exception cref="ArgumentException">The file is missing, not a regular file, unreadable, or holds no connection string.</exception>
    public static DatabaseConnection FromFile(DatabaseKind kind, string path, string option, Action<string>? warn = null)
    {
        string text;
        try
        {
            if (Runtime.Hosting.OutputFiles.KindOfTarget(path) is var fileKind && fileKind != Runtime.Hosting.PathKind.File)
                throw new ArgumentException($"{option} {path}: it is {Runtime.Hosting.OutputFiles.Describe(fileKind)}, not a file holding a connection string.");
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{option} {path}: the file cannot be read ({ex.Message}).");
        }
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.OtherRead | UnixFileMode.GroupRead)) != 0)
                warn?.Invoke($"{option} {path} can be read by other users ({Octal(mode)}); make it readable only by its owner: chmod 600 {path}");
        }
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
        if (line is null) throw new ArgumentException($"{option} {path}: the file holds no connection string.");
        return Checked(kind, line, $"{option} {path}");
    }

    /// <summary>A connection string with its password replaced by <see cref="Masked"/>; a string that does not parse is masked whole.</summary>
    public static string Mask(string connectionString)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (var key in builder.Keys.Cast<string>().ToList())
                if (IsPasswordKey(key)) builder[key] = Masked;
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return Masked;
        }
    }

    /// <summary>The text with every password read so far replaced by <see cref="Masked"/> (for any message a host prints or logs).</summary>
    public static string MaskSecrets(string text)
    {
        foreach (var secret in Secrets.Keys)
            text = text.Replace(secret, Masked, StringComparison.Ordinal);
        return text;
    }

    private static DatabaseConnection Direct(DatabaseKind kind, string value, string option)
    {
        var connection = Checked(kind, value, option);
        if (PasswordOf(value) is not null)
        {
            var flag = kind == DatabaseKind.Postgres ? "--pg" : "--sqlserver";
            throw new ArgumentException($"{option}: the connection string holds a password, which every user of this machine can read in the process list (ps). " +
                $"Give it in an environment variable ({flag}-env NAME) or in a file only you can read ({flag}-file PATH, chmod 600)" +
                (kind == DatabaseKind.Postgres ? ", or leave the password out and let PostgreSQL find it (PGPASSWORD or ~/.pgpass)." : "."));
        }
        return connection;
    }

    private static DatabaseConnection Checked(DatabaseKind kind, string value, string origin)
    {
        // Remember the password before anything can fail and echo it.
        if (PasswordOf(value) is { Length: > 0 } password) Secrets.TryAdd(password, 0);
        try
        {
            _ = new DbConnectionStringBuilder { ConnectionString = value };
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"{origin}: this is not a {Name(kind)} connection string (expected Key=Value;Key=Value, for example Host=localhost;Database=pe;Username=pe).");
        }
        return new DatabaseConnection(kind, value, origin);
    }

    private static string? PasswordOf(string connectionString)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (string key in builder.Keys)
                if (IsPasswordKey(key)) return builder[key]?.ToString();
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsPasswordKey(string key) => PasswordKeys.Contains(key.Trim(), StringComparer.OrdinalIgnoreCase);

    private static string Name(DatabaseKind kind) => kind == DatabaseKind.Postgres ? "PostgreSQL" : "SQL Server";

    private static string Octal(UnixFileMode mode) => "mode " + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');
}
