using System.Collections.Concurrent;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Protocols;
using ProtocolEngine.Server.Screening;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Workbench;

/// <summary>
/// An amendment's diff and its impact on a study (both versions screen the study's data on the same date, by
/// <see cref="AmendmentImpact"/>); kept per study, versions and date, since the data and the versions are immutable.
/// </summary>
internal sealed class AmendmentImpactService(ProtocolService protocols, ServerStore store)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<AmendmentImpactResult>>> _cache = new(StringComparer.Ordinal);

    public async Task<object> AssessAsync(CurrentUser user, StudyRuntime study, string? from, string? to, string? asOf, CancellationToken ct)
    {
        if (from is null || to is null) throw new ApiException(ApiErrors.BadRequest, "Name both versions: ?from=NAME@N&to=NAME@M.");
        var (a, ba) = await protocols.GetAsync(from, ct);
        var (b, bb) = await protocols.GetAsync(to, ct);
        // The date the study's latest screening took as today, so the impact reads like the screening people know.
        asOf ??= (await store.ListScreeningRunsAsync(study.Id, ct)).FirstOrDefault(r => r.Status == "completed")?.AsOf;
        var date = ScreeningService.ParseAsOf(asOf is { Length: >= 10 } ? asOf[..10] : asOf);
        var key = $"{study.Id}|{a.Id}|{b.Id}|{date.ToIsoString()}";
        var lazy = _cache.GetOrAdd(key, _ => new Lazy<Task<AmendmentImpactResult>>(() => Task.Run(() => AmendmentImpact.Assess(ba.Protocol, bb.Protocol, study.Data.Data, date))));
        AmendmentImpactResult result;
        try
        {
            result = await lazy.Value.WaitAsync(ct);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _cache.TryRemove(key, out _);
            throw;
        }
        var sites = user.SitesIn(study.Id);
        var visible = result.Changed.Where(s => sites is null || (study.SiteOf(s.SubjectId) is { } site && sites.Contains(site))).ToList();
        return new
        {
            diff = ProtocolService.Diff(a, b, result.Diff),
            impact = new
            {
                study = study.Id,
                asOf = result.AsOf.ToIsoString(),
                screened = result.Screened,
                changed = visible.Count,
                subjects = visible.Select(s => new
                {
                    subject = s.SubjectId,
                    site = study.SiteOf(s.SubjectId),
                    before = s.Before.ToString(),
                    after = s.After.ToString(),
                    criteria = s.Criteria.Select(c => new { id = c.CriterionId, before = c.Before?.ToString(), after = c.After?.ToString() }),
                }),
            },
        };
    }
}
