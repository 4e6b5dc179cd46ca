using System.Collections.Concurrent;
using System.Text.Json;
using NodaTime;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Screening;

/// <summary>Starts a screening run.</summary>
/// <param name="AsOf">The date every rule takes as today (YYYY-MM-DD); today when not given.</param>
/// <param name="Phase">Screen only the criteria of this phase.</param>
internal sealed record ScreeningRunBody(string? AsOf = null, string? Phase = null);

/// <summary>
/// Screening runs: the study's data screened with its protocol version in the background (progress readable while it
/// runs, as server-sent events), then the summary (counts, criteria, attrition, fairness) and every subject's result with
/// its evidence stored together, so any server process can show them; the IE records exported on request.
/// </summary>
internal sealed class ScreeningService(ServerStore store, IClock clock, IHostApplicationLifetime lifetime, ILogger<ScreeningService> logger)
{
    private readonly ConcurrentDictionary<string, long> _progress = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ScreeningResult> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public static CqlDateTime ParseAsOf(string? text)
    {
        if (text is null) return CqlDateTime.FromDateTime(DateTime.UtcNow.Date, DateTimePrecision.Day, null);
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", out var d)) return CqlDateTime.FromDateTime(d.ToDateTime(TimeOnly.MinValue), DateTimePrecision.Day, null);
        throw new ApiException(ApiErrors.BadRequest, $"asOf \"{text}\" is not a date; write YYYY-MM-DD.");
    }

    public async Task<ScreeningRunRecord> StartAsync(CurrentUser user, StudyRuntime study, ScreeningRunBody body, CancellationToken ct)
    {
        var asOf = ParseAsOf(body.AsOf);
        if (body.Phase is { } phase && !study.Protocol.CriteriaPhases.Contains(phase))
            throw new ApiException(ApiErrors.BadRequest, $"Protocol {study.Protocol.Name} has no phase {phase}; its phases are {string.Join(", ", study.Protocol.CriteriaPhases)}.");
        var run = new ScreeningRunRecord(Guid.CreateVersion7().ToString("N"), study.Id, study.Version.Id, "running", asOf.ToIsoString(), body.Phase, user.UserName,
            clock.GetCurrentInstant(), null, 0, study.Data.Data.SubjectCount, null, null);
        await store.InsertScreeningRunAsync(run, ct);
        _running[run.Id] = Task.Run(() => RunAsync(study, run, asOf, lifetime.ApplicationStopping), CancellationToken.None);
        return run;
    }

    /// <summary>Waits for a run this process started (tests and the demo); returns at once for runs of other processes.</summary>
    public Task WaitAsync(string runId) => _running.TryGetValue(runId, out var t) ? t : Task.CompletedTask;

