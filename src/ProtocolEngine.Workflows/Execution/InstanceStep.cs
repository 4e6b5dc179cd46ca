using System.Globalization;
using NodaTime;
using NodaTime.Text;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Persistence;
using ProtocolEngine.Workflows.Signatures;
using Stateless;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>
/// One step of one instance inside one transaction: a Stateless machine whose state lives in the instance row,
/// the stimulus (start, timer, event, task decision), the transitions it causes, and everything they write.
/// </summary>
internal sealed class InstanceStep
{
    private const int DeadlineTriggerBase = 1_000_000;

    private readonly WorkflowEngine _engine;
    private readonly IWorkflowTransaction _tx;
    private readonly WorkflowDefinition _def;
    private readonly InstanceRecord _inst;
    private readonly InstanceData _data;
    private readonly Instant _now;
    private readonly string _actor;
    private readonly long _startVersion;
    private readonly bool _isNew;
    private readonly StateMachine<string, int> _machine;
    private readonly Dictionary<string, CriteriaEvaluation> _criteria = new(StringComparer.Ordinal);
    private readonly Dictionary<int, GuardResult> _guards = [];
    private int _outboxIndex;
    private int _transitions;

    private sealed record GuardResult(bool Holds, List<string> RuleHashes, string Explanation);

    public InstanceStep(WorkflowEngine engine, IWorkflowTransaction tx, WorkflowDefinition def, InstanceRecord inst, Instant now, string actor, bool isNew = false)
    {
        _engine = engine;
        _tx = tx;
        _def = def;
        _inst = inst;
        _data = InstanceData.Parse(inst.Data);
        _now = now;
        _actor = actor;
        _startVersion = inst.RowVersion;
        _isNew = isNew;
        _machine = BuildMachine();
    }

    public InstanceRecord Instance => _inst;

    private WorkflowSubject Subject => new(_inst.Id, _inst.Workflow, _inst.SubjectId, _inst.CorrelationKey, _data.Values);

    private DateTimeZone Zone =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(_data.Values.GetValueOrDefault("timeZone") ?? _def.TimeZone) ?? DateTimeZone.Utc;

    private StateMachine<string, int> BuildMachine()
    {
        // Queued firing: a trigger raised while another is being handled runs after it, never nested.
        var sm = new StateMachine<string, int>(() => _inst.State, s => _inst.State = s, FiringMode.Queued);
        for (int i = 0; i < _def.States.Count; i++)
        {
            var state = _def.States[i];
            var cfg = sm.Configure(state.Name)
                .OnEntryAsync(_ => EnterStateAsync(state))
                .OnExitAsync(_ => ExitStateAsync(state));
            if (state.Deadline is { } d)
            {
                if (d.Target == state.Name) cfg.PermitReentry(DeadlineTriggerBase + i);
                else cfg.Permit(DeadlineTriggerBase + i, d.Target);
            }
        }
        for (int j = 0; j < _def.Transitions.Count; j++)
        {
            int index = j;
            var t = _def.Transitions[j];
            var cfg = sm.Configure(t.From);
            if (t.From == t.To) cfg.PermitReentryIf(index, () => GuardHolds(index), Describe(t.Guard));
            else cfg.PermitIf(index, t.To, () => GuardHolds(index), Describe(t.Guard));
        }
        sm.OnTransitionedAsync(OnTransitionedAsync);
        return sm;
    }

    // ---------------------------------------------------------------------------------------------
    // Stimuli
    // ---------------------------------------------------------------------------------------------

    public async Task StartAsync(IReadOnlyDictionary<string, string>? values, (ConditionGuard Guard, ConditionEvaluation Result)? startCondition = null)
    {
        foreach (var (k, v) in values ?? new Dictionary<string, string>()) _data.Values[k] = v;
        await JournalAsync("instance-started", null, _inst.State, null,
            Json.Write(new { definition = _inst.DefinitionId, key = _inst.CorrelationKey, subject = _inst.SubjectId }));
        // The rules' proposal that opened this instance (a lab graded 3, a serious AE), with the hashes of the rules that made it.
        if (startCondition is { } sc)
            await JournalAsync("start-condition", null, sc.Result.Value is null ? "unknown" : sc.Result.Value.Value ? "true" : "false",
                Hashes([.. sc.Result.RuleHashes.Prepend(sc.Guard.RuleHash).Distinct(StringComparer.Ordinal)]), sc.Guard.Text);
        // Stateless does not enter the initial state on construction; enter it as any other state.
        await EnterStateAsync(_def.GetState(_inst.State));
        await AdvanceAsync();
    }

