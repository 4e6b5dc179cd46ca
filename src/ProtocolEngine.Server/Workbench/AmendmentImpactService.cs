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
            from = new { id = a.Id, version = a.Label, contentHash = a.ContentHash },
            to = new { id = b.Id, version = b.Label, contentHash = b.ContentHash },
            changed = result.Diff.Changed.Count(),
            criteria = result.Diff.Criteria.Select(c => new
            {
                id = c.Id,
                change = c.Change.ToString().ToLowerInvariant(),
                titleChanged = c.TitleChanged,
                ruleChanged = c.RuleChanged,
                kindChanged = c.KindChanged,
                attestationChanged = c.AttestationChanged,
                phaseChanged = c.PhaseChanged,
                canAlterOutcome = c.CanAlterOutcome,
                before = c.Before is null ? null : new { text = c.Before.Title, kind = c.Before.Kind.ToString().ToLowerInvariant(), rule = Language.Compilation.ProtocolDiff.RuleText(c.Before), attestedBy = c.Before.AttestedBy?.Name, hash = c.Before.Hash, decisionHash = c.Before.DecisionHash },
                after = c.After is null ? null : new { text = c.After.Title, kind = c.After.Kind.ToString().ToLowerInvariant(), rule = Language.Compilation.ProtocolDiff.RuleText(c.After), attestedBy = c.After.AttestedBy?.Name, hash = c.After.Hash, decisionHash = c.After.DecisionHash },
            }),
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
