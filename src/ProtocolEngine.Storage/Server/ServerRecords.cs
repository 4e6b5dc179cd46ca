using NodaTime;

namespace ProtocolEngine.Storage.Server;

/// <summary>A person or a system account.</summary>
/// <param name="Id">The user id.</param>
/// <param name="UserName">The login name (unique).</param>
/// <param name="DisplayName">The printed name signatures show (21 CFR 11.50(a)(1)).</param>
/// <param name="PasswordHash">The password hash (algorithm, iterations, salt and hash in one string); never the password.</param>
/// <param name="Kind">person or system.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="DisabledAt">When it was disabled, if it was.</param>
public sealed record UserRecord(string Id, string UserName, string DisplayName, string PasswordHash, string Kind, Instant CreatedAt, Instant? DisabledAt = null);

/// <summary>A role a user holds in a study (or in every study: <see cref="AllStudies"/>).</summary>
/// <param name="UserId">The user.</param>
/// <param name="StudyId">The study, or <see cref="AllStudies"/>.</param>
/// <param name="Role">Admin, Designer, Investigator, SafetyPhysician, DataManager, Monitor or Regulator.</param>
/// <param name="Sites">For investigators, the sites (DM.SITEID) they are assigned; empty means every site.</param>
public sealed record MembershipRecord(string UserId, string StudyId, string Role, IReadOnlyList<string> Sites)
{
    /// <summary>The study id that stands for every study.</summary>
    public const string AllStudies = "*";
}

/// <summary>A personal API token. Only its SHA-256 is stored; the token itself is shown once, at creation.</summary>
/// <param name="Id">The token id.</param>
/// <param name="UserId">The user it acts as.</param>
/// <param name="Name">What it is for.</param>
/// <param name="TokenHash">SHA-256 of the token.</param>
/// <param name="Scopes">What it may do (see the server's scope list).</param>
/// <param name="StudyId">The one study it is limited to, or null for the user's studies.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ExpiresAt">When it stops working, if it does.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
public sealed record TokenRecord(string Id, string UserId, string Name, string TokenHash, IReadOnlyList<string> Scopes, string? StudyId,
    Instant CreatedAt, Instant? ExpiresAt, Instant? RevokedAt);

/// <summary>A published, immutable protocol version.</summary>
/// <param name="Id">The version id (name@number).</param>
/// <param name="Name">The protocol name (CDISCPILOT01).</param>
/// <param name="Number">1, 2, 3 per name, in publication order.</param>
/// <param name="Label">The version the text states ("1.0").</param>
/// <param name="ContentHash">SHA-256 of the protocol text and every library it imports.</param>
/// <param name="Title">The title.</param>
/// <param name="Sources">The exact texts: the protocol and every library it imports (JSON: {"main": ..., "libraries": {...}}).</param>
/// <param name="Author">The user who published it.</param>
/// <param name="PublishedAt">When.</param>
/// <param name="SignatureId">The author's electronic signature of the publication.</param>
public sealed record ProtocolVersionRecord(string Id, string Name, long Number, string? Label, string ContentHash, string? Title, string Sources,
    string Author, Instant PublishedAt, string? SignatureId);

/// <summary>An electronic signature the server holds (protocol publications, attestations), bound to the signed record's hash.</summary>
/// <param name="Id">The signature id.</param>
/// <param name="RecordKind">What was signed (protocol, attestation).</param>
/// <param name="RecordId">Its id.</param>
/// <param name="RecordHash">SHA-256 of the signed record's canonical form.</param>
/// <param name="SignerId">The signer's user id.</param>
/// <param name="PrintedName">The signer's printed name.</param>
/// <param name="Meaning">review, approval, responsibility or authorship.</param>
/// <param name="SignedAt">Date and time of signing.</param>
/// <param name="SignatureHash">SHA-256 binding record hash, signer, printed name, meaning and time.</param>
public sealed record ServerSignatureRecord(string Id, string RecordKind, string RecordId, string RecordHash, string SignerId, string PrintedName,
    string Meaning, Instant SignedAt, string SignatureHash);

/// <summary>A registered study: its data and the protocol version it runs.</summary>
/// <param name="Id">The study id (a short slug).</param>
/// <param name="Title">Its title.</param>
/// <param name="ProtocolId">The protocol version it runs.</param>
/// <param name="DataPath">The folder its datasets are in.</param>
/// <param name="DataSource">Where they came from (a registered folder, or an upload).</param>
/// <param name="CreatedBy">Who registered it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="Subjects">How many subjects DM holds.</param>
/// <param name="Sites">The sites (DM.SITEID values).</param>
/// <param name="RandomizationSeed">The secret seed of its randomisation when the protocol states none (hex).</param>
/// <param name="Encoding">The text encoding its datasets were written in when it is not UTF-8 (windows-1252, for example); null for UTF-8.
/// Kept with the study so that every later read of its data decodes it the same way.</param>
public sealed record StudyRecord(string Id, string Title, string ProtocolId, string DataPath, string DataSource, string CreatedBy, Instant CreatedAt,
    long Subjects, IReadOnlyList<string> Sites, string RandomizationSeed, string? Encoding = null);