    public async Task HandleTimerAsync(WaitRecord wait)
    {
        if (!await _tx.CloseWaitAsync(wait.Id, WaitStatus.Fired, _now)) return;
        await JournalAsync("timer-fired", null, wait.Purpose, null, wait.Id);
        var payload = Json.ReadMap(wait.Payload);
        switch (wait.Purpose)
        {
            case "deadline":
                if (_inst.Status == InstanceStatus.Running && wait.State == _inst.State)
                {
                    int index = IndexOfState(_inst.State);
                    await _machine.FireAsync(DeadlineTriggerBase + index);
                }
                break;
            case "task-due":
            case "task-reminder":
            case "task-escalation":
                await HandleTaskTimerAsync(wait, payload);
                break;
            case "clock-reminder":
                if (_data.Clocks.TryGetValue(payload["clock"], out var rc) && rc.Status == "running")
                {
                    await JournalAsync("clock-reminder", null, rc.Name, null, $"due {Iso(rc.DueAt)}");
                    await OutboxAsync("reminder", [Recipient.Role(rc.Party ?? "Sponsor")], new { clock = rc.Name, dueAt = Iso(rc.DueAt), remaining = payload.GetValueOrDefault("before") });
                }
                break;
            case "clock-deadline":
                if (_data.Clocks.TryGetValue(payload["clock"], out var c) && c.Status == "running")
                    await MissClockAsync(c);
                break;
        }
        await AdvanceAsync();
    }

    public async Task DeliverEventAsync(WorkflowEvent ev, WaitRecord wait)
    {
        if (wait.Purpose == "event")
        {
            if (!await _tx.CloseWaitAsync(wait.Id, WaitStatus.Fired, _now)) return;
            _data.Events.Add(ev.Name);
        }
        // The newest data wins: guards evaluate conditions over the instance values.
        foreach (var (k, v) in ev.Data ?? new Dictionary<string, string>()) _data.Values[k] = v;
        _criteria.Clear();
        await JournalAsync("event-received", null, ev.Name, null, ev.Data is null ? null : Json.Write(ev.Data), ev.Actor);
        await AdvanceAsync();
    }

    public async Task<CommandResult> ClaimAsync(TaskRecord task, WorkflowActor actor, long? expectedVersion)
    {
        if (task.Status == TaskStatus.Claimed && task.Assignee == actor.UserId && expectedVersion is null)
            return Result(true, $"Task {task.Name} is already claimed by {actor.UserId}.", task);
        if (task.Status != TaskStatus.Open)
            return Result(false, task.Status == TaskStatus.Claimed ? $"Task {task.Name} was already claimed by {task.Assignee}." : $"Task {task.Name} is {StoredText.Of(task.Status)}.", task, CommandRefusal.Conflict);
        if (expectedVersion is { } ev && ev != task.RowVersion)
            return Result(false, $"Task {task.Name} changed since you saw it (version {ev}, now {task.RowVersion}); reload it.", task, CommandRefusal.Conflict);
        if (!IsCandidate(task, actor))
            return Result(false, $"{actor.UserId} is not a candidate for task {task.Name} (candidates: {string.Join(", ", task.CandidateRoles.Concat(task.CandidateUsers))}).", task, CommandRefusal.NotPermitted);
        long version = task.RowVersion;
        task.Status = TaskStatus.Claimed;
        task.Assignee = actor.UserId;
        task.RowVersion = version + 1;
        if (!await _tx.UpdateTaskAsync(task, version))
            return Result(false, $"Task {task.Name} was claimed by someone else first.", task, CommandRefusal.Conflict);
        await JournalAsync("task-claimed", StoredText.Of(TaskStatus.Open), actor.UserId, null, task.Id, actor.UserId);
        return Result(true, $"Task {task.Name} claimed by {actor.UserId}.", task);
    }

    public async Task<CommandResult> ReleaseAsync(TaskRecord task, WorkflowActor actor)
    {
        if (task.Status != TaskStatus.Claimed)
            return Result(false, $"Task {task.Name} is {StoredText.Of(task.Status)}; only a claimed task can be released.", task, CommandRefusal.WrongStatus);
        if (task.Assignee != actor.UserId)
            return Result(false, $"Task {task.Name} is claimed by {task.Assignee}; only they can release it.", task, CommandRefusal.Conflict);
        long version = task.RowVersion;
        task.Status = TaskStatus.Open;
        task.Assignee = null;
        task.RowVersion = version + 1;
        if (!await _tx.UpdateTaskAsync(task, version)) return Result(false, $"Task {task.Name} changed meanwhile; reload it.", task, CommandRefusal.Conflict);
        await JournalAsync("task-released", actor.UserId, StoredText.Of(TaskStatus.Open), null, task.Id, actor.UserId);
        return Result(true, $"Task {task.Name} released by {actor.UserId}: any candidate may claim it.", task);
    }

    public async Task<CommandResult> ReassignAsync(TaskRecord task, WorkflowActor actor, string toUser, string reason)
    {
        if (task.Status is not (TaskStatus.Open or TaskStatus.Claimed))
            return Result(false, $"Task {task.Name} is {StoredText.Of(task.Status)}; only open or claimed tasks can be reassigned.", task, CommandRefusal.WrongStatus);
        if (!IsCandidate(task, actor) && task.Assignee != actor.UserId)
            return Result(false, $"{actor.UserId} may not reassign task {task.Name}.", task, CommandRefusal.NotPermitted);
        if (string.IsNullOrWhiteSpace(reason)) return Result(false, "A reason is required to reassign a task.", task, CommandRefusal.InvalidRequest);
        long version = task.RowVersion;
        var old = task.Assignee;
        task.Assignee = toUser;
        task.Status = TaskStatus.Claimed;
        if (!task.CandidateUsers.Contains(toUser)) task.CandidateUsers.Add(toUser);
        task.RowVersion = version + 1;
        if (!await _tx.UpdateTaskAsync(task, version)) return Result(false, $"Task {task.Name} changed meanwhile; reload it.", task, CommandRefusal.Conflict);
        await JournalAsync("task-reassigned", old, toUser, null, Json.Write(new { task = task.Id, reason }), actor.UserId);
        await OutboxAsync("notification", [Recipient.User(toUser)], new { task = task.Id, name = task.Name, message = $"Task {task.Title ?? task.Name} was reassigned to you: {reason}" });
        return Result(true, $"Task {task.Name} reassigned from {old ?? "nobody"} to {toUser}.", task);
    }

