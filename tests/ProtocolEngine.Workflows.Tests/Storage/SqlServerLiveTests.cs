using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Storage;

/// <summary>Runs only where PROTOCOLENGINE_SQLSERVER names a SQL Server (none can run on this machine); skipped, visibly, elsewhere.</summary>
public sealed class SqlServerFactAttribute : FactAttribute
{
    public SqlServerFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("PROTOCOLENGINE_SQLSERVER")))
            Skip = "PROTOCOLENGINE_SQLSERVER is not set: no SQL Server to test against.";
    }
}

public sealed class SqlServerLiveTests
{
    [SqlServerFact]
    public async Task TheRecruitmentWorkflow_RunsOnSqlServer()
    {
        var store = new SqlServerWorkflowStore(Environment.GetEnvironmentVariable("PROTOCOLENGINE_SQLSERVER")!);
        await store.MigrateAsync();
        await store.MigrateAsync();
        using var h = new Harness(store);
        await h.PublishAsync(ExampleWorkflows.Recruitment());
        var subject = "SS-" + Guid.NewGuid().ToString("N")[..8];
        h.Host.Set(subject, "AGE", "70");
        h.Host.Set(subject, "MMSE", "12");
        h.Host.Set(subject, "INCL07", "Y");
        var id = await h.StartSubjectAsync(subject);
        var task = await h.OpenTaskAsync(id, "ObtainConsent");
        var claims = await Task.WhenAll(
            Task.Run(() => h.Engine.ClaimTaskAsync(task.Id, Harness.Investigator, task.RowVersion)),
            Task.Run(() => h.Engine.ClaimTaskAsync(task.Id, Harness.Investigator2, task.RowVersion)));
        Assert.Single(claims, c => c.Accepted);
        var user = claims.Single(c => c.Accepted).Message.Contains("inv1", StringComparison.Ordinal) ? Harness.Investigator : Harness.Investigator2;
        await h.AdvanceAsync(NodaTime.Duration.FromDays(8));
        var r = await h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, user, "completed", "signed", new SignatureInput("authorship", user.UserId + "-secret")));
        Assert.Equal("Enrolled", r.State);
        var inst = await h.Store.GetInstanceAsync(id);
        Assert.Null(JournalVerifier.Verify(id, await h.Store.GetJournalAsync(id), inst!.JournalSeq, inst.JournalHead));
    }
}
