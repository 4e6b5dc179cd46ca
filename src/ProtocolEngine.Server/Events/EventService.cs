using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NodaTime;
using ProtocolEngine.Server.Hosting;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Server.Events;

/// <summary>An event a person or a system sends.</summary>
/// <param name="Type">SubjectIdentified, AdverseEventReported, AdverseEventUpdated, LabResultReported, ConsentSigned, VisitDone, or Custom.</param>
/// <param name="Subject">The subject (USUBJID).</param>
/// <param name="Record">For reported records, the record's variables (AESEQ, AETERM, AESER, ...).</param>
/// <param name="Name">For Custom events, the event name a workflow waits for.</param>
/// <param name="Values">Instance values (region, awarenessAt, timeZone, ...).</param>
/// <param name="IdempotencyKey">The sender's key (or the Idempotency-Key header): the same key is the same event.</param>
internal sealed record EventRequest(string Type, string Subject, Dictionary<string, JsonElement>? Record = null, string? Name = null,
    Dictionary<string, string>? Values = null, string? IdempotencyKey = null);

/// <summary>
/// Durable event ingestion: an event is validated, committed to the inbox (srv_events) and acknowledged; workers in
/// every server process take events from the inbox (a subject's events in the order they arrived, claims with
/// SKIP LOCKED and a lease) and hand them to the study's workflow engine with the event's id as idempotency key, so
/// an event taken over from a process that died is answered, not run again.
/// </summary>
internal sealed partial class EventService(ServerStore store, ServerOptions options, StudyRegistry studies, IClock clock, ILogger<EventService> logger)
{
    private static long _lastSeq;
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    public static readonly IReadOnlyList<string> Types = ["SubjectIdentified", "AdverseEventReported", "AdverseEventUpdated", "LabResultReported", "ConsentSigned", "VisitDone", "Custom"];

    [GeneratedRegex("^[A-Z][A-Z0-9]{0,7}$")]
    private static partial Regex VariableName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex EventName();

