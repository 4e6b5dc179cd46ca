using Microsoft.Data.Sqlite;
using ProtocolEngine.Cli;
using Spectre.Console;

namespace ProtocolEngine.Cli.Tests.Workflows;

public sealed class WorkflowCommandsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pe-cli-wf-" + Guid.NewGuid().ToString("N"));

    public WorkflowCommandsTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static string Scenarios => Path.Combine(FindRoot(), "tests", "ProtocolEngine.Workflows.Tests", "Scenarios");

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(d!.FullName, "ProtocolEngine.sln"))) d = d.Parent;
        return d.FullName;
    }

    private static (int Exit, string Output) Run(params string[] args)
    {
        var (exit, output, error) = CliRunner.RunAt(240, args);
        return (exit, output + error);
    }

    [Fact]
    public void Simulate_PrintsTheTimelineAndFinalStates_AndJournalVerifyPassesThenFailsAfterAnEdit()
    {
        var db = Path.Combine(_dir, "sim.db");
        var (exit, output) = Run("simulate", Path.Combine(Scenarios, "language-examples.workflow.json"), "--scenario", Path.Combine(Scenarios, "sae-clock.json"), "--db", db);
        Assert.True(exit == 0, output);
        Assert.Contains("clock FatalSUSAR deadline MISSED", output);
        Assert.Contains("DeadlineMissed", output);
        Assert.Contains("Every expectation met.", output);

        (exit, output) = Run("journal", "verify", "--db", db);
        Assert.True(exit == 0, output);
        Assert.Contains("Journal intact: 3 instances", output);

        using (var c = new SqliteConnection($"Data Source={db}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DROP TRIGGER wf_journal_no_update; UPDATE wf_journal SET actor = 'mallory' WHERE action = 'task-signed'";
            cmd.ExecuteNonQuery();
        }
        (exit, output) = Run("journal", "verify", "--db", db);
        Assert.Equal(1, exit);
        Assert.Matches(@"journal entry \d+ \(task-signed\) was\s+edited", output.Replace("│", " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Simulate_CompilesAProtocol_AndRunsItsWorkflows()
    {
        var (exit, output) = Run("simulate", Path.Combine(Scenarios, "language-examples.protocol"), "--scenario", Path.Combine(Scenarios, "unknown-review.json"));
        Assert.True(exit == 0, output);
        Assert.Contains("Prescreening -> Review", output);
        Assert.Contains("Screening -> Enrolled", output);
        Assert.Contains("Every expectation met.", output);
    }

    [Fact]
    public void Simulate_WithStudyData_DecidesByTheProtocolsOwnCriteria()
    {
        var data = Path.Combine(FindRoot(), "..", "shared", "data", "sdtm", "cdiscpilot01");
        var (exit, output) = Run("simulate", Path.Combine(FindRoot(), "protocols", "example.protocol"), "--scenario", Path.Combine(Scenarios, "pilot-data.json"), "--data", data, "--encoding", "windows-1252");
        Assert.True(exit == 0, output);
        var text = output.Replace("│", " ", StringComparison.Ordinal);
        // Each decision names the criterion behind it; a subject the data does not hold goes to a person.
        Assert.Matches(@"criteria phase prescreen: \w+", text);
        Assert.Matches(@"NOT-IN-STUDY\s+Recruitment\s+Review", text);
        Assert.Contains("is not in the study data", text);
        // 01-701-1023 passes the prescreen; after consent, Screening asks every criterion: CDISCPILOT01 has no QS
        // dataset, so the MMSE criterion INCL03 is Unknown (never NotMet) and INCL07 awaits the investigator: Review.
        Assert.Matches(@"INCL03\s+Unknown", text);
        Assert.Matches(@"01-701-1023\s+Recruitment\s+Review\s+running", text);
        Assert.DoesNotContain("Problem:", text);
    }

    [Fact]
    public void Simulate_ExitsWithFindings_WhenAnExpectationIsNotMet()
    {
        var scenario = File.ReadAllText(Path.Combine(Scenarios, "missed-consent.json")).Replace("\"ConsentPending\"", "\"Enrolled\"", StringComparison.Ordinal);
        var path = Path.Combine(_dir, "wrong.json");
        File.WriteAllText(path, scenario);
        var (exit, output) = Run("simulate", Path.Combine(Scenarios, "language-examples.workflow.json"), "--scenario", path);
        Assert.Equal(1, exit);
        Assert.Contains("ended in ConsentPending", output);
    }

    [Fact]
    public void BadInputs_AreUsageErrors()
    {
        Assert.Equal(2, Run("journal", "verify", "--db", Path.Combine(_dir, "missing.db")).Exit);
        Assert.Equal(2, Run("journal", "verify").Exit);
        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, "{ \"events\": [ { \"at\": \"soon\" } ] }");
        Assert.Equal(2, Run("simulate", Path.Combine(Scenarios, "language-examples.workflow.json"), "--scenario", bad).Exit);
        Assert.Equal(2, Run("simulate", Path.Combine(_dir, "x.protocol"), "--scenario", Path.Combine(Scenarios, "eligible-enrolled.json")).Exit);
    }
}
