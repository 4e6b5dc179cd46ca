using ProtocolEngine.Evidence;
using ProtocolEngine.Server.Screening;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Workbench;

/// <summary>
/// A study's evidence pack (<see cref="EvidencePack"/>): its protocol version's stored texts, the study's data screened
/// and validated on the date of its latest screening, the journal verified with the server's audit chain, and every
/// signature. The HL7 CQL conformance suite runs when the configuration names its folder (ProtocolEngine:ConformanceSuite) or
/// it lies beside the repository (../shared/conformance/cql, as for the demo).
/// </summary>
internal sealed class EvidenceService(ServerStore store, IConfiguration configuration)
{
    // Beside the repository, as the demo's data are (README: ../shared holds the conformance suite).
    private static readonly string DefaultSuite = Path.Combine("..", "shared", "conformance", "cql");

    public async Task<(byte[] Zip, string FileName)> BuildAsync(CurrentUser user, StudyRuntime study, CancellationToken ct)
    {
        var asOf = (await store.ListScreeningRunsAsync(study.Id, ct)).FirstOrDefault(r => r.Status == "completed")?.AsOf;
        var date = ScreeningService.ParseAsOf(asOf is { Length: >= 10 } ? asOf[..10] : asOf);
        var workflows = await JournalEvidenceReader.ReadAsync(study.Store, $"study {study.Id}", ct);
        var (auditEntries, auditProblem) = await store.VerifyAuditAsync(ct);
        var problems = workflows.Problems.ToList();
        if (auditProblem is not null) problems.Add($"server audit chain: {auditProblem.Message}");
        // The task signatures with the attestations' and the protocol's, as the signatures page lists them.
        var journal = workflows with
        {
            Source = $"study {study.Id}: workflow journal, and the server's audit chain ({auditEntries} entries)",
            Intact = workflows.Intact && auditProblem is null,
            Problems = problems,
            Signatures = await StudySignatures.ListAsync(user, study, store, ct),
        };
        var request = new EvidenceRequest
        {
            Protocol = study.Protocol,
            Study = study.Data,
            StudyName = study.Id,
            AsOf = date,
            ConformanceSuite = configuration["ProtocolEngine:ConformanceSuite"] ?? (Directory.Exists(DefaultSuite) ? DefaultSuite : null),
            Journal = journal,
            RequestedBy = user.UserName,
        };
        using var ms = new MemoryStream();
        await Task.Run(() => EvidencePack.Write(request, ms, ct), ct);
        return (ms.ToArray(), $"evidence-{study.Id}-{study.Version.Name}-{study.Version.Number}.zip");
    }
}
