using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Evidence;

/// <summary>An electronic signature as the pack lists it: who, meaning, when, and the record it is bound to.</summary>
/// <param name="Kind">What kind of record was signed (task, attestation, protocol).</param>
/// <param name="RecordId">The signed record's id.</param>
/// <param name="SubjectId">The subject it concerns, when one.</param>
/// <param name="What">What was signed, in words.</param>
/// <param name="Signer">The signer's login name.</param>
/// <param name="PrintedName">The signer's printed name.</param>
/// <param name="Meaning">The meaning of the signature.</param>
/// <param name="SignedAt">When (ISO 8601, UTC).</param>
/// <param name="RecordHash">SHA-256 of the signed record.</param>
/// <param name="SignatureHash">The hash binding signer, name, meaning and time to the record hash.</param>
/// <param name="Valid">True when the signature hash recomputes from its parts.</param>
public sealed record EvidenceSignature(string Kind, string RecordId, string? SubjectId, string What, string Signer, string PrintedName, string Meaning,
    string SignedAt, string RecordHash, string SignatureHash, bool Valid);

/// <summary>The journal's verification and every signature, as the host that keeps the journal found them.</summary>
/// <param name="Source">Which journal (a database, a server study).</param>
/// <param name="Intact">True when every hash, link and signature verified.</param>
/// <param name="Instances">Workflow instances checked.</param>
/// <param name="Entries">Journal entries checked.</param>
/// <param name="Problems">Every problem found (the first edited, missing or reordered entry of an instance, a signature that does not match).</param>
/// <param name="Signatures">Every signature.</param>
public sealed record JournalEvidence(string Source, bool Intact, int Instances, long Entries, IReadOnlyList<string> Problems, IReadOnlyList<EvidenceSignature> Signatures);

/// <summary>What an evidence pack is made of.</summary>
public sealed record EvidenceRequest
{
    /// <summary>The protocol, compiled without errors: the pack holds its text and every library's as compiled.</summary>
    public required CompiledProtocol Protocol { get; init; }

    /// <summary>The study data screened and validated.</summary>
    public required LoadedStudy Study { get; init; }

    /// <summary>A name for the study (its id on a server, its folder on the command line).</summary>
    public required string StudyName { get; init; }

    /// <summary>The date rules take as today.</summary>
    public required CqlDateTime AsOf { get; init; }

    /// <summary>A folder of HL7 CQL conformance test files to run, or null (the pack then says none was run).</summary>
    public string? ConformanceSuite { get; init; }

    /// <summary>The journal verification and signatures, or null when there is no journal (the pack says so).</summary>
    public JournalEvidence? Journal { get; init; }

    /// <summary>Who asked for the pack.</summary>
    public string? RequestedBy { get; init; }
}

/// <summary>One file of a pack.</summary>
/// <param name="Path">Its path in the zip.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sha256">SHA-256 of its bytes, lower-case hex.</param>
public sealed record EvidenceFile(string Path, long Bytes, string Sha256);

/// <summary>What a pack holds: every file (except manifest.json itself) with its SHA-256.</summary>
/// <param name="Protocol">The protocol name.</param>
/// <param name="Version">Its version label, when it states one.</param>
/// <param name="ContentHash">Its content hash.</param>
/// <param name="Files">Every file with its size and SHA-256.</param>
public sealed record EvidenceManifest(string Protocol, string? Version, string ContentHash, IReadOnlyList<EvidenceFile> Files);
