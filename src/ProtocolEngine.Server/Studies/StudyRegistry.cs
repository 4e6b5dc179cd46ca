using System.Collections.Concurrent;
using NodaTime;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Server.Hosting;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Protocols;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Safety.Randomization;

namespace ProtocolEngine.Server.Studies;

/// <summary>
/// The studies this process runs, loaded on first use (or at start, to restore every workflow): the protocol version
/// compiled from its stored texts, the data read, the workflow store opened and the protocol's workflows published to
/// it (the same content publishes the same version once, so every process and every restart agrees).
/// </summary>
internal sealed class StudyRegistry(ServerDatabase db, ProtocolService protocols, ServerSigners signers, IClock clock, ILogger<StudyRegistry> logger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<StudyRuntime>>> _studies = new(StringComparer.Ordinal);

    /// <summary>Raised when a study's runtime is ready (the hosted service starts its timer worker).</summary>
    public event Action<StudyRuntime>? StudyLoaded;

    /// <summary>The runtimes loaded so far.</summary>
    public IEnumerable<StudyRuntime> Running => _studies.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result);

    /// <summary>A study's runtime; a 404 problem when there is no such study.</summary>
    public async Task<StudyRuntime> GetAsync(string studyId, CancellationToken ct)
    {
        var lazy = _studies.GetOrAdd(studyId, id => new Lazy<Task<StudyRuntime>>(() => LoadAsync(id)));
        try
        {
            return await lazy.Value.WaitAsync(ct);
        }
        catch (Exception) when (lazy.Value.IsFaulted || lazy.Value.IsCanceled)
        {
            // A failed load is not remembered: the next request tries again (the data may have been fixed).
            _studies.TryRemove(new KeyValuePair<string, Lazy<Task<StudyRuntime>>>(studyId, lazy));
            throw;
        }
    }

    /// <summary>Forgets a study's runtime so the next use loads it again (after its protocol version changed).</summary>
    public void Forget(string studyId) => _studies.TryRemove(studyId, out _);

    private async Task<StudyRuntime> LoadAsync(string studyId)
    {
        var study = await db.Store.GetStudyAsync(studyId) ?? throw new ApiException(ApiErrors.NotFound, $"No study {studyId}.");
        var (version, bundle) = await protocols.GetAsync(study.ProtocolId, CancellationToken.None);
        var data = await StudyDataReader.LoadAsync(study.DataPath, StudyDataReader.ParseEncoding(study.Encoding), CancellationToken.None);
        var store = await db.OpenStudyStoreAsync(studyId, CancellationToken.None);
        var protocol = bundle.Protocol;
        ISubjectRandomizer randomizer = new StudyRandomizer(db.Store, studyId, protocol, data.Data,
            protocol.Randomization?.Seed is { } s ? PermutedBlockRandomizer.SeedFrom(s) : Convert.FromHexString(study.RandomizationSeed), clock);
        var host = new ProtocolRuleHost(protocol, data.Data, clock, randomizer);
        var engine = new WorkflowEngine(store, host, clock, new WorkflowEngineOptions(), signers);
        // The compiler lowered and checked the workflows (a protocol with errors is never published).
        var workflows = protocol.WorkflowDefinitions;
        foreach (var definition in workflows)
        {
            try
            {
                await engine.PublishAsync(definition);
            }
            catch (WorkflowDefinitionException ex)
            {
                logger.LogWarning("Study {Study}: workflow {Workflow} cannot run: {Message}", studyId, definition.Name, ex.Message);
            }
        }
        var sites = (await db.Store.ListSubjectsAsync(studyId)).ToDictionary(x => x.SubjectId, x => x.SiteId, StringComparer.Ordinal);
        var runtime = new StudyRuntime(study, version, bundle, data, store, engine, sites);
        logger.LogInformation("Study {Study} ready: protocol {Protocol} ({Hash}), {Subjects} subjects, {Workflows} workflows", studyId, version.Id, version.ContentHash[..12],
            data.Data.SubjectCount, workflows.Length);
        StudyLoaded?.Invoke(runtime);
        return runtime;
    }
}