    /// <summary>Arrival order in this process: strictly increasing, roughly the time in microseconds across processes.</summary>
    private long NextSeq()
    {
        long now = clock.GetCurrentInstant().ToUnixTimeMilliseconds() * 1000;
        while (true)
        {
            long last = Interlocked.Read(ref _lastSeq);
            long next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _lastSeq, next, last) == last) return next;
        }
    }

    /// <summary>Validates and keeps an event; returns it and whether it is new (a repeated key returns the stored event).</summary>
    public async Task<(EventRecord Event, bool Created)> IngestAsync(CurrentUser sender, StudyRuntime study, EventRequest request, string? headerKey, string? correlationId, CancellationToken ct)
    {
        if (!Types.Contains(request.Type)) throw new ApiException(ApiErrors.BadRequest, $"Unknown event type \"{request.Type}\"; use one of {string.Join(", ", Types)}.");
        if (string.IsNullOrWhiteSpace(request.Subject)) throw new ApiException(ApiErrors.BadRequest, "Name the subject (USUBJID).");
        if (!study.HasSubject(request.Subject)) throw new ApiException(ApiErrors.NotFound, $"Subject {request.Subject} is not in study {study.Id}.");
        if (!sender.CanSeeSite(study.Id, study.SiteOf(request.Subject)))
            throw new ApiException(ApiErrors.SiteNotAssigned, $"Subject {request.Subject} is at site {study.SiteOf(request.Subject)}, which you are not assigned to.");
        string name;
        string? domain = null, recordId = null;
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in request.Values ?? [])
        {
            if (!EventName().IsMatch(k)) throw new ApiException(ApiErrors.BadRequest, $"\"{k}\" is not a value name (letters, digits, dots, dashes, underscores).");
            data[k] = v;
        }
        switch (request.Type)
        {
            case "SubjectIdentified":
                name = StandardEvents.SubjectCreated;
                break;
            case "AdverseEventReported" or "AdverseEventUpdated" or "LabResultReported":
                domain = request.Type == "LabResultReported" ? "LB" : "AE";
                if (request.Record is null || request.Record.Count == 0) throw new ApiException(ApiErrors.BadRequest, $"A {request.Type} event carries the record ({domain}SEQ and its variables).");
                foreach (var (k, v) in request.Record)
                {
                    if (!VariableName().IsMatch(k)) throw new ApiException(ApiErrors.BadRequest, $"\"{k}\" is not an SDTM variable name (upper case, at most 8 characters).");
                    data[k] = v.ValueKind switch
                    {
                        JsonValueKind.String => v.GetString()!,
                        JsonValueKind.Number => v.GetRawText(),
                        JsonValueKind.Null => "",
                        _ => throw new ApiException(ApiErrors.BadRequest, $"{k} must be a string or a number."),
                    };
                }
                if (!data.TryGetValue(domain + "SEQ", out var seq) || !double.TryParse(seq, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    throw new ApiException(ApiErrors.BadRequest, $"The record needs a numeric {domain}SEQ: it names the record in the workflows.");
                if (data.TryGetValue("USUBJID", out var u) && u != request.Subject)
                    throw new ApiException(ApiErrors.BadRequest, $"The record's USUBJID {u} is not the event's subject {request.Subject}.");
                recordId = seq;
                name = StandardEvents.DataArrived;
                break;
            case "ConsentSigned" or "VisitDone":
                name = request.Type;
                break;
            default:
                name = request.Name is { } n && EventName().IsMatch(n) && n is not (StandardEvents.SubjectCreated or StandardEvents.DataArrived)
                    ? n : throw new ApiException(ApiErrors.BadRequest, "A Custom event names the event a workflow waits for (letters, digits, dots, dashes, underscores).");
                break;
        }
        var key = headerKey ?? request.IdempotencyKey ?? Guid.CreateVersion7().ToString("N");
        if (key.Length > 190) throw new ApiException(ApiErrors.BadRequest, "An idempotency key is at most 190 characters.");
        var payload = JsonSerializer.Serialize(new SortedDictionary<string, string>(data, StringComparer.Ordinal));
        var ev = new EventRecord(Guid.CreateVersion7().ToString("N"), NextSeq(), study.Id, request.Subject, name, domain, recordId, payload, key,
            "pending", 0, clock.GetCurrentInstant(), null, null, null, sender.UserName, correlationId);
        var (stored, created) = await store.InsertEventAsync(ev, ct);
        if (!created && (stored.Name != ev.Name || stored.SubjectId != ev.SubjectId || stored.Payload != ev.Payload || stored.Domain != ev.Domain))
            throw new ApiException(ApiErrors.IdempotencyKeyReused, $"The idempotency key {key} was used for another event ({stored.Id}) in this study.");
        if (created) _signal.Release();
        return (stored, created);
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until an event was taken by the workflows; returns it as it is then.</summary>
    public async Task<EventRecord> WaitAsync(string eventId, TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var ev = await store.GetEventAsync(eventId, ct) ?? throw new ApiException(ApiErrors.NotFound, $"No event {eventId}.");
            if (ev.Status is "processed" or "failed" || DateTime.UtcNow >= until) return ev;
            await Task.Delay(20, ct);
        }
    }

    /// <summary>The worker loop: takes events and runs them through the workflows until stopped.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            int n = 0;
            try
            {
                n = await ProcessBatchAsync(32, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be away for a moment: the events stay in the inbox; try again shortly.
                logger.LogWarning(ex, "The event worker could not take events; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ContinueWith(_ => { }, CancellationToken.None);
            }
            if (n == 0) await _signal.WaitAsync(options.WorkerPollInterval, stop).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    /// <summary>Takes up to <paramref name="max"/> events and runs them (events of different subjects in parallel); returns how many.</summary>
    public async Task<int> ProcessBatchAsync(int max, CancellationToken ct)
    {
        var batch = await store.ClaimEventsAsync(options.InstanceName, clock.GetCurrentInstant(), Duration.FromTimeSpan(options.EventLease), max, ct);
        if (batch.Count == 0) return 0;
        // A claim holds at most one event per subject (a subject's later events wait for its earlier ones), so these may run side by side.
        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (ev, token) => await ProcessAsync(ev, token));
        return batch.Count;
    }

    private async Task ProcessAsync(EventRecord ev, CancellationToken ct)
    {
        string status, detail;
        string? result = null;
        try
        {
            var study = await studies.GetAsync(ev.StudyId, ct);
            var data = JsonSerializer.Deserialize<Dictionary<string, string>>(ev.Payload) ?? [];
            // The journal entries the event causes name the request that brought it.
            using var correlation = WorkflowCorrelation.Begin(ev.CorrelationId);
            var r = await study.Engine.PublishEventAsync(new WorkflowEvent(ev.Name, ev.SubjectId, data, ev.Domain, ev.RecordId, "srv-event:" + ev.Id, ev.Actor), ct);
            study.Inbox.Invalidate();
            result = JsonSerializer.Serialize(new { started = r.Started, delivered = r.Delivered, unmatched = r.Unmatched, replayed = r.Replayed });
            status = "processed";
            detail = "";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the lease runs out and another worker (or this one after a restart) takes the event.
            return;
        }
        catch (Exception ex) when (ev.Attempts < 5 && (ex is System.Data.Common.DbException || ex is TimeoutException))
        {
            logger.LogWarning(ex, "Event {Event} could not be processed (attempt {Attempt}); it will be retried", ev.Id, ev.Attempts);
            return;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Event {Event} failed", ev.Id);
            status = "failed";
            detail = ex is ApiException api ? api.Message : $"{ex.GetType().Name}: {ex.Message}";
        }
        await store.CompleteEventAsync(ev.Id, options.InstanceName, status, result, detail.Length == 0 ? null : detail, clock.GetCurrentInstant(), CancellationToken.None);
    }

    /// <summary>An event as the API shows it.</summary>
    public static object View(EventRecord e) => new
    {
        id = e.Id,
        study = e.StudyId,
        subject = e.SubjectId,
        name = e.Name,
        domain = e.Domain,
        recordId = e.RecordId,
        values = JsonSerializer.Deserialize<Dictionary<string, string>>(e.Payload),
        idempotencyKey = e.IdempotencyKey,
        status = e.Status,
        attempts = e.Attempts,
        receivedAt = e.ReceivedAt,
        processedAt = e.ProcessedAt,
        result = e.Result is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(e.Result),
        error = e.Error,
        sentBy = e.Actor,
        correlationId = e.CorrelationId,
    };
}
