using ProtocolEngine.Storage.Connections;
using ProtocolEngine.Storage.Workflows;

namespace ProtocolEngine.Workflows.Tests.Storage;

/// <summary>
/// Connection strings with passwords never travel on the command line (visible in ps): --pg with a password is
/// refused with the alternatives, the environment variable and file settings are read, a file others can read is
/// warned about, and no password is ever printed, even in a driver's error.
/// </summary>
public sealed class ConnectionSettingsTests
{
    [Fact]
    public void APasswordOnTheCommandLine_IsRefused_NamingTheAlternatives()
    {
        var ex = Assert.Throws<ArgumentException>(() => ConnectionSettings.Resolve(new DatabaseOptions(Postgres: "Host=db;Username=pe;Password=hunter22")));
        Assert.Contains("--pg-env NAME", ex.Message);
        Assert.Contains("--pg-file PATH", ex.Message);
        Assert.DoesNotContain("hunter22", ex.Message);
        var sql = Assert.Throws<ArgumentException>(() => ConnectionSettings.Resolve(new DatabaseOptions(SqlServer: "Server=db;User Id=pe;PWD=hunter22")));
        Assert.Contains("--sqlserver-env NAME", sql.Message);
    }

    [Fact]
    public void AStringWithoutAPassword_IsAccepted()
    {
        var c = ConnectionSettings.Resolve(new DatabaseOptions(Postgres: "Host=db;Username=pe;Database=pe"))!;
        Assert.Equal(DatabaseKind.Postgres, c.Kind);
        Assert.Equal("--pg", c.Origin);
    }

    [Fact]
    public void TheEnvironmentVariable_IsRead_AndAnUnsetOneNamed()
    {
        var name = "PE_TEST_PG_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(name, "Host=db;Username=pe;Password=s3cret-env");
        try
        {
            var c = ConnectionSettings.Resolve(new DatabaseOptions(PostgresEnvironment: name))!;
            Assert.Contains("s3cret-env", c.ConnectionString);
            Assert.DoesNotContain("s3cret-env", c.Display);
            Assert.Contains(ConnectionSettings.Masked, c.Description);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
        var ex = Assert.Throws<ArgumentException>(() => ConnectionSettings.Resolve(new DatabaseOptions(PostgresEnvironment: name)));
        Assert.Contains($"the environment variable {name} is not set", ex.Message);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void AFileOthersCanRead_IsWarnedAbout_AndAPrivateOneIsNot()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("pe-secret-").FullName, "pg.conf");
        File.WriteAllText(path, "# the test database\nHost=db;Username=pe;Password=s3cret-file\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var warnings = new List<string>();
        var c = ConnectionSettings.Resolve(new DatabaseOptions(PostgresFile: path), warnings.Add)!;
        Assert.Contains("s3cret-file", c.ConnectionString);
        var warning = Assert.Single(warnings);
        Assert.Contains("chmod 600", warning);
        Assert.Contains("mode 644", warning);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        warnings.Clear();
        ConnectionSettings.Resolve(new DatabaseOptions(PostgresFile: path), warnings.Add);
        Assert.Empty(warnings);
    }

    [Fact]
    public void TwoDatabases_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => ConnectionSettings.Resolve(new DatabaseOptions(Sqlite: "a.db", PostgresEnvironment: "X")));
    }

    [Fact]
    public async Task AConnectionError_NamesTheDatabase_WithThePasswordMasked()
    {
        var name = "PE_TEST_PG_" + Guid.NewGuid().ToString("N")[..8];
        // Port 1 on loopback: nothing listens, the driver fails at once.
        Environment.SetEnvironmentVariable(name, "Host=127.0.0.1;Port=1;Username=pe;Password=hunter22-masked;Timeout=3");
        try
        {
            var c = ConnectionSettings.Resolve(new DatabaseOptions(PostgresEnvironment: name))!;
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => WorkflowStores.OpenExistingAsync(c));
            Assert.DoesNotContain("hunter22-masked", ex.Message);
            Assert.Contains("password=*****", ex.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"--pg-env {name}", ex.Message);
            // Whatever a driver echoes, the password read is masked before it is shown.
            Assert.Equal("login failed for *****", ConnectionSettings.MaskSecrets("login failed for hunter22-masked"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
