using Microsoft.Data.Sqlite;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Journal;

public sealed class JournalVerifierTests : IDisposable
{
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task<string> RunAsync()
    {
        await _h.PublishAsync(ExampleWorkflows.Recruitment());
        _h.Host.Set("S1", "AGE", "70");
        return await _h.StartSubjectAsync("S1");
    }

    private void Exec(string sql)
    {
        using var c = new SqliteConnection($"Data Source={_h.Db!.DbPath}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private async Task<JournalProblem?> VerifyAsync(string id)
    {
        var inst = await _h.Store.GetInstanceAsync(id);
        return JournalVerifier.Verify(id, await _h.Store.GetJournalAsync(id), inst!.JournalSeq, inst.JournalHead);
    }

    [Fact]
    public async Task TheDatabase_RefusesUpdatesAndDeletesOfTheJournal()
    {
        var id = await RunAsync();
        Assert.Contains("append-only", Assert.Throws<SqliteException>(() => Exec($"UPDATE wf_journal SET actor = 'mallory' WHERE instance_id = '{id}'")).Message);
        Assert.Contains("append-only", Assert.Throws<SqliteException>(() => Exec($"DELETE FROM wf_journal WHERE instance_id = '{id}'")).Message);
        Assert.Null(await VerifyAsync(id));
    }

    [Fact]
    public async Task AnEditedEntry_IsNamed()
    {
        var id = await RunAsync();
        Exec("DROP TRIGGER wf_journal_no_update");
        Exec($"UPDATE wf_journal SET new_value = 'ScreenFailed' WHERE instance_id = '{id}' AND seq = 3");
        var p = await VerifyAsync(id);
        Assert.Equal((3L, JournalProblemKind.Edited), (p!.Sequence, p.Kind));
    }

    [Fact]
    public async Task ARemovedEntry_IsNamed()
    {
        var id = await RunAsync();
        Exec("DROP TRIGGER wf_journal_no_delete");
        Exec($"DELETE FROM wf_journal WHERE instance_id = '{id}' AND seq = 2");
        var p = await VerifyAsync(id);
        Assert.Equal((2L, JournalProblemKind.Missing), (p!.Sequence, p.Kind));
    }

    [Fact]
    public async Task ARemovedLastEntry_IsNamed()
    {
        var id = await RunAsync();
        var last = (await _h.Store.GetInstanceAsync(id))!.JournalSeq;
        Exec("DROP TRIGGER wf_journal_no_delete");
        Exec($"DELETE FROM wf_journal WHERE instance_id = '{id}' AND seq = {last}");
        var p = await VerifyAsync(id);
        Assert.Equal((last, JournalProblemKind.Missing), (p!.Sequence, p.Kind));
    }

    [Fact]
    public async Task ReorderedEntries_AreNamed()
    {
        var id = await RunAsync();
        Exec("DROP TRIGGER wf_journal_no_update");
        // Swap entries 2 and 3 including their sequence numbers, so each row still matches its own hash.
        Exec($"UPDATE wf_journal SET seq = -1 WHERE instance_id = '{id}' AND seq = 2");
        Exec($"UPDATE wf_journal SET seq = 2 WHERE instance_id = '{id}' AND seq = 3");
        Exec($"UPDATE wf_journal SET seq = 3 WHERE instance_id = '{id}' AND seq = -1");
        var p = await VerifyAsync(id);
        Assert.Equal((2L, JournalProblemKind.Reordered), (p!.Sequence, p.Kind));
        Assert.Contains("written as entry 3", p.Message);
    }
}

public sealed class SignatureVerificationTests : IDisposable
{
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task<string> SignedAsync()
    {
        await _h.PublishAsync(ExampleWorkflows.Recruitment());
        _h.Host.Set("S1", "AGE", "70");
        var id = await _h.StartSubjectAsync("S1");
        var task = await _h.OpenTaskAsync(id, "ObtainConsent");
        var r = await _h.Engine.CompleteTaskAsync(new ProtocolEngine.Workflows.Execution.CompleteTaskRequest(task.Id, Harness.Investigator, "completed", "Consent signed",
            new ProtocolEngine.Workflows.Execution.SignatureInput("authorship", "inv1-secret")));
        Assert.True(r.Accepted, r.Message);
        return id;
    }

    private void Exec(string sql)
    {
        using var c = new SqliteConnection($"Data Source={_h.Db!.DbPath}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public async Task AnUntouchedSignature_Verifies()
    {
        await SignedAsync();
        var result = await JournalAudit.VerifyAsync(_h.Store);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task ChangingTheSignedReason_BreaksTheSignature()
    {
        await SignedAsync();
        Exec("UPDATE wf_tasks SET reason = 'Consent not signed' WHERE name = 'ObtainConsent'");
        var p = Assert.Single((await JournalAudit.VerifyAsync(_h.Store)).Problems);
        Assert.Equal(JournalProblemKind.SignatureInvalid, p.Kind);
        Assert.Contains("no longer matches the record Dr. Ada Lovelace signed", p.Message);
    }

    [Fact]
    public async Task ChangingTheSignatureMeaning_BreaksTheSignature()
    {
        await SignedAsync();
        Exec("UPDATE wf_signatures SET meaning = 'approval'");
        var p = Assert.Single((await JournalAudit.VerifyAsync(_h.Store)).Problems);
        Assert.Contains("was altered", p.Message);
    }
}
