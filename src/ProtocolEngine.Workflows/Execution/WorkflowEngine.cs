using System.Collections.Concurrent;
using NodaTime;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Persistence;
using ProtocolEngine.Workflows.Signatures;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>
/// The durable workflow runtime. Every command and every timer is one step in one transaction that writes the
/// instance, its journal entries, its outbox messages and its waits together. Commands carry idempotency keys.
/// Thread-safe; several engines (processes) may share one PostgreSQL or SQL Server database.
/// </summary>
public sealed class WorkflowEngine
{
    private readonly ConcurrentDictionary<string, WorkflowDefinition> _definitions = new(StringComparer.Ordinal);
    // The newest published versions, re-read now and then (see LatestPublishedAsync). Requests on many threads read it:
    // one immutable snapshot behind a reference (read and written whole), and a generation that PublishAsync bumps so that
    // a read which started before a publish never serves its older list afterwards.
    private PublishedSnapshot? _published;
    private long _publishedGeneration;

    private sealed record PublishedSnapshot(long ReadAtMs, long Generation, IReadOnlyList<DefinitionRecord> List);

    /// <summary>Creates an engine.</summary>
    /// <param name="store">Where everything is kept.</param>
    /// <param name="host">Rule evaluation (criteria, conditions, randomisation).</param>
    /// <param name="clock">The clock: the system clock, or a virtual one for simulation.</param>
    /// <param name="options">Settings.</param>
    /// <param name="signers">Re-authentication for electronic signatures.</param>
    public WorkflowEngine(IWorkflowStore store, IWorkflowRuleHost host, IClock clock, WorkflowEngineOptions? options = null, ISignerAuthenticator? signers = null)
    {
        Store = store;
        Host = host;
        Clock = clock;
        Options = options ?? new WorkflowEngineOptions();
        Signers = signers;
    }

    /// <summary>The store.</summary>
    public IWorkflowStore Store { get; }
    /// <summary>The rule host.</summary>
    public IWorkflowRuleHost Host { get; }
    /// <summary>The clock.</summary>
    public IClock Clock { get; }
    /// <summary>The settings.</summary>
    public WorkflowEngineOptions Options { get; }
    /// <summary>The signer directory, if signatures are enabled.</summary>
    public ISignerAuthenticator? Signers { get; }

    // ---------------------------------------------------------------------------------------------
    // Definitions
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Saves a definition as a draft version; throws <see cref="WorkflowDefinitionException"/> with the problems' diagnostics
    /// when it is not valid (definitions the compiler lowered are valid whenever the protocol has no errors).
    /// </summary>
    public Task<DefinitionRecord> SaveDraftAsync(WorkflowDefinition definition, CancellationToken ct = default)
    {
        ThrowIfInvalid(definition);
        return Store.SaveDefinitionAsync(definition, DefinitionStatus.Draft, Clock.GetCurrentInstant(), ct);
    }

    /// <summary>Saves and publishes a definition (the same content publishes the same version once).</summary>
    public async Task<DefinitionRecord> PublishAsync(WorkflowDefinition definition, CancellationToken ct = default)
    {
        ThrowIfInvalid(definition);
        var rec = await Store.SaveDefinitionAsync(definition, DefinitionStatus.Published, Clock.GetCurrentInstant(), ct);
        if (rec.Status == DefinitionStatus.Draft)
        {
            await Store.PublishDefinitionAsync(rec.Id, ct);
            rec = rec with { Status = DefinitionStatus.Published };
        }
        Interlocked.Increment(ref _publishedGeneration);
        return rec;
    }

    private static void ThrowIfInvalid(WorkflowDefinition definition)
    {
        var problems = definition.Validate().Where(d => d.IsError).ToList();
        if (problems.Count > 0) throw new WorkflowDefinitionException(definition.Name, problems);
    }

    internal async Task<WorkflowDefinition> DefinitionAsync(string id, CancellationToken ct = default)
    {
        if (_definitions.TryGetValue(id, out var d)) return d;
        var rec = await Store.GetDefinitionAsync(id, ct) ?? throw new InvalidOperationException($"Definition {id} is not in the store.");
        _definitions[id] = rec.Definition;
        return rec.Definition;
    }

