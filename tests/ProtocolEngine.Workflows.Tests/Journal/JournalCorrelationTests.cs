using Microsoft.Data.Sqlite;
using NodaTime;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Journal;

/// <summary>The request that caused a step is named in its journal entries, inside the hash; entries without one hash as before.</summary>
public sealed class JournalCorrelationTests : IDisposable
{
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task EntriesOfAStep_NameTheRequest_AndTheHashCoversIt()
    {
        await _h.PublishAsync(ExampleWorkflows.Recruitment());
        _h.Host.Set("S1", "AGE", "70");
        string id;
        using (WorkflowCorrelation.Begin("request-7"))
            id = await _h.StartSubjectAsync("S1");
        Assert.Null(WorkflowCorrelation.Current);
        var journal = await _h.Store.GetJournalAsync(id);
        Assert.NotEmpty(journal);
        Assert.All(journal, e => Assert.Equal("request-7", e.CorrelationId));
        var inst = await _h.Store.GetInstanceAsync(id);
        Assert.Null(JournalVerifier.Verify(id, journal, inst!.JournalSeq, inst.JournalHead));
        // Taking the request's name off an entry (or putting another on) breaks its hash.
        Assert.NotEqual(journal[0].Hash, JournalHasher.Recompute(journal[0] with { CorrelationId = null }));
        Assert.NotEqual(journal[0].Hash, JournalHasher.Recompute(journal[0] with { CorrelationId = "request-8" }));
        using (var c = new SqliteConnection($"Data Source={_h.Db!.DbPath}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"DROP TRIGGER wf_journal_no_update; UPDATE wf_journal SET correlation_id = 'someone-else' WHERE instance_id = '{id}' AND seq = 1";
            cmd.ExecuteNonQuery();
        }
        var problem = JournalVerifier.Verify(id, await _h.Store.GetJournalAsync(id), inst.JournalSeq, inst.JournalHead);
        Assert.Equal(JournalProblemKind.Edited, problem!.Kind);
        Assert.Equal(1, problem.Sequence);
    }

    [Fact]
    public void AnEntryWithoutARequest_HashesAsEntriesAlwaysDid()
    {
        var at = Instant.FromUtc(2025, 3, 3, 8, 0);
        var entry = JournalHasher.Create("i1", 1, at, "engine", "transition", "A", "B", null, null, "");
        Assert.Null(entry.CorrelationId);
        Assert.Equal(JournalHasher.Canonical("i1", 1, at, "engine", "transition", "A", "B", null, null, ""), JournalHasher.Canonical("i1", 1, at, "engine", "transition", "A", "B", null, null, "", null));
        Assert.Equal("13:pe-journal-v1|2:i1|1:1|13:1740988800000|6:engine|10:transition|1:A|1:B|-|-|0:|",
            JournalHasher.Canonical("i1", 1, at, "engine", "transition", "A", "B", null, null, ""));
        Assert.EndsWith("|0:|5:req-1|", JournalHasher.Canonical("i1", 1, at, "engine", "transition", "A", "B", null, null, "", "req-1"), StringComparison.Ordinal);
    }
}
