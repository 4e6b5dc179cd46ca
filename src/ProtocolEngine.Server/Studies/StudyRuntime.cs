using ProtocolEngine.Checks.Queries;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Server.Protocols;
using ProtocolEngine.Server.Tasks;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Server.Studies;

/// <summary>
/// A registered study as it runs in this process: its protocol version compiled, its data loaded, its workflow store and
/// engine (the protocol's rules decide; the journal records), its data queries, the site of each subject and the cached
/// task inbox.
/// </summary>
internal sealed class StudyRuntime(StudyRecord study, ProtocolVersionRecord version, CompiledBundle protocol, LoadedStudy data, DapperWorkflowStore store,
    WorkflowEngine engine, IReadOnlyDictionary<string, string?> sites)
{
    public StudyRecord Study { get; } = study;

    public string Id => Study.Id;

    public ProtocolVersionRecord Version { get; } = version;

    public CompiledProtocol Protocol { get; } = protocol.Protocol;

    public LoadedStudy Data { get; } = data;

    public DapperWorkflowStore Store { get; } = store;

    public WorkflowEngine Engine { get; } = engine;

    public DataQueryService Queries { get; } = new(engine);

    public TaskInbox Inbox { get; } = new(store);

    /// <summary>The subjects and their sites (DM.SITEID).</summary>
    public IReadOnlyDictionary<string, string?> Sites { get; } = sites;

    public bool HasSubject(string subjectId) => Sites.ContainsKey(subjectId);

    public string? SiteOf(string subjectId) => Sites.TryGetValue(subjectId, out var s) ? s : null;

    /// <summary>The timer worker of this study's engine (started by the hosted service).</summary>
    public WorkflowWorker? Worker { get; set; }
}