    private async Task<IReadOnlyList<DefinitionRecord>> LatestPublishedAsync(CancellationToken ct)
    {
        // Another process may publish: the list is re-read after two seconds of real time. Not of the engine's clock: a
        // simulation's virtual clock jumps days between events, which re-read (and re-parsed) every definition per event.
        long nowMs = Environment.TickCount64;
        long generation = Interlocked.Read(ref _publishedGeneration);
        if (Volatile.Read(ref _published) is { } p && p.Generation == generation && nowMs - p.ReadAtMs < 2_000) return p.List;
        var all = await Store.ListDefinitionsAsync(ct);
        var latest = all.Where(r => r.Status == DefinitionStatus.Published).GroupBy(r => r.Name).Select(g => g.MaxBy(r => r.Version)!).ToList();
        foreach (var r in latest) _definitions.TryAdd(r.Id, r.Definition);
        Volatile.Write(ref _published, new PublishedSnapshot(nowMs, generation, latest));
        return latest;
    }

    // ---------------------------------------------------------------------------------------------
    // Commands
    // ---------------------------------------------------------------------------------------------

    /// <summary>Starts an instance of the newest published version of a workflow.</summary>
    public Task<CommandResult> StartAsync(StartRequest request, string actor = "system", CancellationToken ct = default) =>
        RunAsync("start", request.IdempotencyKey, r => r with { Replayed = true }, async (tx, now) =>
        {
            var def = (await LatestPublishedAsync(ct)).FirstOrDefault(d => d.Name == request.Workflow);
            if (def is null) return new CommandResult(false, $"No published workflow named {request.Workflow}.", Refusal: CommandRefusal.NotFound);
            var key = request.CorrelationKey ?? request.SubjectId;
            var existing = await tx.FindInstanceAsync(def.Name, key);
            if (existing is not null) return new CommandResult(false, $"Workflow {def.Name} already has an instance for {key}.", existing.Id, existing.State, Refusal: CommandRefusal.AlreadyExists);
            var inst = await StartInstanceAsync(tx, def, request.SubjectId, key, request.Values, now, actor);
            return new CommandResult(true, $"Started {def.Name} for {key}.", inst.Id, inst.State);
        }, ct);

    private async Task<InstanceRecord> StartInstanceAsync(IWorkflowTransaction tx, DefinitionRecord def, string subjectId, string key,
        IReadOnlyDictionary<string, string>? values, Instant now, string actor, (ConditionGuard Guard, ConditionEvaluation Result)? startCondition = null)
    {
        var inst = new InstanceRecord
        {
            Id = InstanceStep.NewId(), DefinitionId = def.Id, Workflow = def.Name, CorrelationKey = key, SubjectId = subjectId,
            State = def.Definition.Initial.Name, Status = InstanceStatus.Running, Data = "", CreatedAt = now, UpdatedAt = now, StateEnteredAt = now,
        };
        var step = new InstanceStep(this, tx, def.Definition, inst, now, actor, isNew: true);
        await step.StartAsync(values, startCondition);
        await step.SaveAsync();
        return inst;
    }

    /// <summary>Claims a task: exactly one of several people claiming at once wins.</summary>
    public Task<CommandResult> ClaimTaskAsync(string taskId, WorkflowActor actor, long? expectedVersion = null, string? idempotencyKey = null, CancellationToken ct = default) =>
        TaskCommandAsync("claim", taskId, actor.UserId, idempotencyKey, (step, task) => step.ClaimAsync(task, actor, expectedVersion), ct);

    /// <summary>Gives a claimed task back to its candidates (only its assignee can).</summary>
    public Task<CommandResult> ReleaseTaskAsync(string taskId, WorkflowActor actor, string? idempotencyKey = null, CancellationToken ct = default) =>
        TaskCommandAsync("release", taskId, actor.UserId, idempotencyKey, (step, task) => step.ReleaseAsync(task, actor), ct);

    /// <summary>Completes a task or gate with a decision, a reason and, when required, an electronic signature.</summary>
    public Task<CommandResult> CompleteTaskAsync(CompleteTaskRequest request, CancellationToken ct = default) =>
        TaskCommandAsync("complete", request.TaskId, request.Actor.UserId, request.IdempotencyKey, (step, task) => step.CompleteAsync(task, request, Signers), ct);

    /// <summary>Gives a task to another person, with a reason.</summary>
    public Task<CommandResult> ReassignTaskAsync(string taskId, WorkflowActor actor, string toUser, string reason, string? idempotencyKey = null, CancellationToken ct = default) =>
        TaskCommandAsync("reassign", taskId, actor.UserId, idempotencyKey, (step, task) => step.ReassignAsync(task, actor, toUser, reason), ct);

