using System.Text.Json;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Workbench;

/// <summary>
/// A validation run's findings grouped by check or by subject, from the report the run stored (its CORE-shaped
/// Issue_Details), as far as the person's sites allow; groups with the most findings first.
/// </summary>
internal static class FindingsView
{
    public static object Group(CurrentUser user, StudyRuntime study, ValidationRunRecord run, string by, int perGroup)
    {
        if (by is not ("check" or "subject")) throw new ApiException(ApiErrors.BadRequest, "by is check or subject.");
        if (run.Report is null) throw new ApiException(ApiErrors.Conflict, $"Validation run {run.Id} is {run.Status}; its findings exist once it completes.");
        using var doc = JsonDocument.Parse(run.Report);
        var severities = new Dictionary<string, string?>(StringComparer.Ordinal);
        var titles = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var s in doc.RootElement.GetProperty("Issue_Summary").EnumerateArray())
        {
            var id = s.GetProperty("core_id").GetString() ?? "";
            severities[id] = s.GetProperty("severity").GetString();
            titles[id] = s.GetProperty("message").GetString();
        }
        var findings = new List<(string Check, string? Subject, string? Dataset, string? Record, string Message, List<(string Variable, string? Value)> Values)>();
        foreach (var f in doc.RootElement.GetProperty("Issue_Details").EnumerateArray())
        {
            var subject = f.GetProperty("USUBJID").GetString();
            // A finding about the study as a whole is for those who see every site.
            if (subject is null ? user.SitesIn(study.Id) is not null : !user.CanSeeSite(study.Id, study.SiteOf(subject))) continue;
            var vars = f.GetProperty("variables").EnumerateArray().Select(v => v.GetString() ?? "").ToList();
            var vals = f.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.ToString()).ToList();
            findings.Add((f.GetProperty("core_id").GetString() ?? "", subject, f.GetProperty("dataset").GetString(), f.GetProperty("record_key").GetString(),
                f.GetProperty("message").GetString() ?? "", [.. vars.Zip(vals)]));
        }
        var groups = findings.GroupBy(f => by == "check" ? f.Check : f.Subject ?? "")
            .Select(g => new
            {
                key = g.Key,
                label = by == "check" ? $"{g.Key}: {titles.GetValueOrDefault(g.Key) ?? ""}" : g.Key.Length == 0 ? "(the study)" : g.Key,
                severity = by == "check" ? severities.GetValueOrDefault(g.Key) : null,
                count = g.Count(),
                findings = g.Take(perGroup).Select(f => new { check = f.Check, subject = f.Subject, dataset = f.Dataset, record = f.Record, message = f.Message,
                    values = f.Values.Select(v => new { variable = v.Variable, value = v.Value }) }),
            })
            .OrderByDescending(g => g.count).ThenBy(g => g.key, StringComparer.Ordinal).ToList();
        return new { run = run.Id, by, total = findings.Count, groups };
    }
}
