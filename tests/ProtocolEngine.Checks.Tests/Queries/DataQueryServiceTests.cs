using ProtocolEngine.Checks.Queries;
using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Persistence;

namespace ProtocolEngine.Checks.Tests.Queries;

/// <summary>A data query's life on the real workflow runtime and a real SQLite store: opened, answered, sent back, closed with the fix, journaled.</summary>
public sealed class DataQueryServiceTests : IDisposable
{
    private static readonly CheckRunOptions Options = new() { AsOf = CqlDateTime.ParseIso("2015-01-01") };
    private readonly string _folder = Paths.NewTempFolder();
    private readonly SqliteWorkflowStore _store;
    private readonly DataQueryService _queries;

    private static readonly Lazy<CompiledProtocol> Protocol = new(() => Protocols.Text("""
        protocol Q version "1"
          data SDTM "3.4"

        check SER "Serious when hospitalised"
          for each AE A where A.AESHOSP = 'Y'
          expect A.AESER = 'Y'
          message "AESER is {A.AESER} for {A.AETERM}"
          query to DataManager
        check TERM "AE term present (no query)"
          for each AE A
          expect A.AETERM is not null
        """));

    public DataQueryServiceTests()
    {
        _store = new SqliteWorkflowStore(Path.Combine(_folder, "queries.db"));
        _store.MigrateAsync().GetAwaiter().GetResult();
        _queries = new DataQueryService(DataQueryService.CreateEngine(_store));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private Task<QuerySyncResult> RunAsync(string aeser, string aehosp = "Y")
    {
        var study = RecordText.Study($"""
            DM USUBJID=S1
            AE USUBJID=S1 AESEQ=1 AETERM=FALL AESHOSP={aehosp} AESER={aeser}
            AE USUBJID=S1 AESEQ=2 AESHOSP=N AESER=N
            """);
        var report = CheckRunner.Run(Protocol.Value, study, Options);
        return _queries.SyncAsync(Protocol.Value, study, report, Options, actor: "dm-run");
    }

    [Fact]
    public async Task A_query_opens_for_the_role_is_answered_sent_back_and_closed_with_the_evidence_of_the_fix()
    {
        // A finding of a check routed to DataManager opens a query; the check without a route opens none.
        var first = await RunAsync("N");
        Assert.Equal(1, first.Opened);
        var query = Assert.Single(await _queries.ListAsync());
        Assert.Equal(("DataManager", "SER", "AE", "S1", "AESEQ=1", "Open"), (query.Role, query.CheckId, query.Dataset, query.SubjectId, query.RecordKey, query.State));
        Assert.Equal("AESER is N for FALL", query.Message);
        var task = await _store.GetTaskAsync(query.TaskId!);
        Assert.Equal(["DataManager"], task!.CandidateRoles);

        // The same run again opens nothing new.
        var again = await RunAsync("N");
        Assert.Equal((0, 0, 1), (again.Opened, again.Closed, again.StillOpen));

        // The data manager answers; the next run still sees the finding and sends the query back.
        var answer = await _queries.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, new WorkflowActor("dm1", ["DataManager"]), "corrected", "Asked the site to correct AESER"));
        Assert.True(answer.Accepted, answer.Message);
        Assert.Equal("Answered", Assert.Single(await _queries.ListAsync()).State);
        var back = await RunAsync("N");
        Assert.Equal(1, back.Reopened);
        var reopened = Assert.Single(await _queries.ListAsync());
        Assert.Equal("Open", reopened.State);
        Assert.NotEqual(task.Id, reopened.TaskId);

        // The data are corrected: the next run closes the query with the values that show the fix.
        var fixedRun = await RunAsync("Y");
        Assert.Equal(1, fixedRun.Closed);
        Assert.Empty(await _queries.ListAsync());
        var closed = Assert.Single(await _queries.ListAsync(includeClosed: true));
        Assert.Equal("Closed", closed.State);

        var journal = await _store.GetJournalAsync(closed.Id);
        var actions = journal.Select(j => j.Action).ToList();
        Assert.Equal("instance-started", actions[0]);
        Assert.Contains("task-completed", actions);
        Assert.Contains("instance-completed", actions);
        var resolved = journal.Single(j => j.Action == "event-received" && j.NewValue == DataQueryWorkflow.Resolved);
        Assert.Contains("AESER = Y", resolved.Detail, StringComparison.Ordinal);
        Assert.Equal("dm-run", resolved.Actor);
        Assert.Contains(journal, j => j.Action == "event-received" && j.NewValue == DataQueryWorkflow.Persists);
        Assert.Empty((await JournalAudit.VerifyAsync(_store)).Problems);
    }

    [Fact]
    public async Task A_finding_that_comes_back_after_its_query_closed_opens_a_new_query()
    {
        await RunAsync("N");
        await RunAsync("Y");
        var again = await RunAsync("N");
        Assert.Equal(1, again.Opened);
        var all = await _queries.ListAsync(includeClosed: true);
        Assert.Equal(["Open", "Closed"], all.Select(q => q.State));
    }

    [Fact]
    public async Task A_rule_that_no_longer_applies_closes_the_query_and_a_record_that_cannot_be_evaluated_keeps_it_open()
    {
        await RunAsync("N");
        var unknown = await RunAsync("");
        Assert.Equal(0, unknown.Closed);
        Assert.Contains("cannot be evaluated", Assert.Single(unknown.Unchanged).Reason, StringComparison.Ordinal);
        var outOfScope = await RunAsync("N", aehosp: "N");
        Assert.Equal(1, outOfScope.Closed);
    }

    [Fact]
    public async Task Queries_need_every_finding_listed()
    {
        var study = RecordText.Study("DM USUBJID=S1\nAE USUBJID=S1 AESEQ=1 AETERM=A AESHOSP=Y AESER=N\nAE USUBJID=S1 AESEQ=2 AETERM=B AESHOSP=Y AESER=N");
        var report = CheckRunner.Run(Protocol.Value, study, new CheckRunOptions { AsOf = Options.AsOf, DetailLimit = 1 });
        await Assert.ThrowsAsync<ArgumentException>(() => _queries.SyncAsync(Protocol.Value, study, report, Options));
    }
}
