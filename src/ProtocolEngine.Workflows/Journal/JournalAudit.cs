using ProtocolEngine.Workflows.Persistence;

namespace ProtocolEngine.Workflows.Journal;

/// <summary>The result of verifying every instance's journal.</summary>
/// <param name="Instances">Instances checked.</param>
/// <param name="Entries">Entries checked.</param>
/// <param name="Problems">The first problem of each damaged instance.</param>
public sealed record JournalAuditResult(int Instances, long Entries, IReadOnlyList<JournalProblem> Problems);

/// <summary>Verifies the hash chain of every instance in a store, and every electronic signature against the record it signed (<c>protocol journal verify</c>).</summary>
public static class JournalAudit
{
    /// <summary>Checks every instance, page by page; <paramref name="progress"/> gets the number checked so far.</summary>
    public static async Task<JournalAuditResult> VerifyAsync(IWorkflowStore store, Action<int>? progress = null, CancellationToken ct = default)
    {
        var problems = new List<JournalProblem>();
        int instances = 0;
        long entries = 0;
        string? after = null;
        while (true)
        {
            var page = await store.ListInstanceIdsAsync(after, 500, ct);
            if (page.Count == 0) break;
            foreach (var id in page)
            {
                var inst = await store.GetInstanceAsync(id, ct);
                if (inst is null) continue;
                var journal = await store.GetJournalAsync(id, ct);
                entries += journal.Count;
                if (JournalVerifier.Verify(id, journal, inst.JournalSeq, inst.JournalHead) is { } p) problems.Add(p);
                else await VerifySignaturesAsync(store, id, journal, problems, ct);
                instances++;
            }
            after = page[^1];
            progress?.Invoke(instances);
        }
        return new JournalAuditResult(instances, entries, problems);
    }

    private static async Task VerifySignaturesAsync(IWorkflowStore store, string instanceId, IReadOnlyList<JournalEntry> journal, List<JournalProblem> problems, CancellationToken ct)
    {
        if (!journal.Any(j => j.Action == "task-signed")) return;
        foreach (var task in await store.ListTasksAsync(instanceId, ct: ct))
        {
            if (task.SignatureMeaning is null) continue;
            foreach (var sig in await store.ListSignaturesAsync(task.Id, ct))
            {
                if (Signatures.SignatureHashing.Verify(sig, task, journal) is { } why)
                {
                    var entry = journal.FirstOrDefault(j => j.Action == "task-signed" && (j.Detail ?? "").Contains(sig.SignatureHash, StringComparison.Ordinal))?.Sequence ?? 0;
                    problems.Add(new JournalProblem(instanceId, entry, JournalProblemKind.SignatureInvalid, $"Instance {instanceId}: {why}."));
                }
            }
        }
    }
}
