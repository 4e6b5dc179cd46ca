using ProtocolEngine.Server.Events;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Server.Hosting;

/// <summary>
/// Restores every registered study at start (protocol, data, workflow store, published workflows) and runs, until the
/// server stops, each study's timer worker (claims due timers with row locks: several processes share them) and the
/// event worker (takes events from the inbox). Nothing lives only in memory: a restarted server carries on from the database.
/// </summary>
internal sealed class WorkflowHostedService(ServerStore store, StudyRegistry registry, EventService events, ServerOptions options, ServerState state,
    ILogger<WorkflowHostedService> logger) : BackgroundService
{
    private readonly List<Task> _workers = [];
    private CancellationToken _stopping;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        if (options.RunWorkers) registry.StudyLoaded += StartWorker;
        foreach (var s in await store.ListStudiesAsync(stoppingToken))
        {
            try
            {
                await registry.GetAsync(s.Id, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("Study {Study} could not be restored: {Message}", s.Id, ex.Message);
            }
        }
        foreach (var rt in registry.Running) StartWorker(rt);
        state.Restored = true;
        logger.LogInformation("Restored {Count} studies", registry.Running.Count());
        if (!options.RunWorkers) return;
        var eventLoop = events.RunAsync(stoppingToken);
        await eventLoop;
        Task[] all;
        lock (_workers) all = [.. _workers];
        await Task.WhenAll(all);
    }

    private void StartWorker(StudyRuntime study)
    {
        if (!options.RunWorkers || study.Worker is not null) return;
        lock (_workers)
        {
            if (study.Worker is not null) return;
            study.Worker = new WorkflowWorker(study.Engine) { PollInterval = options.WorkerPollInterval, BatchSize = 32 };
            _workers.Add(Task.Run(() => study.Worker.RunAsync(_stopping), CancellationToken.None));
        }
    }
}

/// <summary>What readiness reports: whether the studies were restored.</summary>
internal sealed class ServerState
{
    public volatile bool Restored;
}
