using System.Globalization;
using NodaTime.Text;
using NodaTime;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Workflows;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Persistence;
using ProtocolEngine.Safety.Randomization;
using ProtocolEngine.Workflows.Signatures;
using ProtocolEngine.Workflows.Simulation;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Safety.Replays;

/// <summary>
/// Replays a study's real records (the adverse events of AE) through the protocol's per-record workflows on a virtual
/// clock: each record arrives at its start date (Day 0 = awareness), the protocol's own rules triage it and start its
/// clocks, and the replay's people do each task as the <see cref="ReplayAssumptions"/> say, with their signatures.
/// Everything runs on the real engine and store, so the figures are what the workflow runtime would have recorded.
/// </summary>
public static class SafetyReplay
{
    private const string Password = "replay";

    /// <summary>Runs the replay.</summary>
    /// <param name="protocol">The compiled protocol (its per-record workflows of <paramref name="domain"/> run).</param>
    /// <param name="study">The study data the records and the rules come from.</param>
    /// <param name="domain">The domain to replay (AE).</param>
    /// <param name="assumptions">What people do and when.</param>
    /// <param name="store">A migrated, empty store.</param>
    /// <param name="progress">Called with the records replayed so far and the total.</param>
    /// <param name="ct">Cancellation.</param>
    /// <exception cref="InvalidOperationException">The protocol has no workflow per record of the domain, or its workflows cannot run.</exception>
    public static async Task<ReplayReport> RunAsync(CompiledProtocol protocol, StudyData study, string domain, ReplayAssumptions assumptions,
        IWorkflowStore store, Action<int, int>? progress = null, CancellationToken ct = default)
    {
        assumptions.Validate();
        var zone = assumptions.Zone;
        var definitions = protocol.WorkflowDefinitions.Where(w => string.Equals(w.Scope.Domain, domain, StringComparison.OrdinalIgnoreCase))
            .Select(w => w with { TimeZone = zone.Id }).ToList();
        if (definitions.Count == 0)
        {
            var domains = protocol.WorkflowDefinitions.Select(w => w.Scope.Domain).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
            throw new InvalidOperationException(Runtime.Hosting.Selection.Unknown("workflow per record of", domain, $"in protocol {protocol.Name}", domains, plural: "domains with a per-record workflow").Message);
        }

        var (records, notReplayed, total) = ReadRecords(study, domain, assumptions);
        var t0 = records.Count > 0 ? records[0].Awareness : SystemClock.Instance.GetCurrentInstant();
        var clock = new VirtualClock(t0);
        ISubjectRandomizer randomizer = protocol.Randomization is { Seed: not null } ? new ProtocolRandomizer(protocol, study, clock: clock) : new NoRandomization();
        var host = new ProtocolRuleHost(protocol, study, clock, randomizer);
        // Signing passwords of a replay are test data: fewer PBKDF2 rounds keep it fast.
        var signers = new Pbkdf2SignerDirectory(iterations: 1_000);
        var roles = definitions.SelectMany(d => d.States).SelectMany(s => s.Tasks ?? []).SelectMany(t => t.CandidateRoles).Distinct(StringComparer.Ordinal).ToList();
        foreach (var role in roles) signers.Register(UserOf(role), $"{role} (replay)", Password);
        var engine = new WorkflowEngine(store, host, clock, new WorkflowEngineOptions(), signers);
        foreach (var d in definitions) await engine.PublishAsync(d, ct);

        var planned = new PriorityQueue<PlannedStep, (Instant, long)>();
        long order = 0;
        // A record that every workflow's start condition turns down starts nothing: it is counted, not sent, so a replay
        // of 60,000 laboratory results does not write 60,000 unmatched events (an unknown condition is sent: it starts).
        int filtered = 0;
        foreach (var r in records)
        {
            if (definitions.All(d => d.Scope.StartCondition is { } cond
                && host.EvaluateCondition(new WorkflowSubject("", d.Name, r.Subject, r.Key, new Dictionary<string, string>()), cond).Value == false))
            {
                filtered++;
                continue;
            }
            planned.Enqueue(new PlannedStep(r, null, null), (r.Awareness, order++));
        }
        var scheduled = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        var terms = new Dictionary<string, string>(StringComparer.Ordinal);
        int done = 0, tasksDone = 0;
        var end = (records.Count > 0 ? records[^1].Awareness : t0) + ReplayAssumptions.Length(assumptions.RunOn, "runOn").ToDuration();

        while (planned.TryPeek(out _, out var when) && when.Item1 <= end)
        {
            // Timers due before the action fire first; one due at the very instant fires after it, so a report sent
            // exactly at the deadline is in time, as StopClock counts it.
            await RunTimersUntilAsync(engine, clock, when.Item1, ct, inclusive: false);
            await ScheduleOpenTasksAsync();
            // A timer may have opened a task due before the next planned action: take whatever is now first.
            planned.TryDequeue(out var action, out when);
            clock.AdvanceTo(Max(clock.GetCurrentInstant(), when.Item1));
            if (action!.Record is { } rec)
            {
                terms[rec.Key] = rec.Term;
                var values = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["awarenessAt"] = InstantPattern.ExtendedIso.Format(rec.Awareness),
                    ["timeZone"] = zone.Id,
                };
                if (rec.Region is not null) values["region"] = rec.Region;
                await engine.PublishEventAsync(new WorkflowEvent(StandardEvents.DataArrived, rec.Subject, values, domain, rec.RecordId, Actor: "replay"), ct);
                progress?.Invoke(++done, records.Count - filtered);
            }
            else
            {
                var r = await CompleteAsync(engine, action.Task!, action.Decision!, ct);
                if (r.Accepted) tasksDone++;
                else problems.Add($"{action.Task!.Name} of instance {action.Task.InstanceId}: {r.Message}");
            }
            await ScheduleOpenTasksAsync();
        }
        await RunTimersUntilAsync(engine, clock, end, ct);
        clock.AdvanceTo(Max(clock.GetCurrentInstant(), end));