    public async Task<CommandResult> CompleteAsync(TaskRecord task, CompleteTaskRequest req, ISignerAuthenticator? signers)
    {
        var actor = req.Actor;
        if (task.Status is not (TaskStatus.Open or TaskStatus.Claimed))
            return Result(false, $"Task {task.Name} is {StoredText.Of(task.Status)}.", task, CommandRefusal.WrongStatus);
        if (req.ExpectedVersion is { } ev && ev != task.RowVersion)
            return Result(false, $"Task {task.Name} changed since you saw it (version {ev}, now {task.RowVersion}); reload it.", task, CommandRefusal.Conflict);
        if (task.Status == TaskStatus.Claimed && task.Assignee != actor.UserId)
            return Result(false, $"Task {task.Name} is claimed by {task.Assignee}; only they can complete it.", task, CommandRefusal.Conflict);
        if (task.Status == TaskStatus.Open && !IsCandidate(task, actor))
            return Result(false, $"{actor.UserId} is not a candidate for task {task.Name}.", task, CommandRefusal.NotPermitted);
        var taskDef = _def.States.FirstOrDefault(s => s.Name == task.State)?.FindTask(task.Name);
        var allowed = taskDef?.AllowedDecisions() ?? ["completed"];
        if (!allowed.Contains(req.Decision, StringComparer.Ordinal))
            return Result(false, $"\"{req.Decision}\" is not a decision of task {task.Name}; expected one of: {string.Join(", ", allowed)}.", task, CommandRefusal.InvalidRequest);
        if (string.IsNullOrWhiteSpace(req.Reason))
            return Result(false, $"A reason is required to complete task {task.Name}.", task, CommandRefusal.InvalidRequest);

        SignatureRecord? signature = null;
        if (task.SignatureMeaning is { } required)
        {
            var meaning = StoredText.Of(required);
            if (req.Signature is null)
                return Result(false, $"Task {task.Name} requires an electronic signature meaning \"{meaning}\".", task, CommandRefusal.InvalidRequest);
            if (!string.Equals(req.Signature.Meaning, meaning, StringComparison.OrdinalIgnoreCase))
                return Result(false, $"Task {task.Name} must be signed with the meaning \"{meaning}\", not \"{req.Signature.Meaning}\".", task, CommandRefusal.InvalidRequest);
            var identity = signers?.Reauthenticate(actor.UserId, req.Signature.Secret);
            if (identity is null)
            {
                // Failed signing attempts are journaled too (who, when), never the secret.
                await JournalAsync("signature-failed", null, null, null, Json.Write(new { task = task.Id, reason = "re-authentication failed" }), actor.UserId);
                return Result(false, $"Re-authentication failed for {actor.UserId}: the signature was not applied.", task, CommandRefusal.SignatureFailed);
            }
            signature = Sign(task, req, identity, meaning);
        }

        long version = task.RowVersion;
        var oldStatus = task.Status;
        task.Status = TaskStatus.Completed;
        task.Assignee ??= actor.UserId;
        task.Decision = req.Decision;
        task.Reason = req.Reason;
        task.CompletedAt = _now;
        task.CompletedBy = actor.UserId;
        task.RowVersion = version + 1;
        if (!await _tx.UpdateTaskAsync(task, version)) return Result(false, $"Task {task.Name} changed meanwhile; reload it.", task, CommandRefusal.Conflict);
        await _tx.CancelTaskWaitsAsync(task.Id, _now);
        await JournalAsync("task-completed", StoredText.Of(oldStatus), req.Decision, null, Json.Write(new { task = task.Id, name = task.Name, reason = req.Reason }), actor.UserId);
        if (signature is not null)
        {
            await _tx.InsertSignatureAsync(signature);
            await JournalAsync("task-signed", null, signature.Meaning, null,
                Json.Write(new { task = task.Id, signer = signature.SignerId, printedName = signature.PrintedName, signedAt = Iso(signature.SignedAt), recordHash = signature.RecordHash, signatureHash = signature.SignatureHash }),
                actor.UserId);
        }
        if (task.State == _inst.State) _data.TaskOutcomes[task.Name] = req.Decision;
        await AdvanceAsync();
        return Result(true, $"Task {task.Name} completed by {actor.UserId}: {req.Decision}.", task);
    }

