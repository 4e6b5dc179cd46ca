using NodaTime;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Persistence;
using ProtocolEngine.Workflows.Signatures;
using ProtocolEngine.Workflows.Simulation;
using ProtocolEngine.Language.Workflows;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Workflows.Tests.Support;

/// <summary>An engine on a real SQLite file with a virtual clock, the subject rule host and a signer directory.</summary>
public sealed class Harness : IDisposable
{
    public static readonly Instant T0 = Instant.FromUtc(2025, 3, 3, 8, 0);

    public static readonly WorkflowActor Investigator = new("inv1", ["Investigator"]);
    public static readonly WorkflowActor Investigator2 = new("inv2", ["Investigator"]);
    public static readonly WorkflowActor SafetyPhysician = new("doc1", ["SafetyPhysician"]);

    public Harness(IWorkflowStore? store = null)
    {
        if (store is null) { Db = new TempSqlite(); store = Db.Store; }
        Clock = new VirtualClock(T0);
        Host = new SubjectRuleHost();
        Signers = new Pbkdf2SignerDirectory(iterations: 1_000);
        Signers.Register("inv1", "Dr. Ada Lovelace", "inv1-secret");
        Signers.Register("inv2", "Dr. Alan Turing", "inv2-secret");
        Signers.Register("doc1", "Dr. Grace Hopper", "doc1-secret");
        Engine = new WorkflowEngine(store, Host, Clock, new WorkflowEngineOptions(), Signers);
    }

    public TempSqlite? Db { get; }
    public VirtualClock Clock { get; }
    public SubjectRuleHost Host { get; }
    public Pbkdf2SignerDirectory Signers { get; }
    public WorkflowEngine Engine { get; }
    public IWorkflowStore Store => Engine.Store;

    public async Task PublishAsync(params WorkflowDefinition[] defs)
    {
        foreach (var d in defs)
        {
            await Engine.PublishAsync(d);
            Host.Use(d);
        }
    }

    /// <summary>Moves the virtual clock, firing every timer due on the way at its due time.</summary>
    public async Task AdvanceAsync(Duration by)
    {
        var until = Clock.GetCurrentInstant() + by;
        while (await Store.NextDueAtAsync() is { } next && next <= until)
        {
            Clock.AdvanceTo(next);
            while (await Engine.RunDueAsync() > 0) { }
        }
        Clock.AdvanceTo(until);
    }

    public async Task<InstanceRecord> InstanceAsync(string workflow, string key) =>
        (await Store.ListInstancesAsync(workflow)).Single(i => i.CorrelationKey == key);

    public async Task<TaskRecord> OpenTaskAsync(string instanceId, string name) =>
        (await Store.ListTasksAsync(instanceId)).Single(t => t.Name == name && t.Status is TaskStatus.Open or TaskStatus.Claimed);

    public async Task<string> StartSubjectAsync(string subject)
    {
        var r = await Engine.PublishEventAsync(new WorkflowEvent(StandardEvents.SubjectCreated, subject));
        return r.Started.Single();
    }

    public void Dispose() => Db?.Dispose();
}
