using NodaTime;
using ProtocolEngine.Storage.Schema;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Storage;

/// <summary>The stores' list queries: a limit is the database's (LIMIT, or OFFSET ... FETCH on SQL Server), and a cancelled token stops the query.</summary>
public sealed class StoreQueryTests : IDisposable
{
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task StartSubjectsAsync(int count)
    {
        await _h.PublishAsync(ExampleWorkflows.Recruitment());
        for (int i = 1; i <= count; i++)
        {
            _h.Host.Set($"S{i}", "AGE", "70");
            using (WorkflowCorrelation.Begin($"request-{i}")) await _h.StartSubjectAsync($"S{i}");
            _h.Clock.AdvanceTo(_h.Clock.GetCurrentInstant() + Duration.FromMinutes(1));
        }
    }

    [Fact]
    public async Task ALimitedList_IsTheFirstRowsOfTheWholeList_InTheSameOrder()
    {
        await StartSubjectsAsync(4);
        var all = await _h.Store.ListTasksAsync();
        Assert.True(all.Count >= 3, $"the recruitment workflow opens tasks ({all.Count})");
        Assert.Equal(all.Take(2).Select(t => t.Id), (await _h.Store.ListTasksAsync(limit: 2)).Select(t => t.Id));

        var journal = await _h.Store.GetJournalSinceAsync(Instant.MinValue);
        Assert.Equal(journal.Take(3).Select(e => (e.InstanceId, e.Sequence)), (await _h.Store.GetJournalPageAsync(Instant.MinValue, 3)).Select(e => (e.InstanceId, e.Sequence)));
    }

    [Fact]
    public async Task AJournalPage_OfOneRequest_HoldsOnlyTheEntriesThatRequestCaused()
    {
        await StartSubjectsAsync(3);
        var caused = (await _h.Store.GetJournalSinceAsync(Instant.MinValue)).Where(e => e.CorrelationId == "request-2").ToList();
        Assert.NotEmpty(caused);
        var page = await _h.Store.GetJournalPageAsync(Instant.MinValue, 1_000, "request-2");
        Assert.Equal(caused.Select(e => (e.InstanceId, e.Sequence)), page.Select(e => (e.InstanceId, e.Sequence)));
        Assert.Empty(await _h.Store.GetJournalPageAsync(Instant.MinValue, 1_000, "no-such-request"));
    }

    [Fact]
    public async Task ACancelledToken_StopsTheQuery()
    {
        await StartSubjectsAsync(1);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _h.Store.ListTasksAsync(ct: cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _h.Store.GetJournalPageAsync(Instant.MinValue, 10, ct: cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _h.Store.ListInstancesAsync(ct: cancelled.Token));
    }

    [Theory]
    [InlineData("sqlite", " LIMIT @limit")]
    [InlineData("postgres", " LIMIT @limit")]
    [InlineData("sqlserver", " OFFSET 0 ROWS FETCH NEXT @limit ROWS ONLY")]
    public void EveryDialect_LimitsRowsInTheDatabase(string dialect, string expected)
    {
        SqlDialect d = dialect switch { "sqlite" => new SqliteDialect(), "postgres" => new PostgresDialect(), _ => new SqlServerDialect() };
        Assert.Equal(expected, d.FirstRows);
    }
}
