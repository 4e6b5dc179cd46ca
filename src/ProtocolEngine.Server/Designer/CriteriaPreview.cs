using System.Diagnostics;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Screening;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Protocols;
using ProtocolEngine.Server.Screening;
using ProtocolEngine.Server.Studies;

namespace ProtocolEngine.Server.Designer;

/// <summary>
/// The criteria of a text being edited screened over a study's data by the product's one screener (<see cref="Screener"/>,
/// the path of every screening run), without evidence and without storing anything: the attrition funnel, each criterion's
/// outcome counts and each subject's status (the editor compares two previews to show whom an edit changed).
/// </summary>
internal static class CriteriaPreview
{
    public static object Run(CompiledProtocol protocol, StudyRuntime study, string? asOf, TimeSpan compileTime, CancellationToken ct)
    {
        if (protocol.HasErrors)
            throw new ApiException(ApiErrors.ProtocolHasErrors, $"{protocol.Name} has {protocol.Diagnostics.Count(d => d.IsError)} error(s); fix them to preview its criteria.",
                new Dictionary<string, object?> { ["diagnostics"] = ProtocolService.Diagnostics(protocol) });
        if (protocol.Criteria.Length == 0)
            throw new ApiException(ApiErrors.BadRequest, $"{protocol.Name} has no criteria to preview.");
        var date = ScreeningService.ParseAsOf(asOf);
        var watch = Stopwatch.StartNew();
        ScreeningResult result;
        try
        {
            result = Screener.Screen(protocol, study.Data.Data, new ScreeningOptions { AsOf = date, RecordEvidence = false }, ct);
        }
        catch (ArgumentException e)
        {
            // The screener refuses a protocol it cannot run on this data (its message says why).
            throw new ApiException(ApiErrors.BadRequest, e.Message);
        }
        var screened = watch.Elapsed;
        var counts = result.Counts;
        return new
        {
            protocol = protocol.Name,
            contentHash = protocol.ContentHash,
            study = study.Id,
            asOf = date.ToIsoString(),
            subjects = counts.Subjects,
            compileMs = Math.Round(compileTime.TotalMilliseconds, 1),
            screenMs = Math.Round(screened.TotalMilliseconds, 1),
            counts = new { eligible = counts.Eligible, ineligible = counts.Ineligible, needsReview = counts.NeedsReview, awaitingAttestationOnly = counts.AwaitingAttestationOnly },
            funnel = result.Attrition.Select(a => new { criterion = a.CriterionId, kind = a.Kind.ToString().ToLowerInvariant(), remaining = a.Remaining, excludedHere = a.ExcludedHere }),
            criteria = result.CriterionSummaries.Select(c => new
            {
                id = c.Criterion.Id,
                kind = c.Criterion.Kind.ToString().ToLowerInvariant(),
                title = c.Criterion.Title,
                hash = c.Criterion.Hash,
                met = c.Met,
                notMet = c.NotMet,
                unknown = c.Unknown,
                attested = c.Attested,
                errors = c.Errors,
            }),
            statuses = Enumerable.Range(0, result.SubjectCount).Select(i => new { subject = result.SubjectId(i), status = result.Status(i).ToString() }),
        };
    }
}