/// <summary>A subject of a study and its site.</summary>
/// <param name="SubjectId">USUBJID.</param>
/// <param name="SiteId">DM.SITEID, when present.</param>
public sealed record SubjectSite(string SubjectId, string? SiteId);

/// <summary>A screening run of a study.</summary>
/// <param name="Id">The run id.</param>
/// <param name="StudyId">The study.</param>
/// <param name="ProtocolId">The protocol version screened with.</param>
/// <param name="Status">running, completed or failed.</param>
/// <param name="AsOf">The date rules took as today.</param>
/// <param name="Phase">The phase screened, or null for every criterion.</param>
/// <param name="StartedBy">Who started it.</param>
/// <param name="StartedAt">When.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Done">Subjects screened so far.</param>
/// <param name="Total">Subjects to screen.</param>
/// <param name="Summary">The summary (counts, criteria, attrition, fairness) as JSON, once completed.</param>
/// <param name="Error">Why it failed.</param>
public sealed record ScreeningRunRecord(string Id, string StudyId, string ProtocolId, string Status, string AsOf, string? Phase, string StartedBy,
    Instant StartedAt, Instant? FinishedAt, long Done, long Total, string? Summary, string? Error);

/// <summary>One subject's screening in a run.</summary>
/// <param name="SubjectId">USUBJID.</param>
/// <param name="SiteId">Its site.</param>
/// <param name="Status">Eligible, Ineligible or NeedsReview.</param>
/// <param name="Result">The subject's criteria, reasons and evidence as JSON.</param>
public sealed record ScreeningSubjectRecord(string SubjectId, string? SiteId, string Status, string Result);

/// <summary>A person's signed decision on a criterion only a person can decide (<c>attested by Investigator</c>).</summary>
/// <param name="Id">The attestation id.</param>
/// <param name="StudyId">The study.</param>
/// <param name="SubjectId">The subject.</param>
/// <param name="CriterionId">The criterion.</param>
/// <param name="CriterionHash">The hash of the criterion text attested.</param>
/// <param name="Outcome">met or notMet.</param>
/// <param name="Reason">Why.</param>
/// <param name="SignatureId">The signature.</param>
/// <param name="CreatedAt">When.</param>
public sealed record AttestationRecord(string Id, string StudyId, string SubjectId, string CriterionId, string CriterionHash, string Outcome, string Reason,
    string SignatureId, Instant CreatedAt);

/// <summary>An event received from a person or a system, kept durably until the workflows have taken it.</summary>
/// <param name="Id">The event id.</param>
/// <param name="Seq">Its place in the order of arrival.</param>
/// <param name="StudyId">The study.</param>
/// <param name="SubjectId">The subject.</param>
/// <param name="Name">The workflow event name (SubjectCreated, DataArrived, ConsentSigned, ...).</param>
/// <param name="Domain">For records, the domain (AE, LB, ...).</param>
/// <param name="RecordId">For records, the record id (--SEQ).</param>
/// <param name="Payload">The event's values as JSON.</param>
/// <param name="IdempotencyKey">The sender's key: a second event with the same key is the same event.</param>
/// <param name="Status">pending, processing, processed or failed.</param>
/// <param name="Attempts">How often a worker took it.</param>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="ProcessedAt">When the workflows took it.</param>
/// <param name="Result">What it started or advanced (JSON).</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Actor">Who sent it.</param>
/// <param name="CorrelationId">The request that brought it.</param>
public sealed record EventRecord(string Id, long Seq, string StudyId, string SubjectId, string Name, string? Domain, string? RecordId, string Payload,
    string IdempotencyKey, string Status, long Attempts, Instant ReceivedAt, Instant? ProcessedAt, string? Result, string? Error, string Actor, string? CorrelationId);

/// <summary>An arm allocated to a subject, in allocation order.</summary>
/// <param name="Seq">The allocation number in the study.</param>
/// <param name="SubjectId">The subject.</param>
/// <param name="Stratum">The stratum.</param>
/// <param name="Arm">The arm.</param>
public sealed record AllocationRecord(long Seq, string SubjectId, string Stratum, string Arm);

/// <summary>The stored answer of an unsafe request sent with an idempotency key.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The response body.</param>
/// <param name="Method">The request's method.</param>
/// <param name="Path">The request's path.</param>
public sealed record IdempotentResponse(int Status, string Body, string Method, string Path);

/// <summary>A validation run of a study.</summary>
/// <param name="Id">The run id.</param>
/// <param name="StudyId">The study.</param>
/// <param name="ProtocolId">The protocol version whose checks ran.</param>
/// <param name="Status">running, completed or failed.</param>
/// <param name="StartedBy">Who started it.</param>
/// <param name="StartedAt">When.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Summary">Counts and the data-query reconciliation (JSON).</param>
/// <param name="Report">The CORE-shaped report (JSON).</param>
/// <param name="Error">Why it failed.</param>
public sealed record ValidationRunRecord(string Id, string StudyId, string ProtocolId, string Status, string StartedBy, Instant StartedAt,
    Instant? FinishedAt, string? Summary, string? Report, string? Error);
