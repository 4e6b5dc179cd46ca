using System.Globalization;
using System.Text.Json;
using NodaTime;
using ProtocolEngine.Checks.Results;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Persistence;

namespace ProtocolEngine.Checks.Queries;

/// <summary>A data query as people see it: the finding it follows, where it is, and its open task.</summary>
/// <param name="Id">The workflow instance id.</param>
/// <param name="Role">The role it is routed to.</param>
/// <param name="CheckId">The check whose finding opened it.</param>
/// <param name="Dataset">The finding's dataset.</param>
/// <param name="SubjectId">The finding's subject.</param>
/// <param name="RecordKey">The finding's record key.</param>
/// <param name="State">Open, Answered or Closed.</param>
/// <param name="Message">The finding's message when the query opened.</param>
/// <param name="OpenedAt">When it opened.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="TaskId">The open task of its role, when it waits for an answer.</param>
public sealed record DataQuery(string Id, string Role, string CheckId, string? Dataset, string? SubjectId, string RecordKey, string State,
    string? Message, Instant OpenedAt, Instant UpdatedAt, string? TaskId);

/// <summary>What reconciling a run with the query store did.</summary>
/// <param name="Opened">Queries opened for new findings.</param>
/// <param name="Reopened">Answered queries sent back to their role because the finding is still there.</param>
/// <param name="Closed">Queries closed because the finding no longer holds (with the evidence of the fix).</param>
/// <param name="StillOpen">Open queries whose finding is still there and that wait for their role.</param>
/// <param name="Unchanged">Open queries the run could not decide, with why.</param>
public sealed record QuerySyncResult(int Opened, int Reopened, int Closed, int StillOpen, IReadOnlyList<UnchangedQuery> Unchanged)
{
    /// <summary>Writes what the run did to the queries, a line, then up to <paramref name="listed"/> queries it could not decide, with why.</summary>
    public void WriteSummary(TextWriter writer, int listed = 20)
    {
        writer.WriteLine($"Data queries: {Opened} opened, {Closed} closed, {Reopened} sent back, {StillOpen} still open, {Unchanged.Count} not decided by this run.");
        foreach (var u in Unchanged.Take(listed)) writer.WriteLine($"  {u.Query.CheckId} {u.Query.SubjectId} {u.Query.RecordKey}: {u.Reason}");
    }
}

