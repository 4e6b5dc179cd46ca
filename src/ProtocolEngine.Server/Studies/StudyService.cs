using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using NodaTime;
using ProtocolEngine.Data.Inspection;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Server.Events;
using ProtocolEngine.Server.Hosting;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Protocols;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Server.Studies;

/// <summary>Registers a study over a folder the server can read.</summary>
/// <param name="Id">The study id (lower-case letters, digits and dashes).</param>
/// <param name="Title">Its title.</param>
/// <param name="ProtocolId">The published protocol version it runs (name@number).</param>
/// <param name="DataPath">The folder of datasets (XPT, Dataset-JSON, CSV, with define.xml) on the server.</param>
/// <param name="IdentifySubjects">Start every per-subject workflow (recruitment) for every subject of DM.</param>
/// <param name="Encoding">The text encoding of the datasets when it is not UTF-8 (windows-1252, latin1, ...); the pilot's SAS files
/// need windows-1252. Text that is not valid in it is refused, never guessed.</param>
internal sealed record RegisterStudyBody(string Id, string Title, string ProtocolId, string? DataPath = null, bool IdentifySubjects = false, string? Encoding = null);

/// <summary>Moves a study to another published protocol version.</summary>
/// <param name="ProtocolId">The version (name@number).</param>
internal sealed record StudyProtocolBody(string ProtocolId);

/// <summary>A person's signed decision on a criterion only a person can decide.</summary>
/// <param name="Criterion">The criterion id (INCL07).</param>
/// <param name="Outcome">met or notMet.</param>
/// <param name="Reason">Why.</param>
/// <param name="Signature">The meaning and the password again.</param>
internal sealed record AttestationBody(string Criterion, string Outcome, string Reason, SignatureRequest? Signature = null);

