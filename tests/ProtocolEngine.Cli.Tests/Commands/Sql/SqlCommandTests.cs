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
    public void Screen_backend_auto_with_evidence_full_shows_the_database_evidence_and_without_it_none()
    {
        var (code, json, error) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json", "--backend", "auto", "--evidence", "full");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(json);
        var subjects = doc.RootElement.GetProperty("subjects").EnumerateArray().ToList();
        Assert.NotEmpty(subjects);
        foreach (var subject in subjects)
        {
            // INCL02 is decided by DuckDB: its evidence starts with the search of the subject's MH records, as natively.
            var items = subject.GetProperty("evidence").GetProperty("INCL02").EnumerateArray().ToList();
            Assert.Equal("MH", items[0].GetProperty("domain").GetString());
            Assert.True(items[0].TryGetProperty("searched", out _), items[0].ToString());
        }
        var (offCode, off, offError) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json", "--backend", "auto");
        Assert.True(offCode == 0, offError);
        using var offDoc = JsonDocument.Parse(off);
        Assert.All(offDoc.RootElement.GetProperty("subjects").EnumerateArray(), s => Assert.False(s.TryGetProperty("evidence", out _)));
    }

    [Fact]
    public void Explain_backend_auto_shows_the_values_the_database_read_as_native_explain_does()
    {
        // MSG: a subject whose screening lab (EXCL28, First of a sorted query) and history (INCL02) were read.
        string[] common = ["--data", Msg, "--as-of", "2024-06-01", "--subject"];
        var (jsonCode, json, jsonError) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json");
        Assert.True(jsonCode == 0, jsonError);
        using var doc = JsonDocument.Parse(json);
        var subject = doc.RootElement.GetProperty("subjects")[0].GetProperty("usubjid").GetString()!;
        foreach (var criterion in new[] { "INCL02", "EXCL28" })
        {
            var (nativeCode, native, nativeError) = CliRunner.Run(["explain", Protocol("cdiscpilot01.protocol"), .. common, subject, "--criterion", criterion]);
            Assert.True(nativeCode == 0, nativeError);
            var (code, database, error) = CliRunner.Run(["explain", Protocol("cdiscpilot01.protocol"), .. common, subject, "--criterion", criterion, "--backend", "auto"]);
            Assert.True(code == 0, error);
            Assert.Contains($"{criterion} (", database, StringComparison.Ordinal);
            Assert.Contains("decided by duckdb", database, StringComparison.Ordinal);
            Assert.DoesNotContain("INCL01 (", database, StringComparison.Ordinal);
            // The values read and the searches are the native explanation's lines.
            var lines = native.Split('\n').Where(l => l.StartsWith("    ", StringComparison.Ordinal) && l.Contains(" = ", StringComparison.Ordinal) || l.StartsWith("  searched", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(lines);
            Assert.All(lines, l => Assert.Contains(l, database, StringComparison.Ordinal));
        }
        var (unknownCode, unknown, unknownError) = CliRunner.Run(["explain", Protocol("cdiscpilot01.protocol"), .. common, subject, "--criterion", "EXCL99", "--backend", "auto"]);
        Assert.Equal(2, unknownCode);
        Assert.Contains("Criterion EXCL99 is not in protocol CDISCPILOT01; its criteria: INCL01", unknown + unknownError, StringComparison.Ordinal);
        var (noneCode, none, noneError) = CliRunner.Run(["explain", Protocol("cdiscpilot01.protocol"), .. common, "NO-SUCH-SUBJECT", "--backend", "auto"]);
        Assert.Equal(2, noneCode);
        Assert.Contains("NO-SUCH-SUBJECT", none + noneError, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_backend_duckdb_for_one_criterion_needs_only_that_criterion_pushed_down()
    {
        // EXCL28 is pushed down; INCL01 (DurationBetween) and others are not: asking about EXCL28 alone runs them natively
        // for the status, says so, and warns about no other criterion; asking about INCL01 names why it cannot.
        string[] common = ["--data", Msg, "--as-of", "2024-06-01", "--backend", "duckdb", "--subject"];
        var (jsonCode, json, jsonError) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json");
        Assert.True(jsonCode == 0, jsonError);
        using var doc = JsonDocument.Parse(json);
        var first = doc.RootElement.GetProperty("subjects")[0];
        var subject = first.GetProperty("usubjid").GetString()!;
        var (code, output, error) = CliRunner.Run(["explain", Protocol("cdiscpilot01.protocol"), .. common, subject, "--criterion", "EXCL28"]);
        Assert.True(code == 0, error);
        Assert.Contains("decided by duckdb", output, StringComparison.Ordinal);
        Assert.Contains($"Subject {subject}: {first.GetProperty("status").GetString()} (screened by duckdb; ", output, StringComparison.Ordinal);
        Assert.Contains("criteria it cannot decide run natively", output, StringComparison.Ordinal);
        Assert.DoesNotContain("PE4001", output + error, StringComparison.Ordinal);
        var (refusedCode, refused, refusedError) = CliRunner.Run(["explain", Protocol("cdiscpilot01.protocol"), .. common, subject, "--criterion", "INCL01"]);
        Assert.Equal(2, refusedCode);
        Assert.Contains("Criterion INCL01 cannot be pushed down to duckdb: in definition Age", refused + refusedError, StringComparison.Ordinal);
        Assert.Contains("--backend auto or native", refused + refusedError, StringComparison.Ordinal);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(refusedError, "PE4001"));
        // A criterion the protocol lacks is named as such, not as a protocol the database cannot take whole.
        var (unknownCode, unknown, unknownError) = CliRunner.Run(["explain", Protocol("cdiscpilot01.protocol"), .. common, subject, "--criterion", "EXCL99"]);
        Assert.Equal(2, unknownCode);
        Assert.Contains("Criterion EXCL99 is not in protocol CDISCPILOT01; its criteria: INCL01", unknown + unknownError, StringComparison.Ordinal);
        Assert.DoesNotContain("PE4001", unknownError, StringComparison.Ordinal);
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

    /// <summary>The two-shard cluster tests/run starts (.ci/start-clickhouse.sh), named by PROTOCOLENGINE_CH.</summary>
    private const string ClickHouseVariable = "PROTOCOLENGINE_CH";

    [Fact]
    public void Data_load_then_screen_backend_auto_on_the_clickhouse_cluster_gives_the_native_statuses_and_prints_what_runs()
    {
        Assert.False(string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ClickHouseVariable)), $"{ClickHouseVariable} is not set: tests/run starts the ClickHouse cluster.");
        var database = "pe_cli_" + Guid.NewGuid().ToString("N")[..8];
        var (loadCode, loaded, loadError) = CliRunner.Run("data", "load", Msg, "--ch-env", ClickHouseVariable, "--schema", database);
        Assert.True(loadCode == 0, loadError);
        Assert.Matches(@"loaded DM: [\d,]+ records \([1-9][\d,]* \+ [1-9][\d,]* on the shards\)", loaded);
        var (nativeCode, native, _) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json");
        Assert.Equal(0, nativeCode);
        var (code, auto, error) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json",
            "--backend", "auto", "--ch-env", ClickHouseVariable, "--schema", database);
        Assert.True(code == 0, error);
        Assert.Equal(Statuses(native), Statuses(auto));
        Assert.Contains("\"decidedBy\": \"clickhouse\"", auto, StringComparison.Ordinal);
        Assert.Contains("\"decidedBy\": \"native\"", auto, StringComparison.Ordinal);

        // The query printed against the cluster's own tables is the one that runs: it carries its settings.
        var (sqlCode, sql, sqlError) = CliRunner.Run("sql", Protocol("cdiscpilot01.protocol"), "--dialect", "clickhouse", "--ch-env", ClickHouseVariable, "--schema", database);
        Assert.True(sqlCode == 0, sqlError);
        Assert.Contains($"FROM `{database}`.`PE_SUBJECT`", sql, StringComparison.Ordinal);
        Assert.EndsWith("SETTINGS join_use_nulls = 1, distributed_product_mode = 'local'\n", sql, StringComparison.Ordinal);

        // A database without the study is a clear error, not an empty result.
        var (emptyCode, _, emptyError) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--backend", "clickhouse", "--ch-env", ClickHouseVariable, "--schema", database + "_none");
        Assert.Equal(2, emptyCode);
        Assert.Contains("has no PE_SUBJECT table: load the study first", emptyError, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_and_screen_on_the_clickhouse_cluster_show_the_values_it_read_as_native_explain_does()
    {
        Assert.False(string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ClickHouseVariable)), $"{ClickHouseVariable} is not set: tests/run starts the ClickHouse cluster.");
        var database = "pe_cli_" + Guid.NewGuid().ToString("N")[..8];
        var (loadCode, _, loadError) = CliRunner.Run("data", "load", Msg, "--ch-env", ClickHouseVariable, "--schema", database);
        Assert.True(loadCode == 0, loadError);
        string[] cluster = ["--backend", "auto", "--ch-env", ClickHouseVariable, "--schema", database];
        string[] common = ["--data", Msg, "--as-of", "2024-06-01", "--subject"];
        // MSG's first subject: its screening labs (EXCL28, First of a sorted query) and history (INCL02) were read.
        const string subject = "CDISC001";
        foreach (var criterion in new[] { "INCL02", "EXCL28" })
        {
            var (nativeCode, native, nativeError) = CliRunner.Run(["explain", Protocol("cdiscpilot01.protocol"), .. common, subject, "--criterion", criterion]);
            Assert.True(nativeCode == 0, nativeError);
            var (code, database2, error) = CliRunner.Run(["explain", Protocol("cdiscpilot01.protocol"), .. common, subject, "--criterion", criterion, .. cluster]);
            Assert.True(code == 0, error);
            Assert.Contains("decided by clickhouse", database2, StringComparison.Ordinal);
            Assert.DoesNotContain("not returned by", database2, StringComparison.Ordinal);
            var lines = native.Split('\n').Where(l => l.StartsWith("    ", StringComparison.Ordinal) && l.Contains(" = ", StringComparison.Ordinal) || l.StartsWith("  searched", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(lines);
            Assert.All(lines, l => Assert.Contains(l, database2, StringComparison.Ordinal));
        }

        // A shape whose evidence is not pushed down says why, for that criterion only.
        var aggregates = Path.Combine(CliRunner.Root, "tests", "ProtocolEngine.Sql.Tests", "Baselines", "Aggregates", "main.protocol");
        var (gapCode, gap, gapError) = CliRunner.Run(["explain", aggregates, .. common, subject, .. cluster]);
        Assert.True(gapCode == 0, gapError);
        Assert.Contains("values read: not returned by clickhouse (the subject's DM record read inside a query's filter)", gap, StringComparison.Ordinal);
        Assert.Contains("values read: not returned by clickhouse (a query inside another query's filter)", gap, StringComparison.Ordinal);
        Assert.Contains("searched MH:", gap, StringComparison.Ordinal);

        // screen --evidence full: every subject's evidence in the JSON, INCL02's starting with the search of its MH records.
        var (screenCode, json, screenError) = CliRunner.Run(["screen", Protocol("cdiscpilot01.protocol"), "--data", Msg, "--as-of", "2024-06-01", "--format", "json", "--evidence", "full", .. cluster]);
        Assert.True(screenCode == 0, screenError);
        using var doc = JsonDocument.Parse(json);
        var subjects = doc.RootElement.GetProperty("subjects").EnumerateArray().ToList();
        Assert.NotEmpty(subjects);
        foreach (var s in subjects)
        {
            var items = s.GetProperty("evidence").GetProperty("INCL02").EnumerateArray().ToList();
            Assert.Equal("MH", items[0].GetProperty("domain").GetString());
            Assert.True(items[0].TryGetProperty("searched", out _), items[0].ToString());
        }
    }

    [Fact]
    public void An_unreachable_clickhouse_cluster_is_a_clear_error_and_a_password_on_the_command_line_is_refused()
    {
        // A port nothing listens on (bound and released here).
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var unreachable = $"Host=127.0.0.1;Port={port};Username=pe;Cluster=pe_cluster;ShardPorts={port},{port}";
        var (code, output, error) = CliRunner.Run("data", "load", Msg, "--ch", unreachable, "--schema", "never");
        Assert.Equal(2, code);
        Assert.Contains($"Cannot connect to ClickHouse (--ch): cannot reach ClickHouse at 127.0.0.1:{port}", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("Internal error", output + error, StringComparison.Ordinal);
        var (screenCode, _, screenError) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--backend", "clickhouse", "--ch", unreachable);
        Assert.Equal(2, screenCode);
        Assert.Contains("Cannot connect to ClickHouse", screenError, StringComparison.Ordinal);

        var (pwCode, pwOutput, pwError) = CliRunner.Run("data", "load", Msg, "--ch", unreachable + ";Password=hunter2secret");
        Assert.Equal(2, pwCode);
        Assert.Contains("holds a password", pwOutput + pwError, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2secret", pwOutput + pwError, StringComparison.Ordinal);

        var (badCode, badOutput, badError) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--backend", "clickhouse");
        Assert.Equal(2, badCode);
        Assert.Contains("--backend clickhouse needs the cluster", badOutput + badError, StringComparison.Ordinal);
        var (noEnvCode, _, noEnvError) = CliRunner.Run("screen", Protocol("cdiscpilot01.protocol"), "--backend", "clickhouse", "--ch-env", "PE_NO_SUCH_VARIABLE_19");
        Assert.Equal(2, noEnvCode);
        Assert.Contains("PE_NO_SUCH_VARIABLE_19 is not set", noEnvError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clickhouse_load_that_fails_on_a_shard_leaves_no_table_behind()
    {
        Assert.False(string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ClickHouseVariable)), $"{ClickHouseVariable} is not set: tests/run starts the ClickHouse cluster.");
        using var cluster = ProtocolEngine.Sql.Backends.ClickHouseCluster.Parse(Environment.GetEnvironmentVariable(ClickHouseVariable)!);
        // The second shard named by a port nothing listens on: the first shard's staging table is made, then the second refuses.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var text = Environment.GetEnvironmentVariable(ClickHouseVariable)!;
        var broken = System.Text.RegularExpressions.Regex.Replace(text, @"ShardPorts=(\d+),\d+", m => $"ShardPorts={m.Groups[1].Value},{port}");
        var variable = "PE_CH_BROKEN_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, broken);
        try
        {
            var database = "pe_broken_" + Guid.NewGuid().ToString("N")[..8];
            var (code, output, error) = CliRunner.Run("data", "load", Msg, "--ch-env", variable, "--schema", database);
            Assert.Equal(2, code);
            Assert.Contains("ClickHouse refused the load", error, StringComparison.Ordinal);
            Assert.Contains("nothing was replaced", error, StringComparison.Ordinal);
            Assert.Equal("", cluster.ExecuteOn(0, $"SELECT name FROM system.tables WHERE database = '{database}'").Trim());
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
