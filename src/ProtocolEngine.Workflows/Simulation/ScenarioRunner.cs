using System.Globalization;
using NodaTime;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Persistence;
using ProtocolEngine.Workflows.Signatures;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Workflows.Simulation;

/// <summary>One line of a simulation timeline.</summary>
/// <param name="At">When.</param>
/// <param name="Offset">The time after t0, as t0+3d 04:00.</param>
/// <param name="Key">The instance key (subject, or subject/record).</param>
/// <param name="Workflow">The workflow.</param>
/// <param name="What">What happened.</param>
public sealed record TimelineLine(Instant At, string Offset, string Key, string Workflow, string What);

/// <summary>An instance at the end of a simulation.</summary>
/// <param name="Key">The instance key.</param>
/// <param name="Workflow">The workflow.</param>
/// <param name="State">The final state.</param>
/// <param name="Status">running, completed or faulted.</param>
/// <param name="InstanceId">The instance id.</param>
public sealed record FinalState(string Key, string Workflow, string State, string Status, string InstanceId);

/// <summary>What a simulation did.</summary>
/// <param name="Timeline">Transitions, tasks, reminders, escalations, clocks and deadlines in time order.</param>
/// <param name="Finals">Every instance's final state.</param>
/// <param name="Problems">Expectations not met and events that could not be applied.</param>
/// <param name="Unmatched">Events no instance waited for.</param>
/// <param name="Unevaluated">Conditions the compiler could not compile (treated as unknown), with its error: correct them or give them values in the scenario's "conditions".</param>
public sealed record SimulationReport(IReadOnlyList<TimelineLine> Timeline, IReadOnlyList<FinalState> Finals, IReadOnlyList<string> Problems,
    IReadOnlyList<UnmatchedEvent> Unmatched, IReadOnlyList<string> Unevaluated);

