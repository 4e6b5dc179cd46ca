using System.Collections.Concurrent;
using System.Text.Json;
using NodaTime;
using ProtocolEngine.Checks;
using ProtocolEngine.Checks.Queries;
using ProtocolEngine.Checks.Reports;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Screening;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Validation;

/// <summary>Starts a validation run.</summary>
/// <param name="AsOf">The date rules take as today (YYYY-MM-DD); today when not given.</param>
internal sealed record ValidationRunBody(string? AsOf = null);

/// <summary>Answers a data query.</summary>
/// <param name="Decision">corrected (the data were fixed) or explained (the value is right).</param>
/// <param name="Reason">What was done or why.</param>
internal sealed record AnswerQueryBody(string Decision, string Reason);

/// <summary>Closes a data query by a person's decision.</summary>
/// <param name="Reason">Why it can close.</param>
internal sealed record CloseQueryBody(string Reason);

/// <summary>
/// Validation runs and data queries: the protocol's checks run over the study in the background (a CORE-shaped report),
/// and the findings of checks with <c>query to ROLE</c> are reconciled with the study's data queries (new findings open
/// queries, fixed data close them); people answer, close and re-check queries, each step in the query's journal.
/// </summary>
internal sealed class ValidationService(ServerStore store, IClock clock, IHostApplicationLifetime lifetime, ILogger<ValidationService> logger)
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public async Task<ValidationRunRecord> StartAsync(CurrentUser user, StudyRuntime study, ValidationRunBody body, CancellationToken ct)
    {
        var asOf = ScreeningService.ParseAsOf(body.AsOf);
        var run = new ValidationRunRecord(Guid.CreateVersion7().ToString("N"), study.Id, study.Version.Id, "running", user.UserName, clock.GetCurrentInstant(), null, null, null, null);
        await store.InsertValidationRunAsync(run, ct);
        var correlation = Workflows.Execution.WorkflowCorrelation.Current;
        _running[run.Id] = Task.Run(async () =>
        {
            using var _ = Workflows.Execution.WorkflowCorrelation.Begin(correlation);
            try
            {
                var options = new CheckRunOptions { AsOf = asOf };
                var report = CheckRunner.Run(study.Protocol, study.Data, options, lifetime.ApplicationStopping);
                var sync = await study.Queries.SyncAsync(study.Protocol, study.Data.Data, report, options, user.UserName, lifetime.ApplicationStopping);
                study.Inbox.Invalidate();
                var summary = JsonSerializer.Serialize(new
                {
                    checks = report.Checks.Count,
                    failedChecks = report.Checks.Count(c => c.Failed > 0),
                    findings = report.Failures.Count(),
                    blocking = report.HasBlockingIssues,
                    queries = new { opened = sync.Opened, reopened = sync.Reopened, closed = sync.Closed, stillOpen = sync.StillOpen, undecided = sync.Unchanged.Count },
                });
                await store.FinishValidationRunAsync(run.Id, "completed", summary, CoreJsonReport.ToJson(report), null, clock.GetCurrentInstant(), CancellationToken.None);
            }
            catch (Exception ex)
            {
                if (ex is not OperationCanceledException) logger.LogError(ex, "Validation run {Run} failed", run.Id);
                await store.FinishValidationRunAsync(run.Id, "failed", null, null, ex is OperationCanceledException ? "The server stopped during the run." : $"{ex.GetType().Name}: {ex.Message}",
                    clock.GetCurrentInstant(), CancellationToken.None);
            }
        }, CancellationToken.None);
        return run;
    }

    public Task WaitAsync(string runId) => _running.TryGetValue(runId, out var t) ? t : Task.CompletedTask;

    public static object View(ValidationRunRecord r, bool withReport) => new
    {
        id = r.Id,
        study = r.StudyId,
        protocol = r.ProtocolId,
        status = r.Status,
        startedBy = r.StartedBy,
        startedAt = r.StartedAt,
        finishedAt = r.FinishedAt,
        summary = r.Summary is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(r.Summary),
        report = withReport && r.Report is not null ? JsonSerializer.Deserialize<JsonElement>(r.Report) : (JsonElement?)null,
        error = r.Error,
    };

    public static async Task<IReadOnlyList<DataQuery>> ListQueriesAsync(CurrentUser user, StudyRuntime study, bool includeClosed, CancellationToken ct)
    {
        var all = await study.Queries.ListAsync(includeClosed, ct);
        return [.. all.Where(q => q.SubjectId is null ? user.SitesIn(study.Id) is null : user.CanSeeSite(study.Id, study.SiteOf(q.SubjectId)))];
    }

    public static async Task<DataQuery> GetQueryAsync(CurrentUser user, StudyRuntime study, string queryId, CancellationToken ct)
    {
        var q = (await study.Queries.ListAsync(true, ct)).FirstOrDefault(x => x.Id == queryId) ?? throw new ApiException(ApiErrors.NotFound, $"No data query {queryId} in study {study.Id}.");
        bool visible = q.SubjectId is null ? user.SitesIn(study.Id) is null : user.CanSeeSite(study.Id, study.SiteOf(q.SubjectId));
        return visible ? q : throw new ApiException(ApiErrors.SiteNotAssigned, $"Data query {queryId} concerns a subject of a site you are not assigned to.");
    }
}