        var instances = await store.ListInstancesAsync(ct: ct);
        var finals = instances.GroupBy(i => $"{i.Workflow}/{i.State}").OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var clocks = new List<ReplayClock>();
        foreach (var inst in instances.OrderBy(i => i.CorrelationKey, StringComparer.Ordinal))
            foreach (var c in (await engine.GetClocksAsync(inst.Id, ct)).OrderBy(c => c.DueAt).ThenBy(c => c.Name, StringComparer.Ordinal))
                clocks.Add(new ReplayClock(inst.CorrelationKey, terms.GetValueOrDefault(inst.CorrelationKey, ""), c.Name, c.Party, c.Day0, c.DueAt, c.Status, c.MetAt));
        var tally = clocks.GroupBy(c => c.Clock, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ClockTally(g.Key, g.Count(),
            g.Count(c => c.Status == "met"), g.Count(c => c.Status == "missed"), g.Count(c => c.Status == "withdrawn"), g.Count(c => c.Status == "running"))).ToList();
        var byId = instances.ToDictionary(i => i.Id);
        var journal = await store.GetJournalSinceAsync(t0 - Duration.FromDays(1), ct);
        // The timeline shows the records people worked on: those that started a clock or opened a task.
        var interesting = clocks.Select(c => c.Key)
            .Concat(journal.Where(j => j.Action is "task-created" or "gate-created" && byId.ContainsKey(j.InstanceId)).Select(j => byId[j.InstanceId].CorrelationKey))
            .ToHashSet(StringComparer.Ordinal);
        var timeline = journal.Where(j => byId.TryGetValue(j.InstanceId, out var i) && interesting.Contains(i.CorrelationKey))
            .Select(j => ScenarioRunner.Describe(j, byId, t0)).OfType<TimelineLine>().ToList();
        int deviations = journal.Count(j => j.Action == "deviation-recorded");
        return new ReplayReport(domain, total, records.Count, filtered, notReplayed, assumptions, finals, clocks, tally, deviations, tasksDone, timeline, problems,
            records.Count > 0 ? records[0].Awareness : null, records.Count > 0 ? records[^1].Awareness : null);