    private Task<CommandResult> TaskCommandAsync(string kind, string taskId, string actor, string? key,
        Func<InstanceStep, TaskRecord, Task<CommandResult>> body, CancellationToken ct) =>
        RunAsync(kind, key, r => r with { Replayed = true }, async (tx, now) =>
        {
            var peek = await tx.GetTaskAsync(taskId);
            if (peek is null) return new CommandResult(false, $"No task {taskId}.", TaskId: taskId, Refusal: CommandRefusal.NotFound);
            var step = await LoadStepAsync(tx, peek.InstanceId, now, actor);
            if (step is null) return new CommandResult(false, $"The instance of task {taskId} is gone.", TaskId: taskId, Refusal: CommandRefusal.NotFound);
            // Read the task again under the instance lock: what a concurrent step did is now visible.
            var task = await tx.GetTaskAsync(taskId) ?? peek;
            var result = await body(step, task);
            await step.SaveAsync();
            return result with { State = step.Instance.State };
        }, ct);

    /// <summary>Stops a regulatory clock: the obligation was met (or met late, if the deadline had passed).</summary>
    public Task<CommandResult> StopClockAsync(string instanceId, string clock, string actor, string? idempotencyKey = null, CancellationToken ct = default) =>
        RunAsync("stop-clock", idempotencyKey, r => r with { Replayed = true }, async (tx, now) =>
        {
            var step = await LoadStepAsync(tx, instanceId, now, actor);
            if (step is null) return new CommandResult(false, $"No instance {instanceId}.", Refusal: CommandRefusal.NotFound);
            var r = await step.StopClockAsync(clock, actor);
            await step.SaveAsync();
            return r;
        }, ct);

    /// <summary>
    /// Delivers an event: starts the workflows it starts (SubjectCreated, DataArrived for per-record workflows), delivers it
    /// to the instances waiting for it, and keeps it in the unmatched-events table when nobody waited.
    /// </summary>
    public Task<EventResult> PublishEventAsync(WorkflowEvent ev, CancellationToken ct = default) =>
        RunAsync("event", ev.IdempotencyKey, r => r with { Replayed = true }, async (tx, now) =>
        {
            var started = new List<string>();
            var delivered = new List<string>();
            var data = ev.Data ?? new Dictionary<string, string>();
            if (ev.Name == StandardEvents.SubjectCreated)
            {
                foreach (var def in (await LatestPublishedAsync(ct)).Where(d => d.Definition.Scope.PerSubject))
                {
                    if (await tx.FindInstanceAsync(def.Name, ev.CorrelationKey) is not null) continue;
                    started.Add((await StartInstanceAsync(tx, def, ev.CorrelationKey, ev.CorrelationKey, data, now, ev.Actor)).Id);
                }
            }
            else if (ev.Name == StandardEvents.DataArrived && ev.Domain is not null)
            {
                foreach (var def in (await LatestPublishedAsync(ct)).Where(d => string.Equals(d.Definition.Scope.Domain, ev.Domain, StringComparison.OrdinalIgnoreCase)))
                {
                    var key = $"{ev.CorrelationKey}/{ev.RecordId ?? "?"}";
                    if (await tx.FindInstanceAsync(def.Name, key) is not null) continue;
                    var values = new Dictionary<string, string>(data, StringComparer.Ordinal);
                    values.TryAdd("awarenessAt", NodaTime.Text.InstantPattern.ExtendedIso.Format(now));
                    (ConditionGuard, ConditionEvaluation)? proposal = null;
                    if (def.Definition.Scope.StartCondition is { } cond)
                    {
                        var r = Host.EvaluateCondition(new WorkflowSubject("", def.Name, ev.CorrelationKey, key, values), cond);
                        // Unknown starts the workflow too: missing data goes to a person, it never silently drops a record.
                        if (r.Value == false) continue;
                        if (r.Value is null) values["startConditionUnknown"] = "true";
                        proposal = (cond, r);
                    }
                    started.Add((await StartInstanceAsync(tx, def, ev.CorrelationKey, key, values, now, ev.Actor, proposal)).Id);
                }
            }
            var waits = new List<WaitRecord>(await tx.FindEventWaitsAsync(ev.Name, ev.CorrelationKey));
            if (ev.Name is StandardEvents.DataArrived or StandardEvents.CriteriaEvaluated)
                waits.AddRange(await tx.FindEventWaitsAsync("data", ev.CorrelationKey));
            foreach (var group in waits.Where(w => !started.Contains(w.InstanceId)).GroupBy(w => w.InstanceId))
            {
                var step = await LoadStepAsync(tx, group.Key, now, ev.Actor);
                if (step is null) continue;
                foreach (var w in group) await step.DeliverEventAsync(ev, w);
                await step.SaveAsync();
                delivered.Add(group.Key);
            }
            bool unmatched = started.Count == 0 && delivered.Count == 0;
            if (unmatched)
                await tx.InsertUnmatchedEventAsync(new UnmatchedEvent(InstanceStep.NewId(), ev.Name, ev.CorrelationKey, Json.Write(ev), now));
            return new EventResult(started, delivered, unmatched);
        }, ct);