    private async Task RunAsync(StudyRuntime study, ScreeningRunRecord run, CqlDateTime asOf, CancellationToken stop)
    {
        long lastSaved = 0;
        var saveEvery = TimeSpan.FromMilliseconds(500);
        var lastSave = DateTime.UtcNow;
        try
        {
            var options = new ScreeningOptions
            {
                AsOf = asOf,
                Phase = run.Phase,
                Progress = new Progress<int>(done =>
                {
                    _progress[run.Id] = done;
                    if (DateTime.UtcNow - lastSave > saveEvery && done > lastSaved)
                    {
                        lastSave = DateTime.UtcNow;
                        lastSaved = done;
                        _ = store.SetScreeningProgressAsync(run.Id, done, CancellationToken.None);
                    }
                }),
            };
            var result = Screener.Screen(study.Protocol, study.Data.Data, options, stop);
            var fairness = ScreeningHtml.FairnessIfPossible(result);
            using var summary = new MemoryStream();
            ScreeningJson.Write(result, summary, fairness, indented: false, includeSubjects: false);
            var subjects = new List<ScreeningSubjectRecord>(result.SubjectCount);
            foreach (var s in result.Subjects())
            {
                using var one = new MemoryStream();
                using (var w = new Utf8JsonWriter(one, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                    ScreeningJson.WriteSubject(w, s);
                subjects.Add(new ScreeningSubjectRecord(s.SubjectId, study.SiteOf(s.SubjectId), s.Status.ToString(), System.Text.Encoding.UTF8.GetString(one.ToArray())));
            }
            await store.CompleteScreeningRunAsync(run.Id, System.Text.Encoding.UTF8.GetString(summary.ToArray()), subjects, clock.GetCurrentInstant(), CancellationToken.None);
            _results[run.Id] = result;
            foreach (var old in _results.Keys.Where(k => k != run.Id).OrderBy(k => k, StringComparer.Ordinal).SkipLast(3)) _results.TryRemove(old, out _);
            logger.LogInformation("Screening run {Run} of study {Study}: {Eligible} eligible, {Ineligible} ineligible, {Review} need review in {Ms} ms",
                run.Id, study.Id, result.Counts.Eligible, result.Counts.Ineligible, result.Counts.NeedsReview, (long)result.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex)
        {
            var why = ex is OperationCanceledException ? "The server stopped during the run; start it again." : $"{ex.GetType().Name}: {ex.Message}";
            if (ex is not OperationCanceledException) logger.LogError(ex, "Screening run {Run} failed", run.Id);
            await store.FailScreeningRunAsync(run.Id, why, clock.GetCurrentInstant(), CancellationToken.None);
        }
        finally
        {
            _progress.TryRemove(run.Id, out _);
        }
    }

    /// <summary>Subjects screened so far: this process's live count, else what the database holds.</summary>
    public long Progress(ScreeningRunRecord run) => _progress.TryGetValue(run.Id, out var done) ? done : run.Status == "completed" ? run.Total : run.Done;

    public async Task<ScreeningRunRecord> GetRunAsync(StudyRuntime study, string runId, CancellationToken ct)
    {
        var run = await store.GetScreeningRunAsync(runId, ct);
        return run is not null && run.StudyId == study.Id ? run : throw new ApiException(ApiErrors.NotFound, $"No screening run {runId} in study {study.Id}.");
    }

    public object View(ScreeningRunRecord run) => new
    {
        id = run.Id,
        study = run.StudyId,
        protocol = run.ProtocolId,
        status = run.Status,
        asOf = run.AsOf,
        phase = run.Phase,
        startedBy = run.StartedBy,
        startedAt = run.StartedAt,
        finishedAt = run.FinishedAt,
        done = Progress(run),
        total = run.Total,
        error = run.Error,
        summary = run.Summary is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(run.Summary),
    };

    /// <summary>The IE records of a run as a file (json, csv or xpt), from this process's result or by screening again (same protocol, data and date).</summary>
    public async Task<(byte[] Bytes, string FileName, string ContentType)> ExportIeAsync(StudyRuntime study, ScreeningRunRecord run, string format, CancellationToken ct)
    {
        if (run.Status != "completed") throw new ApiException(ApiErrors.Conflict, $"Screening run {run.Id} is {run.Status}; IE records exist once it completes.");
        if (!DataFileFormats.TryParse(format, out var f) || f is not (DataFileFormat.Json or DataFileFormat.Csv or DataFileFormat.Xpt))
            throw new ApiException(ApiErrors.BadRequest, "format is json, csv or xpt.");
        if (run.ProtocolId != study.Version.Id)
            throw new ApiException(ApiErrors.Conflict, $"Run {run.Id} screened with {run.ProtocolId}; the study now runs {study.Version.Id}. Export from a run of the current version.");
        if (!_results.TryGetValue(run.Id, out var result))
        {
            result = await Task.Run(() => Screener.Screen(study.Protocol, study.Data.Data, new ScreeningOptions { AsOf = ParseAsOf(run.AsOf), Phase = run.Phase }, ct), ct);
            _results[run.Id] = result;
        }
        var folder = Path.Combine(Path.GetTempPath(), "pe-ie-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (path, _, _) = IeDatasetWriter.Write(result, folder, f);
            var bytes = await File.ReadAllBytesAsync(path, ct);
            var type = f switch { DataFileFormat.Csv => "text/csv", DataFileFormat.Json => "application/json", _ => "application/octet-stream" };
            return (bytes, Path.GetFileName(path), type);
        }
        finally
        {
            try { Directory.Delete(folder, true); } catch (IOException) { }
        }
    }
}
