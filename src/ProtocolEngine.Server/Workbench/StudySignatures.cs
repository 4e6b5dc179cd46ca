using NodaTime.Text;
using ProtocolEngine.Evidence;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Signatures;

namespace ProtocolEngine.Server.Workbench;

/// <summary>
/// Every electronic signature of a study, as far as the person's sites allow: the workflow tasks' (gates, notifications,
/// reports, read as an evidence pack reads them), the attestations', and the signature of the protocol version it runs;
/// each recomputed against its parts.
/// </summary>
internal static class StudySignatures
{
    public static async Task<IReadOnlyList<EvidenceSignature>> ListAsync(CurrentUser user, StudyRuntime study, ServerStore store, CancellationToken ct)
    {
        var list = (await JournalEvidenceReader.SignaturesAsync(study.Store, ct)).Where(s => s.SubjectId is null || user.CanSeeSite(study.Id, study.SiteOf(s.SubjectId))).ToList();
        foreach (var a in await store.ListAttestationsAsync(study.Id, null, ct))
        {
            if (!user.CanSeeSite(study.Id, study.SiteOf(a.SubjectId))) continue;
            if (await store.GetSignatureAsync(a.SignatureId, ct) is { } s) list.Add(Server(s, "attestation", a.SubjectId, $"{a.CriterionId} attested {a.Outcome} ({a.Reason})"));
        }
        if (study.Version.SignatureId is { } id && await store.GetSignatureAsync(id, ct) is { } p)
            list.Add(Server(p, "protocol", null, $"protocol {study.Version.Id} published (content hash {study.Version.ContentHash[..12]})"));
        return [.. list.OrderBy(s => s.SignedAt, StringComparer.Ordinal)];
    }

    private static EvidenceSignature Server(ServerSignatureRecord s, string kind, string? subject, string what) =>
        new(kind, s.RecordId, subject, what, s.SignerId, s.PrintedName, s.Meaning, InstantPattern.ExtendedIso.Format(s.SignedAt), s.RecordHash, s.SignatureHash,
            SignatureHashing.SignatureHash(s.RecordHash, s.SignerId, s.PrintedName, s.Meaning, s.SignedAt) == s.SignatureHash);
}