    private SignatureRecord Sign(TaskRecord task, CompleteTaskRequest req, SignerIdentity identity, string meaning)
    {
        // 11.70: the signature is bound to the signed record by hashing the record's canonical content, and the
        // signature itself (signer, meaning, time, record hash) is hashed into the instance's journal chain.
        var signedAt = Instant.FromUnixTimeMilliseconds(_now.ToUnixTimeMilliseconds());
        var recordHash = SignatureHashing.RecordHash(task.Id, task.InstanceId, task.Name, task.Title, req.Decision, req.Reason, _inst.JournalHead);
        var signatureHash = SignatureHashing.SignatureHash(recordHash, identity.UserId, identity.PrintedName, meaning, signedAt);
        return new SignatureRecord(NewId(), task.Id, task.InstanceId, identity.UserId, identity.PrintedName, meaning, signedAt, recordHash, signatureHash);
    }

    public async Task<CommandResult> StopClockAsync(string clock, string actor)
    {
        if (!_data.Clocks.TryGetValue(clock, out var c))
            return new CommandResult(false, $"Instance {_inst.Id} has no started clock named {clock}.", _inst.Id, _inst.State, Refusal: CommandRefusal.NotFound);
        if (c.MetAt is not null) return new CommandResult(true, $"Clock {clock} was already {(c.Status == "withdrawn" ? "withdrawn" : "stopped")}.", _inst.Id, _inst.State);
        await StopClockCoreAsync(c, actor);
        await AdvanceAsync();
        return new CommandResult(true, $"Clock {clock} stopped: {c.Status}.", _inst.Id, _inst.State);
    }

    public async Task MigrateAsync(WorkflowDefinition target, string targetId, string newState, string actor, string planHash)
    {
        string oldPin = $"{_inst.DefinitionId}:{_inst.State}";
        var oldState = _inst.State;
        await JournalAsync("migrated", oldPin, $"{targetId}:{newState}", null, Json.Write(new { plan = planHash }), actor);
        _inst.DefinitionId = targetId;
        var step = new InstanceStep(_engine, _tx, target, _inst, _now, actor);
        await step.RearmAfterMigrationAsync(oldState, newState, _data);
    }

