using System.Text.Json;
using Microsoft.Data.Sqlite;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Cli.Tests;

/// <summary>
/// One rule, one hash: for one subject, the rule hash of a criterion is the same string in <c>screen --format json</c>,
/// <c>explain</c>, the HTML report, the IE output and the workflow journal; and it changes when, and only when, the
/// criterion's text changes.
/// </summary>
public sealed class RuleHashIdentityTests : IDisposable
{
    private const string Subject = "01-701-1015";

    private const string Protocol = """
        protocol HASHES version "1"
          data SDTM "3.4"

        // The age limit is what this test edits.
        criteria
          inclusion INCL01 "Aged 70 or more."
            phase prescreen
            DM.AGE >= 70

          inclusion INCL02 "Sex recorded."
            phase prescreen
            DM.SEX in {'M', 'F'}

        workflow Recruitment per subject
          state Identified initial
          state Prescreening on entry evaluate criteria phase prescreen
          state Eligible final
          state ScreenFailed final
          state Review final
          Identified   -> Prescreening
          Prescreening -> Eligible     when criteria phase prescreen met
          Prescreening -> ScreenFailed when criteria phase prescreen not met
          Prescreening -> Review       when criteria phase prescreen unknown or attested
        """;

    private const string Scenario = """
        {
          "start": "2025-03-03T08:00:00Z",
          "events": [{ "at": "t0", "type": "subjectCreated", "subject": "01-701-1015" }],
          "until": "t0+1d",
          "expect": { "01-701-1015": { "Recruitment": "ScreenFailed" } }
        }
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pe-hash-" + Guid.NewGuid().ToString("N"));

    public RuleHashIdentityTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static string Data => Path.Combine(CliRunner.Root, "..", "shared", "data", "sdtm", "cdiscpilot01");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (string Protocol, string Subject) JsonHashes(string protocol)
    {
        var (code, output, error) = CliRunner.Run("screen", protocol, "--data", Data, "--encoding", "windows-1252", "--as-of", "2025-03-03", "--format", "json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var declared = json.RootElement.GetProperty("criteria").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "INCL01").GetProperty("hash").GetString()!;
        var subject = json.RootElement.GetProperty("subjects").EnumerateArray().Single(s => s.GetProperty("usubjid").GetString() == Subject)
            .GetProperty("criteria").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "INCL01").GetProperty("hash").GetString()!;
        return (declared, subject);
    }

    [Fact]
    public void One_criterion_prints_one_hash_everywhere()
    {
        var protocol = Write("hashes.protocol", Protocol);
        var (declared, hash) = JsonHashes(protocol);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(declared, hash);

        var (code, output, error) = CliRunner.Run("explain", protocol, "--data", Data, "--encoding", "windows-1252", "--subject", Subject, "--as-of", "2025-03-03");
        Assert.True(code == 0, error);
        Assert.Contains("INCL01 (inclusion): NotMet", output);
        Assert.Contains("rule hash " + hash + ":", output);

        var html = Path.Combine(_dir, "report.html");
        var ie = Path.Combine(_dir, "ie");
        (code, _, error) = CliRunner.Run("screen", protocol, "--data", Data, "--encoding", "windows-1252", "--as-of", "2025-03-03", "--out", html, "--ie", ie);
        Assert.True(code == 0, error);
        Assert.Contains("<code>" + hash + "</code>", File.ReadAllText(html));
        var table = StudyLoader.ReadFile(Path.Combine(ie, "ie.xpt"), DataFileFormat.Xpt).Single();
        var subjects = (TextColumn)table.GetColumn("USUBJID")!;
        var tests = (TextColumn)table.GetColumn("IETESTCD")!;
        var ids = (TextColumn)table.GetColumn("IESPID")!;
        var row = Enumerable.Range(0, table.RowCount).Single(r => subjects.GetString(r) == Subject && tests.GetString(r) == "INCL01");
        Assert.Equal(hash, ids.GetString(row));

        var db = Path.Combine(_dir, "sim.db");
        (code, output, error) = CliRunner.Run("simulate", protocol, "--scenario", Write("scenario.json", Scenario), "--data", Data, "--encoding", "windows-1252", "--db", db);
        Assert.True(code == 0, output + error);
        var journaled = JournalHashes(db, Subject);
        Assert.Contains(hash, journaled["criteria-evaluated"]);
        Assert.Contains(hash, journaled["transition"]);
    }

    [Fact]
    public void The_hash_changes_when_and_only_when_the_criterions_text_changes()
    {
        var (before, _) = JsonHashes(Write("a.protocol", Protocol));
        string Hash(string name, string text) => JsonHashes(Write(name, text)).Subject;

        Assert.NotEqual(before, Hash("edited.protocol", Protocol.Replace("DM.AGE >= 70", "DM.AGE >= 71", StringComparison.Ordinal)));
        Assert.Equal(before, Hash("other-rule.protocol", Protocol.Replace("{'M', 'F'}", "{'M', 'F', 'U'}", StringComparison.Ordinal)));
        Assert.Equal(before, Hash("comment.protocol", Protocol.Replace("what this test edits", "what the test changes", StringComparison.Ordinal)));
        Assert.Equal(before, Hash("layout.protocol", Protocol.Replace("    DM.AGE >= 70\n", "    DM.AGE >= 70   \n\n\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal)));
    }

    private static Dictionary<string, List<string>> JournalHashes(string db, string key)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT j.action, j.rule_hashes FROM wf_journal j JOIN wf_instances i ON i.id = j.instance_id WHERE i.correlation_key = $key AND j.rule_hashes IS NOT NULL";
        cmd.Parameters.AddWithValue("$key", key);
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            if (!result.TryGetValue(reader.GetString(0), out var list)) result[reader.GetString(0)] = list = [];
            list.AddRange(reader.GetString(1).Split(','));
        }
        return result;
    }
}