        async Task ScheduleOpenTasksAsync()
        {
            foreach (var task in await store.ListTasksAsync(status: TaskStatus.Open, ct: ct))
            {
                if (!scheduled.Add(task.Id)) continue;
                var plan = assumptions.For(task.Name);
                var decision = plan.Decision;
                if (plan.OnlyIfClockStarted is { Count: > 0 } needed)
                {
                    var started = (await engine.GetClocksAsync(task.InstanceId, ct)).Select(c => c.Name);
                    if (!started.Intersect(needed, StringComparer.Ordinal).Any()) decision = plan.Otherwise;
                }
                var at = assumptions.ActAt(ReplayAssumptions.Length(plan.After, task.Name).After(task.CreatedAt, zone));
                planned.Enqueue(new PlannedStep(null, task, decision ?? ""), (at, order++));
            }
        }
    }

    private sealed record PlannedStep(ReplayRecord? Record, TaskRecord? Task, string? Decision);

    private sealed record ReplayRecord(string Subject, string RecordId, string Key, string Term, Instant Awareness, string? Region);

    private sealed class NoRandomization : ISubjectRandomizer
    {
        public RandomizationResult Randomize(WorkflowSubject subject) =>
            throw new InvalidOperationException("A safety replay does not randomise: the protocol's scheme has no seed to replay with.");
    }

    private static string UserOf(string role) => "replay-" + role;

    private static async Task<CommandResult> CompleteAsync(WorkflowEngine engine, TaskRecord task, string decision, CancellationToken ct)
    {
        var current = await engine.Store.GetTaskAsync(task.Id, ct);
        if (current is null || current.Status is not (TaskStatus.Open or TaskStatus.Claimed))
            return new CommandResult(true, "The task closed before its planned time (its state was left).");
        var role = current.CandidateRoles.First();
        var actor = new WorkflowActor(UserOf(role), [role]);
        var chosen = decision.Length > 0 ? decision : await FirstDecisionAsync(engine, current, ct);
        return await engine.CompleteTaskAsync(new CompleteTaskRequest(current.Id, actor, chosen, "Replay: done as the stated assumptions say",
            current.SignatureMeaning is { } m ? new SignatureInput(StoredText.Of(m), Password) : null), ct);
    }

    private static async Task<string> FirstDecisionAsync(WorkflowEngine engine, TaskRecord task, CancellationToken ct)
    {
        var inst = await engine.Store.GetInstanceAsync(task.InstanceId, ct);
        var definition = inst is null ? null : (await engine.Store.GetDefinitionAsync(inst.DefinitionId, ct))?.Definition;
        return definition?.States.FirstOrDefault(s => s.Name == task.State)?.FindTask(task.Name)?.AllowedDecisions().FirstOrDefault() ?? "completed";
    }

    private static async Task RunTimersUntilAsync(WorkflowEngine engine, VirtualClock clock, Instant until, CancellationToken ct, bool inclusive = true)
    {
        while (await engine.Store.NextDueAtAsync(ct) is { } next && (inclusive ? next <= until : next < until))
        {
            clock.AdvanceTo(Max(clock.GetCurrentInstant(), next));
            while (await engine.RunDueAsync(256, ct) > 0) { }
        }
    }

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    /// <summary>
    /// The records in awareness order. Day 0 is the start date (--STDTC) at the stated time of day; a partial date
    /// counts from its first day (the earliest the site can have known, so no deadline is placed later than it could
    /// be). A record without a start date, or with one that is not a date, is listed as not replayed.
    /// </summary>
    private static (List<ReplayRecord> Records, List<string> NotReplayed, int Total) ReadRecords(StudyData study, string domain, ReplayAssumptions assumptions)
    {
        var table = study.GetDomain(domain) ?? throw new InvalidOperationException($"The study data have no {domain} dataset to replay.");
        var seq = table.GetColumn(domain + "SEQ") ?? throw new InvalidOperationException($"{domain} has no {domain}SEQ: records cannot be told apart.");
        // Events have a start date (AESTDTC); findings such as LB have a collection date (LBDTC).
        var startName = table.GetColumn(domain + "STDTC") is not null ? domain + "STDTC" : domain + "DTC";
        var start = table.GetColumn(startName);
        var term = table.GetColumn(domain + "DECOD");
        var verbatim = table.GetColumn(domain + "TERM");
        var dm = study.GetDomain("DM");
        var country = dm?.GetColumn("COUNTRY");
        var zone = assumptions.Zone;
        var time = ReplayAssumptions.Time(assumptions.AwarenessTime, "awarenessTime");
        var records = new List<ReplayRecord>();
        var skipped = new List<string>();
        int total = 0;
        for (int s = 0; s < study.SubjectCount; s++)
        {
            var subject = study.SubjectIds[s];
            string? region = null;
            if (dm is not null && country is not null)
            {
                var (dmStart, dmCount) = dm.RowsOf(s);
                if (dmCount > 0) region = RegionOf(country.GetObject(dmStart) as string);
            }
            var (first, count) = table.RowsOf(s);
            for (int row = first; row < first + count; row++)
            {
                total++;
                var id = seq.GetObject(row) switch
                {
                    double d => d.ToString("0.########", CultureInfo.InvariantCulture),
                    string text => text,
                    _ => null,
                };
                var text2 = start?.GetObject(row) as string;
                if (id is null) { skipped.Add($"{subject} row {row + 1}: no {domain}SEQ"); continue; }
                if (StartOfDay(text2) is not { } date) { skipped.Add($"{subject}/{id}: {startName} \"{text2}\" is not a date"); continue; }
                var awareness = date.At(time).InZoneLeniently(zone).ToInstant();
                records.Add(new ReplayRecord(subject, id, $"{subject}/{id}", term?.GetObject(row) as string ?? verbatim?.GetObject(row) as string ?? "", awareness, region));
            }
        }
        records.Sort((a, b) => a.Awareness.CompareTo(b.Awareness) is var c && c != 0 ? c : string.CompareOrdinal(a.Key, b.Key));
        return (records, skipped, total);
    }

    private static LocalDate? StartOfDay(string? dtc)
    {
        if (string.IsNullOrWhiteSpace(dtc)) return null;
        var t = dtc.Trim();
        var datePart = t.Length >= 10 ? t[..10] : t;
        string[] formats = ["yyyy-MM-dd", "yyyy-MM", "yyyy"];
        foreach (var f in formats)
        {
            var r = LocalDatePattern.CreateWithInvariantCulture(f).Parse(datePart);
            if (r.Success) return r.Value;
        }
        return null;
    }

    /// <summary>The regulatory region of a DM.COUNTRY code (ISO 3166 alpha-3): US, JP, EU (EU/EEA member), else the code itself.</summary>
    public static string? RegionOf(string? country) => country?.Trim().ToUpperInvariant() switch
    {
        null or "" => null,
        "USA" => "US",
        "JPN" => "JP",
        "AUT" or "BEL" or "BGR" or "HRV" or "CYP" or "CZE" or "DNK" or "EST" or "FIN" or "FRA" or "DEU" or "GRC" or "HUN" or "IRL" or "ITA" or "LVA"
            or "LTU" or "LUX" or "MLT" or "NLD" or "POL" or "PRT" or "ROU" or "SVK" or "SVN" or "ESP" or "SWE" or "ISL" or "LIE" or "NOR" => "EU",
        var other => other,
    };
}