    private async Task RearmAfterMigrationAsync(string oldState, string newState, InstanceData carried)
    {
        _data.Values = carried.Values;
        _data.Clocks = carried.Clocks;
        _data.Arm = carried.Arm;
        _data.Deviations = carried.Deviations;
        _data.TaskOutcomes = newState == oldState ? carried.TaskOutcomes : [];
        _data.Events = newState == oldState ? carried.Events : [];
        _inst.State = newState;
        var state = _def.GetState(newState);
        // Timers and event waits of the old version are re-armed from the new version, anchored at the original
        // state entry so deadlines do not restart; an open task of the same name carries on.
        await _tx.CancelStateWaitsAsync(_inst.Id, oldState, _now);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in await _tx.OpenTasksAsync(_inst.Id, oldState))
        {
            if (newState == oldState && state.FindTask(task.Name) is not null) { kept.Add(task.Name); continue; }
            await CancelTaskAsync(task);
        }
        await ArmStateAsync(state, _inst.StateEnteredAt, createTask: t => !kept.Contains(t.Name));
        if (state.IsFinal) _inst.Status = InstanceStatus.Completed;
        await AdvanceAsync();
        await SaveAsync();
    }

    // ---------------------------------------------------------------------------------------------
    // Transitions
    // ---------------------------------------------------------------------------------------------

    private async Task AdvanceAsync()
    {
        while (_inst.Status == InstanceStatus.Running)
        {
            _guards.Clear();
            int fired = -1;
            for (int j = 0; j < _def.Transitions.Count; j++)
            {
                if (_def.Transitions[j].From != _inst.State) continue;
                if (_machine.CanFire(j)) { fired = j; break; }
            }
            if (fired < 0) return;
            if (++_transitions > _engine.Options.MaxTransitionsPerStimulus)
            {
                await FaultAsync(DiagnosticCatalog.WorkflowLoopFault(default, _def.Name, _engine.Options.MaxTransitionsPerStimulus, _inst.State));
                return;
            }
            await _machine.FireAsync(fired);
        }
    }

    private async Task OnTransitionedAsync(StateMachine<string, int>.Transition t)
    {
        if (t.Trigger >= DeadlineTriggerBase)
        {
            var reason = _def.States[t.Trigger - DeadlineTriggerBase].Deadline?.Reason;
            await JournalAsync("deadline-passed", t.Source, t.Destination, null, reason);
            return;
        }
        var tr = _def.Transitions[t.Trigger];
        var g = _guards.GetValueOrDefault(t.Trigger) ?? new GuardResult(true, [], "automatic");
        await JournalAsync("transition", t.Source, t.Destination, g.RuleHashes.Count == 0 ? null : string.Join(',', g.RuleHashes.Distinct()), g.Explanation);
        foreach (var a in tr.Actions ?? []) await RunActionAsync(a);
    }

    private bool GuardHolds(int index)
    {
        if (_guards.TryGetValue(index, out var cached)) return cached.Holds;
        var hashes = new List<string>();
        var notes = new List<string>();
        bool holds = Evaluate(_def.Transitions[index].Guard, hashes, notes);
        _guards[index] = new GuardResult(holds, hashes, notes.Count == 0 ? "automatic" : string.Join("; ", notes));
        return holds;
    }

    private bool Evaluate(Guard? guard, List<string> hashes, List<string> notes)
    {
        switch (guard)
        {
            case null:
                return true;
            case CriteriaGuard c:
            {
                var ev = Criteria(c.Phase);
                hashes.AddRange(ev.RuleHashes);
                notes.Add($"criteria{(c.Phase is null ? "" : " phase " + c.Phase)}: {ev.Outcome}{(ev.Explanation is null ? "" : " (" + ev.Explanation + ")")}");
                return c.Outcomes.Contains(ev.Outcome);
            }
            case TaskGuard t:
            {
                bool done = _data.TaskOutcomes.TryGetValue(t.Task, out var d);
                bool holds = done && t.Outcome switch
                {
                    TaskOutcome.Completed => true,
                    TaskOutcome.Approved => d == "approved",
                    TaskOutcome.Rejected => d == "rejected",
                    _ => d == t.Decision,
                };
                if (done) notes.Add($"{t.Task}: {d}");
                return holds;
            }
            case EventGuard e:
                if (_data.Events.Contains(e.Event)) { notes.Add($"event {e.Event}"); return true; }
                return false;
            case ClockGuard k:
            {
                var status = _data.Clocks.TryGetValue(k.Clock, out var cs) ? cs.Status : "not started";
                bool holds = status == (k.Missed ? "missed" : "met");
                if (holds) notes.Add($"clock {k.Clock} {status}");
                return holds;
            }
            case ConditionGuard c:
            {
                var r = _engine.Host.EvaluateCondition(Subject, c);
                hashes.Add(c.RuleHash);
                hashes.AddRange(r.RuleHashes);
                notes.Add($"{c.Text}: {(r.Value is null ? "unknown" : r.Value.Value ? "true" : "false")}");
                return r.Value == true;
            }
            case AndGuard a:
                return Evaluate(a.Left, hashes, notes) && Evaluate(a.Right, hashes, notes);
            case OrGuard o:
                return Evaluate(o.Left, hashes, notes) || Evaluate(o.Right, hashes, notes);
            default:
                throw new NotSupportedException($"Guard {guard.GetType().Name} is not supported.");
        }
    }

    private CriteriaEvaluation Criteria(string? phase)
    {
        var key = phase ?? "*";
        if (!_criteria.TryGetValue(key, out var ev))
        {
            ev = _engine.Host.EvaluateCriteria(Subject, phase);
            _criteria[key] = ev;
        }
        return ev;
    }

    private async Task EnterStateAsync(StateDefinition state)
    {
        _data.Events.Clear();
        _data.TaskOutcomes.Clear();
        _inst.StateEnteredAt = _now;
        foreach (var a in state.EntryActions ?? []) await RunActionAsync(a);
        await ArmStateAsync(state, _now, createTask: _ => true);
        if (state.IsFinal)
        {
            _inst.Status = InstanceStatus.Completed;
            await JournalAsync("instance-completed", null, state.Name, null, null);
        }
    }

    private async Task ExitStateAsync(StateDefinition state)
    {
        // Only states that armed something have something to cancel (a round trip saved on every other exit).
        if (state.Deadline is not null || state.HasTasks || ArmsEventWaits(state))
            await _tx.CancelStateWaitsAsync(_inst.Id, state.Name, _now);
        if (state.HasTasks)
            foreach (var task in await _tx.OpenTasksAsync(_inst.Id, state.Name)) await CancelTaskAsync(task);
    }

    private bool ArmsEventWaits(StateDefinition state)
    {
        bool data = false;
        var events = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var t in _def.Transitions)
            if (t.From == state.Name) Collect(t.Guard, events, ref data);
        return data || events.Count > 0;
    }

    private async Task CancelTaskAsync(TaskRecord task)
    {
        long version = task.RowVersion;
        var old = task.Status;
        task.Status = TaskStatus.Cancelled;
        task.RowVersion = version + 1;
        if (!await _tx.UpdateTaskAsync(task, version)) throw new ConcurrencyException($"Task {task.Id} changed during the step.");
        await _tx.CancelTaskWaitsAsync(task.Id, _now);
        await JournalAsync("task-cancelled", StoredText.Of(old), StoredText.Of(TaskStatus.Cancelled), null, task.Id);
    }

    private async Task ArmStateAsync(StateDefinition state, Instant anchor, Func<TaskDefinition, bool> createTask)
    {
        if (state.Deadline is { } d)
            await TimerAsync("deadline", d.After.After(anchor, Zone), state.Name, null, new Dictionary<string, string> { ["target"] = d.Target, ["reason"] = d.Reason ?? "" });
        // Every task of the state opens on entry; each is decided on its own.
        foreach (var td in state.Tasks ?? [])
            if (createTask(td)) await CreateTaskAsync(state, td, anchor);
        bool waitsForData = false;
        var events = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var t in _def.Transitions)
        {
            if (t.From != state.Name) continue;
            Collect(t.Guard, events, ref waitsForData);
        }
        foreach (var e in events)
            await _tx.InsertWaitAsync(new WaitRecord(NewId(), _inst.Id, WaitKind.Event, "event", null, e, _inst.CorrelationKey, null, state.Name, "{}", WaitStatus.Pending, _now));
        if (waitsForData)
            await _tx.InsertWaitAsync(new WaitRecord(NewId(), _inst.Id, WaitKind.Event, "data", null, "data", _inst.SubjectId, null, state.Name, "{}", WaitStatus.Pending, _now));
    }

    private static void Collect(Guard? g, SortedSet<string> events, ref bool data)
    {
        switch (g)
        {
            case EventGuard e: events.Add(e.Event); break;
            case CriteriaGuard or ConditionGuard: data = true; break;
            case AndGuard a: Collect(a.Left, events, ref data); Collect(a.Right, events, ref data); break;
            case OrGuard o: Collect(o.Left, events, ref data); Collect(o.Right, events, ref data); break;
        }
    }

    private async Task CreateTaskAsync(StateDefinition state, TaskDefinition td, Instant anchor)
    {
        var task = new TaskRecord
        {
            Id = NewId(),
            InstanceId = _inst.Id,
            Name = td.Name,
            Kind = td.Kind,
            Title = td.Title,
            State = state.Name,
            CandidateRoles = [.. td.CandidateRoles],
            Status = TaskStatus.Open,
            DueAt = td.Due?.After(anchor, Zone),
            SignatureMeaning = td.Signature,
            RowVersion = 1,
            CreatedAt = _now,
        };
        await _tx.InsertTaskAsync(task);
        await JournalAsync(StoredText.Of(task.Kind) + "-created", null, task.Name, null,
            Json.Write(new { task = task.Id, roles = task.CandidateRoles, dueAt = task.DueAt is { } due ? Iso(due) : null, signature = task.SignatureMeaning is { } m ? StoredText.Of(m) : null }));
        await OutboxAsync("task-assigned", [.. task.CandidateRoles.Select(Recipient.Role)], new { task = task.Id, name = task.Name, title = task.Title, dueAt = task.DueAt is { } due2 ? Iso(due2) : null });
        if (task.DueAt is { } dueAt) await TimerAsync("task-due", dueAt, state.Name, task.Id, []);
        var reminders = td.Reminders ?? [];
        for (int i = 0; i < reminders.Count; i++)
        {
            var r = reminders[i];
            Instant? at = r.BeforeDue ? task.DueAt?.Minus(r.Offset.ToDuration()) : r.Offset.After(anchor, Zone);
            if (at is null) continue;
            await TimerAsync("task-reminder", at.Value, state.Name, task.Id, new Dictionary<string, string> { ["index"] = Str(i), ["n"] = "1" });
        }
        var ladder = td.Escalations ?? [];
        for (int i = 0; i < ladder.Count; i++)
        {
            var e = ladder[i];
            Instant? at = e.After is { } after ? after.After(anchor, Zone) : task.DueAt;
            if (at is null) continue;
            await TimerAsync("task-escalation", at.Value, state.Name, task.Id, new Dictionary<string, string> { ["to"] = e.To, ["rung"] = Str(i + 1) });
        }
    }

    private async Task HandleTaskTimerAsync(WaitRecord wait, Dictionary<string, string> payload)
    {
        var task = wait.TaskId is null ? null : await _tx.GetTaskAsync(wait.TaskId);
        if (task is null || task.Status is not (TaskStatus.Open or TaskStatus.Claimed)) return;
        IReadOnlyList<Recipient> to = task.Assignee is { } assignee ? [Recipient.User(assignee)]
            : [.. task.CandidateRoles.Select(Recipient.Role), .. task.CandidateUsers.Select(Recipient.User)];
        switch (wait.Purpose)
        {
            case "task-due":
                await JournalAsync("task-overdue", null, task.Name, null, task.Id);
                await OutboxAsync("overdue", to, new { task = task.Id, name = task.Name, dueAt = task.DueAt is { } d ? Iso(d) : null });
                break;
            case "task-reminder":
            {
                int n = int.Parse(payload.GetValueOrDefault("n", "1"), CultureInfo.InvariantCulture);
                await JournalAsync("task-reminder", null, task.Name, null, Json.Write(new { task = task.Id, n }));
                await OutboxAsync("reminder", to, new { task = task.Id, name = task.Name, n });
                var def = _def.States.FirstOrDefault(s => s.Name == task.State)?.FindTask(task.Name)?.Reminders;
                int index = int.Parse(payload.GetValueOrDefault("index", "0"), CultureInfo.InvariantCulture);
                if (def is not null && index < def.Count && def[index].Every is { } every && n < _engine.Options.MaxReminderRepeats)
                {
                    var next = wait.DueAt!.Value + every.ToDuration();
                    if (task.DueAt is null || next <= task.DueAt)
                        await TimerAsync("task-reminder", next, task.State, task.Id, new Dictionary<string, string> { ["index"] = Str(index), ["n"] = Str(n + 1) });
                }
                break;
            }
            case "task-escalation":
            {
                var role = payload["to"];
                // An escalation adds a candidate and tells them; the task, its claim and its due date carry on.
                var oldRoles = string.Join(",", task.CandidateRoles);
                if (!task.CandidateRoles.Contains(role))
                {
                    long version = task.RowVersion;
                    task.CandidateRoles.Add(role);
                    task.RowVersion = version + 1;
                    if (!await _tx.UpdateTaskAsync(task, version)) throw new ConcurrencyException($"Task {task.Id} changed during the step.");
                }
                await JournalAsync("task-escalated", oldRoles, string.Join(",", task.CandidateRoles), null, Json.Write(new { task = task.Id, to = role, rung = payload.GetValueOrDefault("rung") }));
                await OutboxAsync("escalation", [Recipient.Role(role)], new { task = task.Id, name = task.Name, assignee = task.Assignee, rung = payload.GetValueOrDefault("rung") });
                break;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Actions
    // ---------------------------------------------------------------------------------------------

    private async Task RunActionAsync(ActionDefinition action)
    {
        switch (action)
        {
            case EvaluateCriteriaAction e:
            {
                _criteria.Remove(e.Phase ?? "*");
                var ev = Criteria(e.Phase);
                await JournalAsync("criteria-evaluated", e.Phase ?? "all", ev.Outcome.ToString(), Hashes(ev.RuleHashes), ev.Explanation);
                break;
            }
            case RandomizeAction:
            {
                var r = _engine.Host.Randomize(Subject);
                var old = _data.Arm;
                _data.Arm = r.Arm;
                _data.Values["arm"] = r.Arm;
                await JournalAsync("randomized", old, r.Arm, Hashes(r.RuleHashes), r.Method);
                await OutboxAsync("randomized", [Recipient.System("Pharmacy")], new { subject = _inst.SubjectId, arm = r.Arm, method = r.Method });
                break;
            }
            case NotifyAction n:
                await JournalAsync("notified", null, n.Recipient.ToString(), null, n.Message);
                await OutboxAsync("notification", [n.Recipient], new { subject = _inst.SubjectId, message = n.Message, state = _inst.State });
                break;
            case StartClocksAction:
                await StartClocksAsync();
                break;
            case StopClockAction s:
                if (_data.Clocks.TryGetValue(s.Clock, out var c) && c.MetAt is null && c.Status != "withdrawn") await StopClockCoreAsync(c, _actor);
                break;
            case WithdrawClockAction w:
                if (_data.Clocks.TryGetValue(w.Clock, out var wc) && wc.Status == "running") await WithdrawClockAsync(wc, w.Reason);
                break;
            case RecordDeviationAction d:
                await RecordDeviationAsync(d.Text);
                break;
            case EmitAction e:
                await JournalAsync("emitted", null, e.Event, null, null);
                await OutboxAsync("event", [Recipient.Event(e.Event)], new { name = e.Event, key = _inst.CorrelationKey, subject = _inst.SubjectId });
                break;
        }
    }

    private async Task StartClocksAsync()
    {
        var rules = _engine.Host.ApplicableSafetyRules(Subject).ToHashSet(StringComparer.Ordinal);
        var day0 = _data.Values.TryGetValue("awarenessAt", out var aw) && InstantPattern.ExtendedIso.Parse(aw) is { Success: true } p ? p.Value : _now;
        var region = _data.Values.GetValueOrDefault("region");
        var zone = Zone;
        foreach (var def in _def.Clocks ?? [])
        {
            if (def.SafetyRule is not null && !rules.Contains(def.SafetyRule)) continue;
            if (_data.Clocks.ContainsKey(def.Name)) continue;
            var within = def.WithinFor(region);
            var anchor = day0;
            if (def.FollowsClock is { } f && _data.Clocks.TryGetValue(f, out var prev))
            {
                // "N more days" continue from the previous deadline: the previous clock's last day is day 0 of this one.
                anchor = Instant.FromUnixTimeMilliseconds(prev.DueAt) - (within.Calendar ? Duration.FromMilliseconds(1) : Duration.Zero);
            }
            var due = within.After(anchor, zone);
            var clock = new ClockState
            {
                Name = def.Name, Party = def.Party, Day0 = day0.ToUnixTimeMilliseconds(), DueAt = due.ToUnixTimeMilliseconds(),
                Zone = zone.Id, Within = within.ToString(), Status = "running",
            };
            _data.Clocks[def.Name] = clock;
            await JournalAsync("clock-started", null, def.Name, def.SafetyRule,
                Json.Write(new { party = def.Party, day0 = Iso(clock.Day0), dueAt = Iso(due), zone = zone.Id, within = clock.Within, region }));
            string owner = ClockOwner(def.Name);
            await TimerAsync("clock-deadline", due, null, owner, new Dictionary<string, string> { ["clock"] = def.Name });
            foreach (var before in def.DefaultReminders(within))
            {
                var at = due - before.ToDuration();
                if (at > _now)
                    await TimerAsync("clock-reminder", at, null, owner, new Dictionary<string, string> { ["clock"] = def.Name, ["before"] = before.ToString() });
            }
        }
    }

    private async Task StopClockCoreAsync(ClockState c, string actor)
    {
        c.MetAt = _now.ToUnixTimeMilliseconds();
        var old = c.Status;
        if (c.Status == "running") c.Status = _now.ToUnixTimeMilliseconds() <= c.DueAt ? "met" : "missed";
        await _tx.CancelTaskWaitsAsync(ClockOwner(c.Name), _now);
        await JournalAsync("clock-stopped", old, c.Status, null, Json.Write(new { clock = c.Name, dueAt = Iso(c.DueAt) }), actor);
    }

    // A withdrawn clock was never due: a person's decision (journaled just before, with its signature) removed the
    // obligation. Its deadline and reminders are cancelled so it can be neither met nor missed later.
    private async Task WithdrawClockAsync(ClockState c, string? reason)
    {
        c.Status = "withdrawn";
        c.MetAt = _now.ToUnixTimeMilliseconds();
        await _tx.CancelTaskWaitsAsync(ClockOwner(c.Name), _now);
        await JournalAsync("clock-withdrawn", "running", "withdrawn", null, Json.Write(new { clock = c.Name, dueAt = Iso(c.DueAt), reason }));
    }

    private async Task MissClockAsync(ClockState c)
    {
        c.Status = "missed";
        await JournalAsync("clock-missed", "running", "missed", null, Json.Write(new { clock = c.Name, party = c.Party, dueAt = Iso(c.DueAt) }));
        await OutboxAsync("incident", [Recipient.Role(_engine.Options.IncidentRecipient)],
            new { subject = _inst.SubjectId, clock = c.Name, party = c.Party, dueAt = Iso(c.DueAt), message = $"Regulatory deadline missed: {c.Name} ({c.Within})" });
        await RecordDeviationAsync($"Missed regulatory deadline {c.Name} ({c.Within}{(c.Party is null ? "" : " to " + c.Party)}), due {Iso(c.DueAt)}");
    }

    private async Task RecordDeviationAsync(string text)
    {
        _data.Deviations.Add(text);
        await JournalAsync("deviation-recorded", null, text, null, null);
        await OutboxAsync("deviation", [Recipient.Role("DataManager")], new { subject = _inst.SubjectId, text });
    }

    private async Task FaultAsync(Diagnostic problem)
    {
        _inst.Status = InstanceStatus.Faulted;
        var message = problem.Code + ": " + problem.Message;
        await JournalAsync("faulted", InstanceStatus.Running, InstanceStatus.Faulted, null, message);
        await OutboxAsync("incident", [Recipient.Role(_engine.Options.IncidentRecipient)], new { instance = _inst.Id, code = problem.Code, message });
    }

    // ---------------------------------------------------------------------------------------------
    // Writing
    // ---------------------------------------------------------------------------------------------

    public async Task SaveAsync()
    {
        _inst.Data = _data.ToJson();
        _inst.UpdatedAt = _now;
        if (_isNew)
        {
            _inst.RowVersion = 1;
            await _tx.InsertInstanceAsync(_inst);
        }
        else
        {
            _inst.RowVersion = _startVersion + 1;
            await _tx.UpdateInstanceAsync(_inst, _startVersion);
        }
    }

    private async Task JournalAsync(string action, string? oldValue, string? newValue, string? ruleHashes, string? detail, string? actor = null)
    {
        var entry = JournalHasher.Create(_inst.Id, _inst.JournalSeq + 1, _now, actor ?? _actor, action, oldValue, newValue, ruleHashes, detail, _inst.JournalHead, WorkflowCorrelation.Current);
        await _tx.AppendJournalAsync(entry);
        _inst.JournalSeq = entry.Sequence;
        _inst.JournalHead = entry.Hash;
        _outboxIndex = 0;
    }

    private Task OutboxAsync(string kind, IReadOnlyList<Recipient> recipients, object payload) =>
        _tx.InsertOutboxAsync(new OutboxMessage(NewId(), _inst.Id, kind, $"{_inst.Id}:{_inst.JournalSeq}:{++_outboxIndex}", recipients, Json.Write(payload), _now));

    private Task TimerAsync(string purpose, Instant due, string? state, string? owner, Dictionary<string, string> payload) =>
        _tx.InsertWaitAsync(new WaitRecord(NewId(), _inst.Id, WaitKind.Timer, purpose, due, null, null, owner, state, Json.Write(payload), WaitStatus.Pending, _now));

    private CommandResult Result(bool accepted, string message, TaskRecord task, CommandRefusal? refusal = null) => new(accepted, message, _inst.Id, _inst.State, task.Id, Refusal: refusal);

    private string ClockOwner(string clock) => $"clock:{_inst.Id}:{clock}";

    private int IndexOfState(string name)
    {
        for (int i = 0; i < _def.States.Count; i++) if (_def.States[i].Name == name) return i;
        throw new KeyNotFoundException($"State {name} is not in workflow {_def.Name}.");
    }

    private static bool IsCandidate(TaskRecord task, WorkflowActor actor) =>
        task.CandidateUsers.Contains(actor.UserId) || actor.Roles.Any(r => task.CandidateRoles.Contains(r));

    private static string? Hashes(IReadOnlyList<string> hashes) => hashes.Count == 0 ? null : string.Join(',', hashes);

    private static string Describe(Guard? g) => g.Describe();

    internal static string NewId() => Guid.CreateVersion7().ToString("N");

    private static string Str(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static string Iso(Instant i) => InstantPattern.ExtendedIso.Format(i);

    private static string Iso(long ms) => Iso(Instant.FromUnixTimeMilliseconds(ms));

}
