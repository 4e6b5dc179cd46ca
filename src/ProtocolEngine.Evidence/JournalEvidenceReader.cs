using NodaTime.Text;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Persistence;
using ProtocolEngine.Workflows.Signatures;

namespace ProtocolEngine.Evidence;

/// <summary>Reads a workflow store's journal verification and its signatures, as an evidence pack lists them.</summary>
public static class JournalEvidenceReader
{
    /// <summary>Verifies every instance's journal and lists every task signature.</summary>
    /// <param name="store">The workflow store.</param>
    /// <param name="source">What the store is, in words.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    public static async Task<JournalEvidence> ReadAsync(IWorkflowStore store, string source, CancellationToken cancellationToken = default)
    {
        var audit = await JournalAudit.VerifyAsync(store, ct: cancellationToken);
        var problems = audit.Problems.Select(p => $"instance {p.InstanceId} entry {p.Sequence}: {p.Kind.ToString().ToLowerInvariant()} — {p.Message}").ToList();
        return new JournalEvidence(source, problems.Count == 0, audit.Instances, audit.Entries, problems, await SignaturesAsync(store, cancellationToken));
    }

    /// <summary>Every signature of the store's tasks (gates, notifications, reports), each recomputed against its parts, oldest first.</summary>
    public static async Task<IReadOnlyList<EvidenceSignature>> SignaturesAsync(IWorkflowStore store, CancellationToken cancellationToken = default)
    {
        var instances = (await store.ListInstancesAsync(null, cancellationToken)).ToDictionary(i => i.Id, StringComparer.Ordinal);
        var list = new List<EvidenceSignature>();
        foreach (var t in await store.ListTasksAsync(null, null, int.MaxValue, cancellationToken))
        {
            if (t.SignatureMeaning is null || t.CompletedAt is null || !instances.TryGetValue(t.InstanceId, out var inst)) continue;
            foreach (var s in await store.ListSignaturesAsync(t.Id, cancellationToken))
                list.Add(new EvidenceSignature("task", t.Id, inst.SubjectId, $"{inst.Workflow} {t.Name}: {t.Decision}" + (t.Reason is null ? "" : $" ({t.Reason})"),
                    s.SignerId, s.PrintedName, s.Meaning, InstantPattern.ExtendedIso.Format(s.SignedAt), s.RecordHash, s.SignatureHash,
                    SignatureHashing.SignatureHash(s.RecordHash, s.SignerId, s.PrintedName, s.Meaning, s.SignedAt) == s.SignatureHash));
        }
        return [.. list.OrderBy(s => s.SignedAt, StringComparer.Ordinal)];
    }
}
