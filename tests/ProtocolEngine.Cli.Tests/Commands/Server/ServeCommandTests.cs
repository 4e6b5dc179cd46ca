using System.Net;
using System.Net.Sockets;

namespace ProtocolEngine.Cli.Tests.Commands.Server;

/// <summary>protocol serve: its help documents every option; it refuses to start, with one clear sentence and exit code 2, on a bad data folder, a port in use or missing configuration.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public void Help_DocumentsEveryOption()
    {
        var (code, output, _) = CliRunner.Run("serve", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--data-dir", "--urls", "--pg-env", "--pg-file", "--demo", "--protocols", "--pilot-data", "--synthetic", "--idle-timeout",
                     "--jwt-issuer", "--jwt-audience", "--jwt-key-file", "--static", "--log-format" })
            Assert.Contains(option, output);
        var settings = typeof(ProtocolEngine.Cli.Commands.Server.ServeCommand.Settings).GetProperties()
            .Select(p => p.GetCustomAttributes(typeof(Spectre.Console.Cli.CommandOptionAttribute), false).Cast<Spectre.Console.Cli.CommandOptionAttribute>().SingleOrDefault())
            .OfType<Spectre.Console.Cli.CommandOptionAttribute>().SelectMany(a => a.LongNames).ToList();
        Assert.All(settings, name => Assert.Contains("--" + name, output));
        Assert.Contains("never a password on the command line", output);
    }

    [Fact]
    public void ADataFolderThatIsAFile_IsRefused()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (code, _, error) = CliRunner.Run("serve", "--data-dir", file, "--urls", "http://127.0.0.1:" + FreePort());
            Assert.Equal(2, code);
            Assert.Contains($"The data folder {file} is a file", error);
            Assert.DoesNotContain("   at ", error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ADataFolderThatCannotBeCreated_IsRefused()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (code, _, error) = CliRunner.Run("serve", "--data-dir", Path.Combine(file, "data"), "--urls", "http://127.0.0.1:" + FreePort());
            Assert.Equal(2, code);
            Assert.Contains("cannot be used", error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void APortInUse_IsRefused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var dir = Path.Combine(Path.GetTempPath(), "pe-serve-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, _, error) = CliRunner.Run("serve", "--data-dir", dir, "--urls", $"http://127.0.0.1:{port}");
            Assert.Equal(2, code);
            Assert.Contains($"Port {port} on 127.0.0.1 is in use", error);
        }
        finally
        {
            listener.Stop();
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void MissingConfiguration_IsRefused()
    {
        var (code, _, error) = CliRunner.Run("serve", "--pg-env", "PROTOCOLENGINE_TEST_SURELY_UNSET", "--urls", "http://127.0.0.1:" + FreePort());
        Assert.Equal(2, code);
        Assert.Contains("the environment variable PROTOCOLENGINE_TEST_SURELY_UNSET is not set", error);
        (code, _, error) = CliRunner.Run("serve", "--pg-file", "/nonexistent/pg.conf");
        Assert.Equal(2, code);
        Assert.Contains("--pg-file /nonexistent/pg.conf: no such file", error);
        (code, var output, error) = CliRunner.Run("serve", "--jwt-issuer", "https://idp.example");
        Assert.Equal(2, code);
        Assert.Contains("--jwt-audience", output + error);
        (code, _, error) = CliRunner.Run("serve", "--urls", "ftp://somewhere");
        Assert.Equal(2, code);
        Assert.Contains("is not an http or https URL", error);
    }

    [Fact]
    public void AnUnreachablePostgres_IsRefused_WithoutItsPassword()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, $"Host=127.0.0.1;Port={FreePort()};Username=nobody;Password=s3cret-do-not-print;Database=none;Timeout=3");
        var dir = Path.Combine(Path.GetTempPath(), "pe-serve-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = CliRunner.Run("serve", "--pg-file", file, "--data-dir", dir, "--urls", "http://127.0.0.1:" + FreePort());
            Assert.Equal(2, code);
            Assert.Contains("cannot be reached", error);
            Assert.DoesNotContain("s3cret-do-not-print", output + error);
        }
        finally
        {
            File.Delete(file);
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
