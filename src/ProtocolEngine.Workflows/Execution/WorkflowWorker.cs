using NodaTime;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>
/// The timer loop of a running engine: claims due timers in batches and fires them; when none are due it sleeps until
/// the next one (at most <see cref="PollInterval"/>, so timers created by other nodes are seen quickly).
/// </summary>
/// <param name="engine">The engine.</param>
public sealed class WorkflowWorker(WorkflowEngine engine)
{
    /// <summary>The longest sleep between looks at the waits table.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Timers fired per transaction.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Timers fired since start.</summary>
    public long Fired => Interlocked.Read(ref _fired);

    private long _fired;
    private long _errors;

    /// <summary>The wait after a failed attempt (the database was unreachable, for example).</summary>
    public TimeSpan ErrorBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Failed attempts since start.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The last failure, for health checks.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            int n;
            var sleep = PollInterval;
            try
            {
                n = await engine.RunDueAsync(BatchSize, ct);
                Interlocked.Add(ref _fired, n);
                if (n > 0) continue;
                if (await engine.Store.NextDueAtAsync(ct) is { } next)
                {
                    var until = (next - engine.Clock.GetCurrentInstant()).ToTimeSpan();
                    if (until < sleep) sleep = until < TimeSpan.Zero ? TimeSpan.Zero : until;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A lost connection must not stop the timers for good: note it, back off, try again.
                LastError = ex;
                Interlocked.Increment(ref _errors);
                sleep = ErrorBackoff;
            }
            try
            {
                if (sleep > TimeSpan.Zero) await Task.Delay(sleep, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