/// <summary>
/// Runs a scenario against definitions on a real store with a virtual clock: between events, every due timer fires
/// in due order at its due time, so weeks pass without waiting.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>Runs the scenario.</summary>
    /// <param name="definitions">The workflows.</param>
    /// <param name="scenario">The scenario.</param>
    /// <param name="store">A migrated store (a temporary SQLite file by default).</param>
    /// <param name="progress">Called with the number of events applied so far.</param>
    /// <param name="ruleHost">
    /// Builds the rule host from the virtual clock and the scenario's own host (for example a <see cref="ProtocolRuleHost"/>
    /// over real study data that passes randomisation to the scenario host); null runs on the scenario's host alone.
    /// </param>
    /// <param name="protocol">
    /// The compiled protocol the definitions come from, if any: its own conditions and safety rules decide over the
    /// scenario's record values. Without one, the definitions' condition texts and the scenario's safety rules are
    /// compiled by the compiler.
    /// </param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<SimulationReport> RunAsync(IReadOnlyList<WorkflowDefinition> definitions, Scenario scenario, IWorkflowStore store,
        Action<int, int>? progress = null, Func<IClock, ScenarioRuleHost, IWorkflowRuleHost>? ruleHost = null, CompiledProtocol? protocol = null, CancellationToken ct = default)
    {
        var t0 = scenario.StartInstant("scenario");
        var clock = new VirtualClock(t0);
        var host = new ScenarioRuleHost(scenario.Arms, new ScenarioConditions(protocol, definitions, scenario.SafetyRules), scenario.Conditions, clock);
        // Signing passwords in a simulation are test data: a few PBKDF2 rounds keep a long run fast (one signature per task).
        var signers = new Pbkdf2SignerDirectory(iterations: 16);
        foreach (var u in scenario.Users) signers.Register(u.Id, u.Name, u.Password);
        foreach (var (subject, s) in scenario.Subjects)
            foreach (var (phase, outcome) in s.Criteria) host.SetCriteria(subject, phase, ScenarioRuleHost.ParseOutcome(outcome));
        var engine = new WorkflowEngine(store, ruleHost?.Invoke(clock, host) ?? host, clock, new WorkflowEngineOptions(), signers);
        foreach (var d in definitions)
        {
            var def = scenario.TimeZone is null ? d : d with { TimeZone = scenario.TimeZone };
            await engine.PublishAsync(def, ct);
        }
        var workflows = definitions.Select(d => d.Name).Distinct(StringComparer.Ordinal).ToList();
        var problems = new List<string>();
        var events = scenario.Events.OrderBy(e => e.Time).ToList();
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            await RunTimersUntilAsync(engine, clock, e.Time, ct);
            clock.AdvanceTo(e.Time);
            var problem = await ApplyAsync(engine, host, scenario, workflows, e, ct);
            if (problem is not null) problems.Add($"event {e.Number} ({e.Type} at {e.At}): {problem}");
            progress?.Invoke(i + 1, events.Count);
        }
        var until = scenario.UntilInstant ?? (events.Count > 0 ? events[^1].Time : t0) + Duration.FromDays(60);
        await RunTimersUntilAsync(engine, clock, until, ct);
        clock.AdvanceTo(until);

        var instances = await store.ListInstancesAsync(ct: ct);
        var byId = instances.ToDictionary(i => i.Id);
        var timeline = (await store.GetJournalSinceAsync(t0, ct))
            .Select(j => Describe(j, byId, t0)).Where(l => l is not null).Select(l => l!).ToList();
        var finals = instances.OrderBy(i => i.CorrelationKey, StringComparer.Ordinal).ThenBy(i => i.Workflow, StringComparer.Ordinal)
            .Select(i => new FinalState(i.CorrelationKey, i.Workflow, i.State, i.Status, i.Id)).ToList();
        // A faulted instance (a loop, a step that failed) means the simulation did not do what the workflows say: never a pass.
        foreach (var f in finals.Where(f => f.Status == InstanceStatus.Faulted))
        {
            var fault = timeline.LastOrDefault(l => l.Key == f.Key && l.Workflow == f.Workflow && l.What.StartsWith("FAULTED", StringComparison.Ordinal));
            problems.Add($"{f.Workflow} for {f.Key} faulted in state {f.State}{(fault is null ? "" : ": " + fault.What["FAULTED: ".Length..])}");
        }
        foreach (var (key, expected) in scenario.Expect)
            foreach (var (workflow, state) in expected)
            {
                var f = finals.FirstOrDefault(x => x.Key == key && x.Workflow == workflow);
                if (f is null) problems.Add($"expected {workflow} for {key} to end in {state}, but no such instance exists");
                else if (f.State != state) problems.Add($"expected {workflow} for {key} to end in {state}, but it ended in {f.State}");
            }
        return new SimulationReport(timeline, finals, problems, await store.ListUnmatchedEventsAsync(ct), host.Unevaluated);
    }

    private static async Task RunTimersUntilAsync(WorkflowEngine engine, VirtualClock clock, Instant until, CancellationToken ct)
    {
        while (await engine.Store.NextDueAtAsync(ct) is { } next && next <= until)
        {
            clock.AdvanceTo(next);
            while (await engine.RunDueAsync(256, ct) > 0) { }
        }
    }

    private static async Task<string?> ApplyAsync(WorkflowEngine engine, ScenarioRuleHost host, Scenario scenario, IReadOnlyList<string> workflows, ScenarioEvent e, CancellationToken ct)
    {
        string key = e.Record is null ? e.Subject : $"{e.Subject}/{e.Record}";
        switch (e.Type)
        {
            case "subjectCreated":
            {
                var values = new Dictionary<string, string>(scenario.Subjects.GetValueOrDefault(e.Subject)?.Values ?? [], StringComparer.Ordinal);
                foreach (var (k, v) in e.Values ?? []) values[k] = v;
                await engine.PublishEventAsync(new WorkflowEvent(StandardEvents.SubjectCreated, e.Subject, values, Actor: "scenario"), ct);
                return null;
            }
            case "criteria":
                host.SetCriteria(e.Subject, e.Phase, ScenarioRuleHost.ParseOutcome(e.Outcome ?? throw new FormatException("a criteria event needs an outcome")));
                await engine.PublishEventAsync(new WorkflowEvent(StandardEvents.CriteriaEvaluated, e.Subject, new Dictionary<string, string> { ["phase"] = e.Phase ?? "all", ["outcome"] = e.Outcome }, Actor: "scenario"), ct);
                return null;
            case "data":
            {
                var values = new Dictionary<string, string>(e.Values ?? [], StringComparer.Ordinal);
                foreach (var (k, v) in scenario.Subjects.GetValueOrDefault(e.Subject)?.Values ?? []) values.TryAdd(k, v);
                await engine.PublishEventAsync(new WorkflowEvent(StandardEvents.DataArrived, e.Subject, values, e.Domain, e.Record, Actor: "scenario"), ct);
                return null;
            }
            case "event":
                await engine.PublishEventAsync(new WorkflowEvent(e.Name ?? throw new FormatException("an event needs a name"), key, e.Values, Actor: "scenario"), ct);
                return null;
            case "stopClock":
            {
                var inst = await FindInstanceAsync(engine, workflows, key, e.Workflow, ct);
                if (inst is null) return $"no instance for {key}";
                var r = await engine.StopClockAsync(inst.Id, e.Clock ?? throw new FormatException("stopClock needs a clock"), e.User ?? "scenario", ct: ct);
                return r.Accepted ? null : r.Message;
            }
            default:
            {
                var task = await FindTaskAsync(engine, workflows, key, e.Workflow, e.Task ?? throw new FormatException($"{e.Type} needs a task"), ct);
                if (task is null) return $"no open task {e.Task} for {key}";
                var user = scenario.Users.FirstOrDefault(u => u.Id == e.User) ?? throw new FormatException($"user \"{e.User}\" is not in the scenario's users");
                var actor = new WorkflowActor(user.Id, user.Roles);
                CommandResult r = e.Type switch
                {
                    "claimTask" => await engine.ClaimTaskAsync(task.Id, actor, ct: ct),
                    "reassignTask" => await engine.ReassignTaskAsync(task.Id, actor, e.To ?? throw new FormatException("reassignTask needs to"), e.Reason ?? "", ct: ct),
                    _ => await engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, actor,
                        e.Decision ?? (task.Kind == TaskKind.Gate ? "approved" : "completed"), e.Reason ?? "",
                        task.SignatureMeaning is { } m ? new SignatureInput(StoredText.Of(m), e.Password ?? user.Password) : null), ct),
                };
                return r.Accepted ? null : r.Message;
            }
        }
    }

    // One index lookup per workflow: listing every instance per event made a long scenario quadratic.
    private static async Task<List<InstanceRecord>> InstancesOfAsync(WorkflowEngine engine, IReadOnlyList<string> workflows, string key, string? workflow, CancellationToken ct)
    {
        var found = new List<InstanceRecord>();
        foreach (var name in workflow is null ? workflows : [workflow])
            if (await engine.Store.FindInstanceAsync(name, key, ct) is { } inst) found.Add(inst);
        return found;
    }

    private static async Task<InstanceRecord?> FindInstanceAsync(WorkflowEngine engine, IReadOnlyList<string> workflows, string key, string? workflow, CancellationToken ct) =>
        (await InstancesOfAsync(engine, workflows, key, workflow, ct)).FirstOrDefault();

    private static async Task<TaskRecord?> FindTaskAsync(WorkflowEngine engine, IReadOnlyList<string> workflows, string key, string? workflow, string task, CancellationToken ct)
    {
        foreach (var inst in await InstancesOfAsync(engine, workflows, key, workflow, ct))
        {
            var t = (await engine.Store.ListTasksAsync(inst.Id, ct: ct)).LastOrDefault(t => t.Name == task && t.Status is TaskStatus.Open or TaskStatus.Claimed);
            if (t is not null) return t;
        }
        return null;
    }

    /// <summary>A journal entry as a line of a timeline (simulations and safety replays), or null when it is not one people read.</summary>
    /// <param name="j">The entry.</param>
    /// <param name="instances">The instances by id (the entry's instance gives the key and workflow).</param>
    /// <param name="t0">The start of the run, for the offset.</param>
    public static TimelineLine? Describe(JournalEntry j, IReadOnlyDictionary<string, InstanceRecord> instances, Instant t0)
    {
        if (!instances.TryGetValue(j.InstanceId, out var inst)) return null;
        string? what = j.Action switch
        {
            "instance-started" => $"started in {j.NewValue}",
            "start-condition" => $"proposed by the rules: {j.Detail} is {j.NewValue}",
            "transition" => $"{j.OldValue} -> {j.NewValue} ({j.Detail})",
            "deadline-passed" => $"{j.OldValue} -> {j.NewValue} (deadline: {j.Detail})",
            "criteria-evaluated" => $"criteria {j.OldValue}: {j.NewValue}",
            "task-created" => $"task {j.NewValue} created",
            "gate-created" => $"gate {j.NewValue} created",
            "task-claimed" => $"task claimed by {j.NewValue}",
            "task-completed" => $"task completed by {j.Actor}: {j.NewValue}",
            "task-signed" => $"signed by {j.Actor}, meaning {j.NewValue}",
            "signature-failed" => $"signature by {j.Actor} refused (re-authentication failed)",
            "task-reassigned" => $"task reassigned {j.OldValue} -> {j.NewValue}",
            "task-reminder" => "task reminder sent",
            "task-overdue" => $"task {j.NewValue} overdue",
            "task-escalated" => $"task escalated: candidates {j.OldValue} -> {j.NewValue}",
            "task-cancelled" => "task cancelled (state left)",
            "clock-started" => $"clock {j.NewValue} started: {Field(j.Detail, "within")} to {Field(j.Detail, "party")}, due {Field(j.Detail, "dueAt")} ({Field(j.Detail, "zone")})",
            "clock-reminder" => $"clock {j.NewValue} reminder, {j.Detail}",
            "clock-missed" => $"clock {Field(j.Detail, "clock")} deadline MISSED (due {Field(j.Detail, "dueAt")})",
            "clock-stopped" => $"clock {Field(j.Detail, "clock")} stopped: {j.NewValue} (due {Field(j.Detail, "dueAt")})",
            "clock-withdrawn" => $"clock {Field(j.Detail, "clock")} withdrawn: {Field(j.Detail, "reason")}",
            "deviation-recorded" => $"deviation recorded: {j.NewValue}",
            "randomized" => $"randomized to {j.NewValue}{(j.Detail is null ? "" : $" ({j.Detail})")}",
            "notified" => $"notified {j.NewValue}{(j.Detail is null ? "" : ": " + j.Detail)}",
            "emitted" => $"emitted {j.NewValue}",
            "migrated" => $"migrated {j.OldValue} -> {j.NewValue}",
            "faulted" => $"FAULTED: {j.Detail}",
            "instance-completed" => $"completed in {j.NewValue}",
            _ => null,
        };
        return what is null ? null : new TimelineLine(j.At, Offset(j.At - t0), inst.CorrelationKey, inst.Workflow, what);
    }

    private static string Field(string? json, string name)
    {
        if (json is null) return "?";
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty(name, out var v) ? v.ToString() : "?";
    }

    /// <summary>Formats a time after t0 as <c>t0+3d 04:00</c>.</summary>
    public static string Offset(Duration d)
    {
        var sign = d < Duration.Zero ? "-" : "+";
        if (d < Duration.Zero) d = -d;
        return string.Create(CultureInfo.InvariantCulture, $"t0{sign}{d.Days}d {d.Hours:00}:{d.Minutes:00}");
    }
}
