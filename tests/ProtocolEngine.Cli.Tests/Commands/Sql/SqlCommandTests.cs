using System.Text.Json;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Cli.Tests.Commands.Sql;

public sealed class SqlCommandTests
{
    private static string Protocol(string name) => Path.Combine(CliRunner.Root, "protocols", name);

    private static string Msg => Path.GetFullPath(Path.Combine(CliRunner.Root, "..", "shared", "data", "datasetjson", "msg", "sdtm"));

    [Theory]
    [InlineData("duckdb", "ROW_NUMBER() OVER (PARTITION BY t")]
    [InlineData("postgres", "COLLATE \"C\"")]
    [InlineData("sqlserver", "ON pe_a1.PE_U = s.[USUBJID]")]
    [InlineData("spark", "`USUBJID`")]
    [InlineData("trino", "ON pe_a1.PE_U = s.\"USUBJID\"")]
    [InlineData("clickhouse", "upperUTF8(")]
    public void Sql_prints_one_query_and_names_the_criteria_not_pushed_down(string dialect, string marker)
    {
        var (code, output, error) = CliRunner.Run("sql", Protocol("cdiscpilot01.protocol"), "--dialect", dialect);
        Assert.True(code == 0, error);
        Assert.StartsWith("-- ProtocolEngine: CDISCPILOT01", output, StringComparison.Ordinal);
        Assert.Contains(marker, output, StringComparison.Ordinal);
        Assert.Contains("AS " + (dialect is "spark" or "clickhouse" ? "`OUTCOME_INCL02`" : dialect == "sqlserver" ? "[OUTCOME_INCL02]" : "\"OUTCOME_INCL02\""), output, StringComparison.Ordinal);
        Assert.Contains($"warning PE4001: Criterion INCL01 cannot be pushed down to {dialect}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("PE4001", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_dialect_is_a_usage_error_listing_the_dialects()
    {
        var (code, output, error) = CliRunner.Run("sql", Protocol("cdiscpilot01.protocol"), "--dialect", "oracle");
        Assert.Equal(2, code);
        Assert.Contains("Unknown dialect 'oracle'; use duckdb, postgres", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_backend_auto_gives_every_subject_the_native_status_and_says_which_criteria_ran_natively()
    {
        var (nativeCode, native, nativeError) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json");
        Assert.True(nativeCode == 0, nativeError);
        var (code, auto, error) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json", "--backend", "auto");
        Assert.True(code == 0, error);
        var expected = Statuses(native);
        var actual = Statuses(auto);
        Assert.True(expected.Count > 0);
        Assert.Equal(expected, actual);
        using var doc = JsonDocument.Parse(auto);
        var decided = doc.RootElement.GetProperty("criteria").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("decidedBy").GetString());
        Assert.Equal("native", decided["INCL01"]);
        Assert.Equal("duckdb", decided["INCL02"]);

        var (textCode, text, _) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--backend", "auto");
        Assert.Equal(0, textCode);
        Assert.Contains("run natively (not pushed down): INCL01", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_backend_duckdb_refuses_a_protocol_it_cannot_push_down_whole_and_names_auto()
    {
        var (code, output, error) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--backend", "duckdb");
        Assert.NotEqual(0, code);
        Assert.Contains("--backend auto", output + error, StringComparison.Ordinal);
        Assert.Contains("PE4001", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_backend_postgres_needs_a_database_and_never_a_password_on_the_command_line()
    {
        var (code, output, error) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--backend", "postgres");
        Assert.Equal(2, code);
        Assert.Contains("--backend postgres needs the database", output + error, StringComparison.Ordinal);
        var (code2, output2, error2) = CliRunner.Run("data", "load", Msg, "--pg", "Host=localhost;Username=pe;Password=secret");
        Assert.Equal(2, code2);
        Assert.Contains("holds a password", output2 + error2, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", output2 + error2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_load_then_screen_backend_auto_in_postgres_gives_the_native_statuses()
    {
        var database = await PostgresServer.NewDatabaseAsync("pe_sql_cli");
        var variable = "PE_SQL_CLI_TEST_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, database);
        try
        {
            var (loadCode, loaded, loadError) = CliRunner.Run("data", "load", Msg, "--pg-env", variable, "--schema", "msg");
            Assert.True(loadCode == 0, loadError);
            Assert.Contains("loaded DM", loaded, StringComparison.Ordinal);
            var (nativeCode, native, _) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json");
            Assert.Equal(0, nativeCode);
            var (code, auto, error) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json",
                "--backend", "auto", "--pg-env", variable, "--schema", "msg");
            Assert.True(code == 0, error);
            Assert.Equal(Statuses(native), Statuses(auto));
            Assert.Contains("\"decidedBy\": \"postgres\"", auto, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private static Dictionary<string, string> Statuses(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("subjects").EnumerateArray()
            .ToDictionary(s => s.GetProperty("usubjid").GetString()!, s => s.GetProperty("status").GetString()!);
    }
}