    /// <summary>
    /// Fires up to <paramref name="max"/> due timers in one transaction (group commit) and returns how many fired.
    /// Each timer is claimed with a row lock, so two engines never fire the same one.
    /// </summary>
    public async Task<int> RunDueAsync(int max = 64, CancellationToken ct = default)
    {
        var now = Clock.GetCurrentInstant();
        IReadOnlyList<WaitRecord> waits = [];
        try
        {
            await using var tx = await Store.BeginAsync(ct);
            waits = await tx.ClaimDueTimersAsync(now, max);
            if (waits.Count == 0) return 0;
            foreach (var group in waits.GroupBy(w => w.InstanceId))
            {
                var step = await LoadStepAsync(tx, group.Key, now, "engine");
                if (step is null) continue;
                foreach (var w in group.OrderBy(w => w.DueAt)) await step.HandleTimerAsync(w);
                await step.SaveAsync();
            }
            await tx.CommitAsync(ct);
            return waits.Count;
        }
        catch (Exception ex) when (ex is ConcurrencyException || Store.IsTransient(ex))
        {
            return 0;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or OperationCanceledException or TimeoutException)
        {
            // The database is unreachable or the call was cancelled: the timers stay pending and the caller retries;
            // a healthy timer is never quarantined for a broken connection.
            throw;
        }
        catch (Exception) when (waits.Count > 1)
        {
            // One bad timer must not block the others: fire them one per transaction so only the bad one fails.
            int fired = 0;
            for (int i = 0; i < waits.Count; i++) fired += await RunDueAsync(1, ct);
            return fired;
        }
        catch (Exception ex) when (waits.Count == 1)
        {
            await QuarantineAsync(waits[0], ex, now, ct);
            return 0;
        }
    }

    private async Task QuarantineAsync(WaitRecord wait, Exception ex, Instant now, CancellationToken ct)
    {
        await using var tx = await Store.BeginAsync(ct);
        await tx.CloseWaitAsync(wait.Id, "failed", now);
        var problem = DiagnosticCatalog.TimerFailed(default, wait.Purpose, wait.InstanceId, ex.Message);
        await tx.InsertOutboxAsync(new OutboxMessage(InstanceStep.NewId(), wait.InstanceId, "incident", $"failed-wait:{wait.Id}", [Recipient.Role(Options.IncidentRecipient)],
            Json.Write(new { wait = wait.Id, purpose = wait.Purpose, code = problem.Code, error = problem.Message }), now));
        await tx.CommitAsync(ct);
    }

    /// <summary>The clocks of an instance, with the time left.</summary>
    public async Task<IReadOnlyList<ClockView>> GetClocksAsync(string instanceId, CancellationToken ct = default)
    {
        var inst = await Store.GetInstanceAsync(instanceId, ct);
        if (inst is null) return [];
        var now = Clock.GetCurrentInstant();
        return InstanceData.Parse(inst.Data).Clocks.Values.Select(c =>
        {
            var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(c.Zone) ?? DateTimeZone.Utc;
            var day0 = Instant.FromUnixTimeMilliseconds(c.Day0);
            var due = Instant.FromUnixTimeMilliseconds(c.DueAt);
            int day = Period.Between(day0.InZone(zone).Date, now.InZone(zone).Date, PeriodUnits.Days).Days;
            var remaining = c.MetAt is null ? due - now : Duration.Zero;
            return new ClockView(c.Name, c.Party, day0, due, c.Zone, c.Status, remaining, day, c.MetAt is { } m ? Instant.FromUnixTimeMilliseconds(m) : null);
        }).ToList();
    }

