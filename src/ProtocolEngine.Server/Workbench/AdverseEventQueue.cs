using NodaTime;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Workflows.Execution;
using TaskStatus = ProtocolEngine.Workflows.Persistence.TaskStatus;

namespace ProtocolEngine.Server.Workbench;

/// <summary>
/// The safety physician's queue: every instance of a workflow over adverse events (AdverseEventEscalation), with the
/// record it runs for, what the protocol's rules propose about it (Serious, Expected, Related, Susar, ...), its
/// reporting clocks with the time left, its open tasks, and its escalations and missed deadlines from the journal.
/// Running clocks come first, the nearest deadline first.
/// </summary>
internal sealed class AdverseEventQueue(IClock clock)
{
    private static readonly HashSet<string> Escalations = new(StringComparer.Ordinal) { "task-escalated", "task-overdue", "clock-missed", "deadline-passed", "deviation-recorded" };

    public async Task<object> ListAsync(CurrentUser user, StudyRuntime study, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var workflows = study.Protocol.Workflows.Where(w => string.Equals(w.Domain?.Name, "AE", StringComparison.OrdinalIgnoreCase)).Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        var host = study.Engine.Host as ProtocolRuleHost;
        var items = new List<(Instant? NextDue, object View)>();
        foreach (var name in workflows)
        {
            foreach (var inst in await study.Store.ListInstancesAsync(name, ct))
            {
                if (!user.CanSeeSite(study.Id, study.SiteOf(inst.SubjectId))) continue;
                var values = InstanceValues.Of(inst);
                var proposals = host?.ProposeForRecord(new WorkflowSubject(inst.Id, inst.Workflow, inst.SubjectId, inst.CorrelationKey, values)) ?? [];
                var clocks = await study.Engine.GetClocksAsync(inst.Id, ct);
                var tasks = await study.Store.ListTasksAsync(inst.Id, ct: ct);
                var journal = await study.Store.GetJournalAsync(inst.Id, ct);
                var running = clocks.Where(c => c.Status == "running").Select(c => (Instant?)c.DueAt).Min();
                items.Add((running, new
                {
                    instanceId = inst.Id,
                    workflow = inst.Workflow,
                    subject = inst.SubjectId,
                    site = study.SiteOf(inst.SubjectId),
                    key = inst.CorrelationKey,
                    record = values.Where(v => v.Key.Length <= 8 && v.Key.All(ch => char.IsUpper(ch) || char.IsDigit(ch))).ToDictionary(v => v.Key, v => v.Value),
                    state = inst.State,
                    status = inst.Status,
                    startedAt = inst.CreatedAt,
                    proposals = proposals.Select(p => new { name = p.Name, value = p.Value, text = p.Rule, note = p.Note }),
                    clocks = clocks.Select(c => new { name = c.Name, party = c.Party, day0 = c.Day0, dueAt = c.DueAt, status = c.Status, remainingSeconds = (long)c.Remaining.TotalSeconds, day = c.Day, metAt = c.MetAt }),
                    openTasks = tasks.Where(t => t.Status is TaskStatus.Open or TaskStatus.Claimed).Select(t => new
                    {
                        id = t.Id, name = t.Name, title = t.Title, dueAt = t.DueAt, overdue = t.DueAt is { } d && d < now, signatureMeaning = t.SignatureMeaning,
                        candidateRoles = t.CandidateRoles, status = t.Status, assignee = t.Assignee,
                    }),
                    escalations = journal.Where(e => Escalations.Contains(e.Action)).Select(e => new { at = e.At, action = e.Action, detail = e.Detail ?? e.NewValue }),
                }));
            }
        }
        var ordered = items.OrderBy(i => i.NextDue is null ? 1 : 0).ThenBy(i => i.NextDue ?? Instant.MaxValue).Select(i => i.View).ToList();
        return new { now, total = ordered.Count, events = ordered };
    }
}
