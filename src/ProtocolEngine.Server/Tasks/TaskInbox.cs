using ProtocolEngine.Storage.Server;
using ProtocolEngine.Storage.Workflows;

namespace ProtocolEngine.Server.Tasks;

/// <summary>
/// The open and claimed tasks of a study, read from its store and kept in memory: inbox reads (the most frequent request)
/// filter this list instead of querying. A change made in this process is seen at once (it invalidates the list); a
/// change made by another process within <see cref="MaxAge"/>, found by a cheap change stamp.
/// </summary>
internal sealed class TaskInbox(DapperWorkflowStore store)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(250);

    private sealed record Snapshot(IReadOnlyList<ActiveTask> Tasks, (long, long) Stamp, DateTime CheckedAt, long Version);

    private long _versions;

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _snapshot;
    private int _dirty;

    /// <summary>Marks the list stale: the next read reloads it.</summary>
    public void Invalidate() => Interlocked.Exchange(ref _dirty, 1);

    public async Task<IReadOnlyList<ActiveTask>> GetAsync(CancellationToken ct) => (await GetVersionedAsync(ct)).Tasks;

    /// <summary>The tasks and the version of the list they come from (a new version whenever the list was read again with changes).</summary>
    public async Task<(IReadOnlyList<ActiveTask> Tasks, long Version)> GetVersionedAsync(CancellationToken ct)
    {
        var s = _snapshot;
        if (s is not null && Volatile.Read(ref _dirty) == 0)
        {
            // Stale-while-revalidate: one reader looks for other processes' changes in the background, everyone else reads on.
            if (DateTime.UtcNow - s.CheckedAt >= MaxAge && _refresh.Wait(0))
                _ = Task.Run(async () =>
                {
                    try { await RefreshAsync(CancellationToken.None); }
                    catch (Exception) { /* The next read tries again; a read never fails because a background look did. */ }
                    finally { _refresh.Release(); }
                }, CancellationToken.None);
            return (s.Tasks, s.Version);
        }
        await _refresh.WaitAsync(ct);
        try
        {
            return await RefreshAsync(ct);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<(IReadOnlyList<ActiveTask>, long)> RefreshAsync(CancellationToken ct)
    {
        bool dirty = Interlocked.Exchange(ref _dirty, 0) == 1;
        var s = _snapshot;
        var stamp = await WorkflowQueries.ChangeStampAsync(store, ct);
        if (s is not null && !dirty && stamp == s.Stamp)
        {
            _snapshot = s with { CheckedAt = DateTime.UtcNow };
            return (s.Tasks, s.Version);
        }
        var tasks = await WorkflowQueries.ListActiveTasksAsync(store, ct);
        var next = new Snapshot(tasks, stamp, DateTime.UtcNow, Interlocked.Increment(ref _versions));
        _snapshot = next;
        return (tasks, next.Version);
    }
}