    // ---------------------------------------------------------------------------------------------
    // Migration
    // ---------------------------------------------------------------------------------------------

    /// <summary>Lists what a migration plan would move, and what stops it, without changing anything.</summary>
    public async Task<Migration.MigrationPreview> DryRunMigrationAsync(Migration.MigrationPlan plan, CancellationToken ct = default)
    {
        var target = await Store.GetDefinitionAsync(plan.ToDefinitionId, ct);
        var source = await Store.GetDefinitionAsync(plan.FromDefinitionId, ct);
        var problems = new List<Diagnostic>();
        if (source is null) problems.Add(DiagnosticCatalog.MigrationUnknownDefinition(default, plan.FromDefinitionId));
        if (target is null) problems.Add(DiagnosticCatalog.MigrationUnknownDefinition(default, plan.ToDefinitionId));
        if (source is not null && target is not null && source.Name != target.Name) problems.Add(DiagnosticCatalog.MigrationOtherWorkflow(default, source.Name, target.Name));
        var moves = new List<Migration.MigrationMove>();
        if (problems.Count > 0 || target is null) return new Migration.MigrationPreview(moves, problems);
        foreach (var inst in await Store.ListInstancesAsync(target.Name, ct))
        {
            if (inst.DefinitionId != plan.FromDefinitionId || inst.Status != InstanceStatus.Running) continue;
            var to = plan.StateMap.TryGetValue(inst.State, out var mapped) ? mapped : inst.State;
            var problem = target.Definition.States.Any(s => s.Name == to) ? null
                : DiagnosticCatalog.MigrationStateUnmapped(default, $"{inst.Id} ({inst.CorrelationKey})", inst.State, target.Id);
            if (problem is not null) problems.Add(problem);
            moves.Add(new Migration.MigrationMove(inst.Id, inst.CorrelationKey, inst.State, to, problem));
        }
        return new Migration.MigrationPreview(moves, problems);
    }

    /// <summary>Applies a migration plan (all or nothing): each instance is re-pinned, journaled and re-armed from the new version.</summary>
    public async Task<Migration.MigrationPreview> ApplyMigrationAsync(Migration.MigrationPlan plan, string actor, CancellationToken ct = default)
    {
        var preview = await DryRunMigrationAsync(plan, ct);
        if (preview.Problems.Count > 0) return preview;
        var target = (await Store.GetDefinitionAsync(plan.ToDefinitionId, ct))!;
        var now = Clock.GetCurrentInstant();
        await using var tx = await Store.BeginAsync(ct);
        foreach (var move in preview.Moves)
        {
            var step = await LoadStepAsync(tx, move.InstanceId, now, actor);
            if (step is null) continue;
            await step.MigrateAsync(target.Definition, target.Id, move.ToState, actor, plan.ComputeHash());
        }
        await tx.CommitAsync(ct);
        return preview with { Applied = true };
    }

    // ---------------------------------------------------------------------------------------------
    // Plumbing
    // ---------------------------------------------------------------------------------------------

    private async Task<InstanceStep?> LoadStepAsync(IWorkflowTransaction tx, string instanceId, Instant now, string actor)
    {
        var inst = await tx.LockInstanceAsync(instanceId);
        if (inst is null) return null;
        var def = await DefinitionAsync(inst.DefinitionId);
        return new InstanceStep(this, tx, def, inst, now, actor);
    }

    private async Task<T> RunAsync<T>(string kind, string? key, Func<T, T> replayed, Func<IWorkflowTransaction, Instant, Task<T>> body, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            var now = Clock.GetCurrentInstant();
            try
            {
                await using var tx = await Store.BeginAsync(ct);
                if (key is not null && await tx.FindCommandAsync(key) is { } done)
                    return replayed(Json.Read<T>(done.Result));
                var result = await body(tx, now);
                if (key is not null)
                {
                    string? instance = result is CommandResult cr ? cr.InstanceId : null;
                    await tx.InsertCommandAsync(new CommandRecord(key, instance, kind, Json.Write(result), now));
                }
                await tx.CommitAsync(ct);
                return result;
            }
            catch (Exception ex) when (attempt < Options.MaxRetries && (ex is ConcurrencyException or DuplicateCommandException || Store.IsTransient(ex)))
            {
                // Lost a race with another step on the same rows: start again from a fresh read.
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), ct);
            }
        }
    }
}