/// <summary>
/// Data queries on the workflow runtime: a finding of a check routed with <c>query to Role</c> opens an instance
/// of <see cref="DataQueryWorkflow"/> for that role (its task goes to the role), carrying the finding and its
/// evidence as instance values; a later run closes it with the evidence of the fix, or sends an answered one back.
/// Everything a query goes through is in the instance's hash-chained journal. Works on any workflow store
/// (SQLite, PostgreSQL, SQL Server) and alongside the protocol's own workflows in the same database.
/// </summary>
public sealed class DataQueryService
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly WorkflowEngine _engine;

    /// <summary>Creates the service over an engine (see <see cref="CreateEngine"/>).</summary>
    public DataQueryService(WorkflowEngine engine) => _engine = engine;

    /// <summary>An engine for data queries over a store (their workflows need no rule host).</summary>
    public static WorkflowEngine CreateEngine(IWorkflowStore store, IClock? clock = null) => new(store, new NoRulesHost(), clock ?? SystemClock.Instance);

    /// <summary>The engine the queries run on (to answer their tasks: <see cref="WorkflowEngine.CompleteTaskAsync"/>).</summary>
    public WorkflowEngine Engine => _engine;

    /// <summary>The data queries in the store, open ones first; closed ones only when asked.</summary>
    public async Task<IReadOnlyList<DataQuery>> ListAsync(bool includeClosed = false, CancellationToken ct = default)
    {
        var result = new List<DataQuery>();
        foreach (var inst in await QueryInstancesAsync(ct))
        {
            if (!includeClosed && inst.Status != InstanceStatus.Running) continue;
            var (checkId, dataset, subject, recordKey) = ParseKey(inst.CorrelationKey);
            var task = (await _engine.Store.ListTasksAsync(inst.Id, ct: ct)).FirstOrDefault(t => t.Status is Workflows.Persistence.TaskStatus.Open or Workflows.Persistence.TaskStatus.Claimed);
            result.Add(new DataQuery(inst.Id, inst.Workflow[DataQueryWorkflow.Prefix.Length..], checkId, dataset, subject, recordKey, inst.State,
                ValueOf(inst, "message"), inst.CreatedAt, inst.UpdatedAt, task?.Id));
        }
        return [.. result.OrderBy(q => q.State == "Closed").ThenBy(q => q.OpenedAt).ThenBy(q => q.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Reconciles a run of the checks with the store: opens queries for new findings, sends answered queries whose
    /// finding is still there back to their role, closes those whose finding no longer holds (see <see cref="QueryPlanner"/>).
    /// </summary>
    /// <param name="protocol">The compiled protocol the run used.</param>
    /// <param name="study">The study the run read.</param>
    /// <param name="report">The run's report, with every failure listed (no detail limit).</param>
    /// <param name="options">"Now" and limits for evaluating records again.</param>
    /// <param name="actor">Who ran the checks, for the journal.</param>
    /// <param name="ct">Cancels between queries.</param>
    /// <exception cref="ArgumentException">The report lists only some failures of a check routed to a role.</exception>
    public async Task<QuerySyncResult> SyncAsync(CompiledProtocol protocol, StudyData study, ValidationReport report, CheckRunOptions? options = null,
        string actor = "checks", CancellationToken ct = default)
    {
        if (report.Checks.FirstOrDefault(c => c.QueryTo is not null && c.Failures.Count < c.Failed) is { } partial)
            throw new ArgumentException($"The report lists {partial.Failures.Count} of {partial.Failed} findings of {partial.Id}; queries need every finding (run without a detail limit).", nameof(report));
        foreach (var role in report.Checks.Select(c => c.QueryTo).OfType<string>().Distinct(StringComparer.Ordinal))
            await _engine.PublishAsync(DataQueryWorkflow.For(role), ct);

        var instances = await QueryInstancesAsync(ct);
        var open = instances.Where(i => i.Status == InstanceStatus.Running).Select(i =>
        {
            var (checkId, dataset, subject, recordKey) = ParseKey(i.CorrelationKey);
            return new OpenQuery(i.Id, checkId, dataset, subject, recordKey, i.State == "Answered");
        }).ToList();
        var plan = QueryPlanner.Plan(protocol, study, report, open, options);
        var keyOf = instances.ToDictionary(i => i.Id, i => i.CorrelationKey, StringComparer.Ordinal);
        var checks = report.Checks.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var runAt = report.GeneratedAt.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);

        int opened = 0;
        foreach (var finding in plan.ToOpen)
        {
            ct.ThrowIfCancellationRequested();
            var check = checks[finding.CheckId];
            int occurrence = 1 + instances.Count(i => BaseKey(i.CorrelationKey) == finding.Key);
            var values = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["check"] = finding.CheckId,
                ["checkTitle"] = check.Title,
                ["checkHash"] = finding.CheckHash,
                ["severity"] = finding.Severity.ToString().ToLowerInvariant(),
                ["message"] = finding.Message,
                ["dataset"] = finding.Dataset ?? "",
                ["subject"] = finding.SubjectId ?? "",
                ["recordKey"] = finding.RecordKey,
                ["values"] = string.Join("; ", finding.Values.Select(v => $"{v.Variable} = {v.Value}")),
                ["evidence"] = EvidenceJson(finding.Evidence),
                ["protocol"] = report.Protocol,
                ["protocolHash"] = report.ProtocolHash,
                ["dataSource"] = report.DataSource ?? "",
                ["foundAt"] = runAt,
            };
            var start = await _engine.StartAsync(new StartRequest(DataQueryWorkflow.NameFor(check.QueryTo!), finding.SubjectId ?? "(study)",
                $"{finding.Key}#{occurrence}", values, IdempotencyKey: $"open:{finding.Key}#{occurrence}"), actor, ct);
            if (start.Accepted) opened++;
        }

        int reopened = 0;
        foreach (var p in plan.Persisting.Where(p => p.Query.Answered))
        {
            ct.ThrowIfCancellationRequested();
            await _engine.PublishEventAsync(new WorkflowEvent(DataQueryWorkflow.Persists, keyOf[p.Query.QueryId], new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["message"] = p.Finding.Message,
                ["values"] = string.Join("; ", p.Finding.Values.Select(v => $"{v.Variable} = {v.Value}")),
                ["checkHash"] = p.Finding.CheckHash,
                ["protocolHash"] = report.ProtocolHash,
                ["checkedAt"] = runAt,
            }, Actor: actor), ct);
            reopened++;
        }

        int closed = 0;
        foreach (var c in plan.ToClose)
        {
            ct.ThrowIfCancellationRequested();
            var result = await _engine.PublishEventAsync(new WorkflowEvent(DataQueryWorkflow.Resolved, keyOf[c.Query.QueryId], new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["outcome"] = c.Fix.Outcome.ToString(),
                ["explanation"] = c.Fix.Explanation,
                ["message"] = c.Fix.Message ?? "",
                ["values"] = string.Join("; ", c.Fix.Values.Select(v => $"{v.Variable} = {v.Value}")),
                ["evidence"] = EvidenceJson(c.Fix.Evidence),
                ["checkHash"] = checks.TryGetValue(c.Query.CheckId, out var check) ? check.Hash : "",
                ["protocolHash"] = report.ProtocolHash,
                ["checkedAt"] = runAt,
            }, IdempotencyKey: "resolve:" + c.Query.QueryId, Actor: actor), ct);
            if (result.Delivered.Count > 0 || result.Replayed) closed++;
        }
        return new QuerySyncResult(opened, reopened, closed, plan.Persisting.Count - reopened, plan.Unchanged);
    }

    /// <summary>
    /// Evaluates one query's check again for the record its finding named (a person asked for it, after a fix): the
    /// query closes with the evidence of the fix when the finding no longer holds, and an answered query whose finding
    /// still holds goes back to its role. Returns what the check says now.
    /// </summary>
    /// <param name="protocol">The compiled protocol.</param>
    /// <param name="study">The study as it is now.</param>
    /// <param name="queryId">The query (its workflow instance id).</param>
    /// <param name="options">"Now" and limits.</param>
    /// <param name="actor">Who asked, for the journal.</param>
    /// <param name="ct">Cancels.</param>
    /// <exception cref="ArgumentException">There is no such query.</exception>
    public async Task<RecheckResult> RecheckAsync(CompiledProtocol protocol, StudyData study, string queryId, CheckRunOptions? options = null,
        string actor = "checks", CancellationToken ct = default)
    {
        var inst = await _engine.Store.GetInstanceAsync(queryId, ct);
        if (inst is null || !inst.Workflow.StartsWith(DataQueryWorkflow.Prefix, StringComparison.Ordinal)) throw new ArgumentException($"There is no data query {queryId}.", nameof(queryId));
        var (checkId, dataset, subject, recordKey) = ParseKey(inst.CorrelationKey);
        var result = Rechecker.Recheck(protocol, study, checkId, dataset, subject, recordKey, options);
        if (inst.Status != InstanceStatus.Running) return result;
        var runAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);
        var checkHash = protocol.Checks.FirstOrDefault(c => c.Id == checkId)?.Hash ?? "";
        if (result.Resolved)
        {
            await _engine.PublishEventAsync(new WorkflowEvent(DataQueryWorkflow.Resolved, inst.CorrelationKey, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["outcome"] = result.Outcome.ToString(),
                ["explanation"] = result.Explanation,
                ["message"] = result.Message ?? "",
                ["values"] = string.Join("; ", result.Values.Select(v => $"{v.Variable} = {v.Value}")),
                ["evidence"] = EvidenceJson(result.Evidence),
                ["checkHash"] = checkHash,
                ["protocolHash"] = protocol.ContentHash,
                ["checkedAt"] = runAt,
            }, Actor: actor), ct);
        }
        else if (result.Outcome == RecheckOutcome.Fails && inst.State == "Answered")
        {
            await _engine.PublishEventAsync(new WorkflowEvent(DataQueryWorkflow.Persists, inst.CorrelationKey, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["message"] = result.Message ?? "",
                ["values"] = string.Join("; ", result.Values.Select(v => $"{v.Variable} = {v.Value}")),
                ["checkHash"] = checkHash,
                ["protocolHash"] = protocol.ContentHash,
                ["checkedAt"] = runAt,
            }, Actor: actor), ct);
        }
        return result;
    }

    /// <summary>
    /// Closes a query by a person's decision (the finding is accepted as it is, or was settled outside the data), with
    /// the reason; journaled like a close by a re-run. False when the query is not open.
    /// </summary>
    public async Task<bool> CloseAsync(string queryId, string reason, string actor, CancellationToken ct = default)
    {
        var inst = await _engine.Store.GetInstanceAsync(queryId, ct);
        if (inst is null || !inst.Workflow.StartsWith(DataQueryWorkflow.Prefix, StringComparison.Ordinal) || inst.Status != InstanceStatus.Running) return false;
        var result = await _engine.PublishEventAsync(new WorkflowEvent(DataQueryWorkflow.Resolved, inst.CorrelationKey, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["outcome"] = "ClosedByPerson",
            ["explanation"] = reason,
            ["closedBy"] = actor,
        }, Actor: actor), ct);
        return result.Delivered.Count > 0;
    }

    private async Task<List<InstanceRecord>> QueryInstancesAsync(CancellationToken ct)
    {
        // The data-query workflows (one per role) are few; the store reads only their instances, not every subject's.
        var names = (await _engine.Store.ListDefinitionsAsync(ct)).Select(d => d.Name)
            .Where(n => n.StartsWith(DataQueryWorkflow.Prefix, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var result = new List<InstanceRecord>();
        foreach (var name in names) result.AddRange(await _engine.Store.ListInstancesAsync(name, ct));
        result.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return result;
    }

    private static string BaseKey(string correlationKey)
    {
        int hash = correlationKey.LastIndexOf('#');
        return hash < 0 ? correlationKey : correlationKey[..hash];
    }

    private static (string CheckId, string? Dataset, string? SubjectId, string RecordKey) ParseKey(string correlationKey)
    {
        var parts = BaseKey(correlationKey).Split('|', 4);
        string? Null(string s) => s.Length == 0 ? null : s;
        return parts.Length == 4 ? (parts[0], Null(parts[1]), Null(parts[2]), parts[3]) : (correlationKey, null, null, "");
    }

    private static string? ValueOf(InstanceRecord inst, string name)
    {
        if (string.IsNullOrEmpty(inst.Data)) return null;
        using var doc = JsonDocument.Parse(inst.Data);
        return doc.RootElement.TryGetProperty("values", out var values) && values.TryGetProperty(name, out var v) ? v.GetString() : null;
    }

    private static string EvidenceJson(IReadOnlyList<EvidenceItem> evidence) =>
        JsonSerializer.Serialize(evidence.Select(e => new
        {
            kind = e.Kind.ToString(),
            domain = e.Domain,
            subject = e.SubjectId,
            seq = e.Sequence,
            variable = e.Variable,
            value = Runtime.Values.CqlFormatter.Display(e.Value),
        }), Json);
}