/// <summary>
/// Studies: registered over a folder or uploaded datasets, read once to check they load and to learn each subject's site;
/// inspected; their subjects shown with screening results, attestations, workflows and history; attestations signed.
/// </summary>
internal sealed class StudyService(ServerStore store, ServerOptions options, StudyRegistry registry, ProtocolService protocols, EventService events,
    SignatureService signatures, AuditLog audit, IClock clock)
{
    private static readonly HashSet<string> DatasetExtensions = new(StringComparer.OrdinalIgnoreCase) { ".xpt", ".json", ".ndjson", ".csv", ".xml" };

    public async Task<StudyRecord> RegisterAsync(CurrentUser user, RegisterStudyBody body, string source, CancellationToken ct)
    {
        if (body.Id is null || !ServerDatabase.IsStudyId(body.Id)) throw new ApiException(ApiErrors.BadRequest, "A study id is 1 to 40 lower-case letters, digits or dashes, starting with a letter or digit.");
        if (string.IsNullOrWhiteSpace(body.Title)) throw new ApiException(ApiErrors.BadRequest, "Give the study a title.");
        if (body.DataPath is null || (!Directory.Exists(body.DataPath) && !File.Exists(body.DataPath)))
            throw new ApiException(ApiErrors.BadRequest, $"No data folder or file at {body.DataPath ?? "(none given)"} on the server.");
        if (await store.GetStudyAsync(body.Id, ct) is not null) throw new ApiException(ApiErrors.Conflict, $"Study {body.Id} exists.");
        var (version, _) = await protocols.GetAsync(body.ProtocolId ?? "", ct);
        var encoding = StudyDataReader.ParseEncoding(body.Encoding);
        var data = await StudyDataReader.LoadAsync(body.DataPath, encoding, ct);
        if (data.Data.SubjectCount == 0) throw new ApiException(ApiErrors.DataUnreadable, $"The data at {body.DataPath} has no subjects (DM is missing or empty).");
        var subjects = SitesOf(data);
        var sites = subjects.Select(s => s.SiteId).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var study = new StudyRecord(body.Id, body.Title.Trim(), version.Id, Path.GetFullPath(body.DataPath), source, user.UserName, clock.GetCurrentInstant(),
            data.Data.SubjectCount, sites, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), encoding?.WebName);
        if (!await store.CreateStudyAsync(study, subjects, ct)) throw new ApiException(ApiErrors.Conflict, $"Study {body.Id} exists.");
        await audit.WriteAsync(user.UserName, "study-registered", "study:" + study.Id, null, version.Id,
            $"{study.Subjects} subjects, {sites.Count} sites; data {source}; protocol {version.ContentHash}", ct: ct);
        var runtime = await registry.GetAsync(study.Id, ct);
        if (body.IdentifySubjects) await IdentifyAllAsync(user, runtime, ct);
        return study;
    }

    /// <summary>Starts the per-subject workflows of every subject (one SubjectIdentified event each, idempotent per subject).</summary>
    public async Task<int> IdentifyAllAsync(CurrentUser user, StudyRuntime study, CancellationToken ct)
    {
        int n = 0;
        foreach (var subject in study.Sites.Keys.Order(StringComparer.Ordinal))
        {
            var (_, created) = await events.IngestAsync(user, study, new EventRequest("SubjectIdentified", subject), "identify:" + subject, WorkflowCorrelation.Current, ct);
            if (created) n++;
        }
        return n;
    }

    /// <summary>Stores uploaded datasets (files, or zips of them) in the data folder and registers the study over them.</summary>
    public async Task<StudyRecord> UploadAsync(CurrentUser user, RegisterStudyBody body, IFormFileCollection files, CancellationToken ct)
    {
        if (!ServerDatabase.IsStudyId(body.Id ?? "")) throw new ApiException(ApiErrors.BadRequest, "A study id is 1 to 40 lower-case letters, digits or dashes, starting with a letter or digit.");
        if (files.Count == 0) throw new ApiException(ApiErrors.BadRequest, "Upload the datasets (XPT, Dataset-JSON, NDJSON, CSV, define.xml) or a zip of them.");
        var folder = Path.Combine(options.DataDir, "uploads", body.Id + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            foreach (var file in files)
            {
                var name = Path.GetFileName(file.FileName);
                var ext = Path.GetExtension(name);
                if (ext.Equals(".zip", StringComparison.OrdinalIgnoreCase))
                {
                    await using var s = file.OpenReadStream();
                    using var zip = new ZipArchive(s, ZipArchiveMode.Read);
                    foreach (var entry in zip.Entries)
                    {
                        if (entry.FullName.EndsWith('/')) continue;
                        var entryName = Path.GetFileName(entry.FullName);
                        // Only dataset files, flattened into the folder: a zip cannot write anywhere else.
                        if (!DatasetExtensions.Contains(Path.GetExtension(entryName)) || entryName.StartsWith('.')) continue;
                        await using var target = File.Create(Path.Combine(folder, entryName));
                        await using var from = entry.Open();
                        await from.CopyToAsync(target, ct);
                    }
                }
                else if (DatasetExtensions.Contains(ext) && !name.StartsWith('.'))
                {
                    await using var target = File.Create(Path.Combine(folder, name));
                    await file.CopyToAsync(target, ct);
                }
                else
                {
                    throw new ApiException(ApiErrors.UnsupportedMediaType, $"{name}: upload .xpt, .json, .ndjson, .csv, define.xml or .zip files.");
                }
            }
            return await RegisterAsync(user, body with { DataPath = folder }, "upload", ct);
        }
        catch
        {
            try { Directory.Delete(folder, true); } catch (IOException) { }
            throw;
        }
    }

    private static List<SubjectSite> SitesOf(LoadedStudy data)
    {
        var dm = data.Data.GetDomain("DM");
        var list = new List<SubjectSite>(data.Data.SubjectCount);
        for (int i = 0; i < data.Data.SubjectCount; i++)
        {
            string? site = null;
            if (dm is not null && dm.GetColumn("SITEID") is not null && dm.IsSubjectIndexed)
            {
                var (start, count) = dm.RowsOf(i);
                if (count > 0)
                    site = dm.Record(start)["SITEID"] switch
                    {
                        null => null,
                        string s => s.Length == 0 ? null : s,
                        double d => d.ToString(CultureInfo.InvariantCulture),
                        var o => Convert.ToString(o, CultureInfo.InvariantCulture),
                    };
            }
            list.Add(new SubjectSite(data.Data.SubjectIds[i], site));
        }
        return list;
    }

    public async Task SetProtocolAsync(CurrentUser user, StudyRuntime study, string protocolId, CancellationToken ct)
    {
        var (version, bundle) = await protocols.GetAsync(protocolId, ct);
        if (bundle.Protocol.Name != study.Protocol.Name && !user.RolesIn(study.Id).Contains(Roles.Admin))
            throw new ApiException(ApiErrors.Forbidden, $"Only an administrator moves a study to another protocol ({bundle.Protocol.Name} is not {study.Protocol.Name}).");
        await store.SetStudyProtocolAsync(study.Id, version.Id, ct);
        registry.Forget(study.Id);
        // Loading publishes the new version's workflows; running instances stay on the version they started on.
        await registry.GetAsync(study.Id, ct);
        await audit.WriteAsync(user.UserName, "study-protocol-changed", "study:" + study.Id, study.Version.Id, version.Id, version.ContentHash, ct: ct);
    }

    public static object View(StudyRecord s, ProtocolVersionRecord? v) => new
    {
        id = s.Id,
        title = s.Title,
        protocol = new { id = s.ProtocolId, name = v?.Name, version = v?.Label, contentHash = v?.ContentHash },
        subjects = s.Subjects,
        sites = s.Sites,
        dataSource = s.DataSource,
        registeredBy = s.CreatedBy,
        registeredAt = s.CreatedAt,
    };

    public static object Inspect(StudyRuntime study)
    {
        var report = StudyInspector.Inspect(study.Data);
        return new
        {
            study = View(study.Study, study.Version),
            data = new
            {
                subjects = report.Subjects,
                datasets = report.Datasets.Select(d => new
                {
                    name = d.Name,
                    label = d.Label,
                    file = d.File is null ? null : Path.GetFileName(d.File),
                    format = d.Format,
                    records = d.Records,
                    subjects = d.Subjects,
                    variables = d.Variables.Count,
                    missingValues = d.MissingValues,
                }).ToList(),
                notes = report.Notes.Select(n => n.Message).ToList(),
            },
        };
    }

    /// <summary>The subjects a user may see, with their sites.</summary>
    public static object Subjects(CurrentUser user, StudyRuntime study, string? site, int offset, int limit)
    {
        var visible = study.Sites.Where(p => user.CanSeeSite(study.Id, p.Value) && (site is null || p.Value == site)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        return new { total = visible.Count, offset, limit, subjects = visible.Skip(offset).Take(limit).Select(p => new { subject = p.Key, site = p.Value }).ToList() };
    }

    public static void EnsureVisible(CurrentUser user, StudyRuntime study, string subjectId)
    {
        if (!study.HasSubject(subjectId)) throw new ApiException(ApiErrors.NotFound, $"Subject {subjectId} is not in study {study.Id}.");
        if (!user.CanSeeSite(study.Id, study.SiteOf(subjectId)))
            throw new ApiException(ApiErrors.SiteNotAssigned, $"Subject {subjectId} is at site {study.SiteOf(subjectId) ?? "(none)"}, which you are not assigned to.");
    }

    /// <summary>A subject: site, latest screening with evidence, attestations (signed), workflow instances with tasks, signatures and clocks, and history.</summary>
    public async Task<object> SubjectAsync(CurrentUser user, StudyRuntime study, string subjectId, CancellationToken ct)
    {
        EnsureVisible(user, study, subjectId);
        var runs = await store.ListScreeningRunsAsync(study.Id, ct);
        object? screening = null;
        if (runs.FirstOrDefault(r => r.Status == "completed") is { } run && await store.GetScreeningSubjectAsync(run.Id, subjectId, ct) is { } result)
            screening = new { run = run.Id, protocol = run.ProtocolId, asOf = run.AsOf, result = JsonSerializer.Deserialize<JsonElement>(result.Result) };
        var attestations = await AttestationsAsync(study, subjectId, ct);
        var instances = await WorkflowQueries.ListSubjectInstancesAsync(study.Store, subjectId, ct);
        var workflows = new List<object>();
        var history = new List<(Instant At, object Entry)>();
        foreach (var inst in instances)
        {
            var tasks = await study.Store.ListTasksAsync(inst.Id, ct: ct);
            var taskViews = new List<object>();
            foreach (var t in tasks)
            {
                var sigs = await study.Store.ListSignaturesAsync(t.Id, ct);
                taskViews.Add(new { id = t.Id, name = t.Name, title = t.Title, status = t.Status, assignee = t.Assignee, candidateRoles = t.CandidateRoles, dueAt = t.DueAt, decision = t.Decision, reason = t.Reason,
                    completedBy = t.CompletedBy, completedAt = t.CompletedAt, signatures = sigs.Select(Tasks.TaskService.SignatureView).ToList() });
            }
            var clocks = await study.Engine.GetClocksAsync(inst.Id, ct);
            workflows.Add(new
            {
                id = inst.Id, workflow = inst.Workflow, definition = inst.DefinitionId, key = inst.CorrelationKey, state = inst.State, status = inst.Status,
                startedAt = inst.CreatedAt, updatedAt = inst.UpdatedAt, tasks = taskViews,
                clocks = clocks.Select(c => new { name = c.Name, party = c.Party, day0 = c.Day0, dueAt = c.DueAt, status = c.Status, remainingSeconds = (long)c.Remaining.TotalSeconds, day = c.Day, metAt = c.MetAt }).ToList(),
            });
            foreach (var e in await study.Store.GetJournalAsync(inst.Id, ct))
                history.Add((e.At, JournalView(e, inst.Workflow)));
        }
        foreach (var (at, view) in attestations) history.Add((at, view));
        return new
        {
            study = study.Id,
            subject = subjectId,
            site = study.SiteOf(subjectId),
            screening,
            attestations = attestations.Select(a => a.View).ToList(),
            workflows,
            history = history.OrderBy(h => h.At).Select(h => h.Entry).ToList(),
        };
    }

    public static object JournalView(Workflows.Journal.JournalEntry e, string? workflow = null) => new
    {
        kind = "journal",
        instance = e.InstanceId,
        workflow,
        seq = e.Sequence,
        at = e.At,
        actor = e.Actor,
        action = e.Action,
        oldValue = e.OldValue,
        newValue = e.NewValue,
        ruleHashes = e.RuleHashes,
        detail = e.Detail,
        correlationId = e.CorrelationId,
        hash = e.Hash,
    };

    private async Task<List<(Instant At, object View)>> AttestationsAsync(StudyRuntime study, string subjectId, CancellationToken ct)
    {
        var list = new List<(Instant, object)>();
        foreach (var a in await store.ListAttestationsAsync(study.Id, subjectId, ct))
        {
            var sig = await store.GetSignatureAsync(a.SignatureId, ct);
            list.Add((a.CreatedAt, AttestationView(a, sig)));
        }
        return list;
    }

    private static object AttestationView(AttestationRecord a, ServerSignatureRecord? sig) => new
    {
        kind = "attestation",
        id = a.Id,
        criterion = a.CriterionId,
        criterionHash = a.CriterionHash,
        outcome = a.Outcome,
        reason = a.Reason,
        at = a.CreatedAt,
        signature = sig is null ? null : ProtocolService.SignatureView(sig),
    };

    /// <summary>Records a signed attestation of a criterion only a person can decide.</summary>
    public async Task<object> AttestAsync(CurrentUser user, StudyRuntime study, string subjectId, AttestationBody body, CancellationToken ct)
    {
        EnsureVisible(user, study, subjectId);
        var criterion = study.Protocol.FindCriterion(body.Criterion ?? "") ?? throw new ApiException(ApiErrors.NotFound, $"Protocol {study.Protocol.Name} has no criterion {body.Criterion}.");
        if (criterion.AttestedBy is not { } role)
            throw new ApiException(ApiErrors.BadRequest, $"{criterion.Id} is decided by its rule, not attested by a person.");
        var actor = user.ActorIn(study.Id);
        if (!actor.Roles.Contains(role.Name))
            throw new ApiException(ApiErrors.Forbidden, $"{criterion.Id} is attested by {role.Name}; your roles in study {study.Id} are {string.Join(", ", actor.Roles)}.");
        if (body.Outcome is not ("met" or "notMet")) throw new ApiException(ApiErrors.BadRequest, "An attestation's outcome is met or notMet.");
        if (string.IsNullOrWhiteSpace(body.Reason)) throw new ApiException(ApiErrors.BadRequest, "Give the reason for the attestation.");
        var id = Guid.CreateVersion7().ToString("N");
        var recordHash = SignatureService.RecordHash("pe-attestation-v1", id, study.Id, subjectId, criterion.Id, criterion.Hash, body.Outcome, body.Reason.Trim(), user.UserName);
        var sig = await signatures.SignAsync(user, body.Signature, "attestation", id, recordHash, null, ct);
        var attestation = new AttestationRecord(id, study.Id, subjectId, criterion.Id, criterion.Hash, body.Outcome, body.Reason.Trim(), sig.Id, sig.SignedAt);
        await store.InsertAttestationAsync(attestation, sig, ct);
        await audit.WriteAsync(user.UserName, "criterion-attested", $"subject:{study.Id}/{subjectId}", null, $"{criterion.Id} {body.Outcome}",
            $"criterion hash {criterion.Hash}; signed ({sig.Meaning}) {sig.SignatureHash}", ct: ct);
        return AttestationView(attestation, sig);
    }
}
