using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ProtocolEngine.Usdm.Import;

/// <summary>
/// Places a design's encounters on its main timeline: each encounter's first scheduled activity instance, the timing
/// that places that instance (after or before another instance, or the fixed reference), and from those the study
/// day. Day 1 is the fixed reference and there is no day 0, as in SDTM: two days before day 1 is day -2.
/// </summary>
internal sealed partial class ScheduleReader(UsdmStudyReader reader, JsonObject design)
{
    private sealed record Timing(string Path, string Type, string? Value, string From, string? To, string? WindowLower, string? WindowUpper, string? WindowLabel, string? Label);

    private readonly Dictionary<string, Timing> _timingOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int?> _days = new(StringComparer.Ordinal);
    private readonly HashSet<string> _visiting = new(StringComparer.Ordinal);

    public List<UsdmEncounter> Encounters()
    {
        var timelines = reader.Objects(design, "scheduleTimelines").ToList();
        var main = timelines.FirstOrDefault(t => t["mainTimeline"] is JsonValue v && v.TryGetValue(out bool b) && b) ?? timelines.FirstOrDefault();
        var instances = new List<(string Id, string? Encounter, string? Epoch)>();
        if (main is not null)
        {
            foreach (var instance in reader.Objects(main, "instances"))
                if (reader.Text(instance, "id", required: true) is { } id)
                    instances.Add((id, reader.Text(instance, "encounterId"), reader.Text(instance, "epochId")));
            foreach (var timing in reader.Objects(main, "timings"))
            {
                var type = reader.Code(timing, "type", required: true);
                var from = reader.Text(timing, "relativeFromScheduledInstanceId", required: true);
                if (type is null || from is null) continue;
                _timingOf.TryAdd(from, new Timing(timing.GetPath(), type.Decode, reader.Text(timing, "value", required: true), from,
                    reader.Text(timing, "relativeToScheduledInstanceId"), reader.Text(timing, "windowLower"), reader.Text(timing, "windowUpper"),
                    reader.Text(timing, "windowLabel"), reader.Text(timing, "valueLabel")));
            }
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var encounter in design["encounters"] as JsonArray ?? [])
            if (encounter is JsonObject { } e && e["id"] is JsonValue eid && eid.TryGetValue(out string? key) && (e["label"] ?? e["name"]) is JsonValue l && l.TryGetValue(out string? text))
                labels.TryAdd(key, text);
        string Anchor(string? instance)
        {
            var at = instances.FirstOrDefault(i => i.Id == instance).Encounter;
            return at is not null && labels.TryGetValue(at, out var label) ? $"{label} ({instance})" : instance ?? "?";
        }

        var result = new List<UsdmEncounter>();
        foreach (var encounter in reader.Objects(design, "encounters"))
        {
            var id = reader.Text(encounter, "id", required: true);
            var name = reader.Text(encounter, "name", required: true, nonEmpty: true);
            if (id is null || name is null) continue;
            var label = reader.Text(encounter, "label");
            var description = reader.Text(encounter, "description");
            var instance = instances.FirstOrDefault(i => i.Encounter == id);
            if (instance.Id is null)
            {
                result.Add(new UsdmEncounter(id, name, label, description, null, null, null, null, null, "the main timeline schedules no activity at this encounter, so it has no study day"));
                continue;
            }
            int? day = DayOf(instance.Id);
            _timingOf.TryGetValue(instance.Id, out var timing);
            int? before = null, after = null;
            string? note = null;
            if (timing is not null && (timing.WindowLower is not null || timing.WindowUpper is not null))
            {
                var lower = Days(timing.WindowLower, $"{timing.Path}.windowLower");
                var upper = Days(timing.WindowUpper, $"{timing.Path}.windowUpper");
                if (lower.Whole is int l && upper.Whole is int u) (before, after) = (l, u);
                else if (lower.Valid && upper.Valid)
                    note = $"its window ({timing.WindowLabel ?? $"{timing.WindowLower} before, {timing.WindowUpper} after"}) is finer than whole days, which visits count in";
            }
            var describe = timing is null ? null : timing.Type.Equals("Fixed Reference", StringComparison.OrdinalIgnoreCase)
                ? "the timeline's fixed reference (day 1)"
                : $"{timing.Label ?? timing.Value} {timing.Type.ToLowerInvariant()} {Anchor(timing.To)}";
            result.Add(new UsdmEncounter(id, name, label, description, instance.Epoch, day, before, after, describe,
                day is null ? "no timing of the main timeline places it, so it has no study day" : note));
        }
        return result;
    }

    // The day of an instance: 1 for the fixed reference, else the day of the instance its timing is relative to, moved.
    private int? DayOf(string instance)
    {
        if (_days.TryGetValue(instance, out var known)) return known;
        if (!_timingOf.TryGetValue(instance, out var timing) || !_visiting.Add(instance)) return null;
        int? day = null;
        var type = timing.Type.ToLowerInvariant();
        if (type == "fixed reference") day = 1;
        else if (type is "after" or "before")
        {
            var offset = Days(timing.Value, $"{timing.Path}.value");
            if (timing.To is null) reader.Problem($"{timing.Path}.relativeToScheduledInstanceId", $"a timing {type} another instance names no instance to be relative to");
            else if (offset.Valid && DayOf(timing.To) is int anchor)
            {
                // A timing finer than a day (hours after the dose) falls on its anchor's day.
                int shift = offset.Whole ?? 0;
                day = Shift(anchor, type == "after" ? shift : -shift);
            }
        }
        else reader.Problem($"{timing.Path}.type", $"timing type \"{timing.Type}\" is not read; expected After, Before or Fixed Reference");
        _visiting.Remove(instance);
        _days[instance] = day;
        return day;
    }

    internal static int Shift(int day, int by)
    {
        int continuous = day > 0 ? day - 1 : day;
        continuous += by;
        return continuous >= 0 ? continuous + 1 : continuous;
    }

    // An ISO 8601 duration as whole days (null when finer than a day); Valid is false when it is no duration (reported).
    private (bool Valid, int? Whole) Days(string? text, string path)
    {
        if (text is null) return (true, 0);
        var m = Duration().Match(text);
        if (!m.Success || m.Groups.Values.Skip(1).All(g => !g.Success))
        {
            reader.Problem(path, $"\"{text}\" is not an ISO 8601 duration such as P2W, P3D or PT4H");
            return (false, null);
        }
        if (m.Groups["y"].Success || m.Groups["mo"].Success)
        {
            reader.Problem(path, $"\"{text}\" counts years or months, which have no exact length in days; give it in weeks or days");
            return (false, null);
        }
        static double N(Group g) => g.Success ? double.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        var span = TimeSpan.FromDays(N(m.Groups["w"]) * 7 + N(m.Groups["d"])) + TimeSpan.FromHours(N(m.Groups["h"])) + TimeSpan.FromMinutes(N(m.Groups["mi"])) + TimeSpan.FromSeconds(N(m.Groups["s"]));
        return span.Ticks % TimeSpan.TicksPerDay == 0 ? (true, (int)span.TotalDays) : (true, null);
    }

    [GeneratedRegex(@"^P(?:(?<y>\d+)Y)?(?:(?<mo>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<mi>\d+)M)?(?:(?<s>\d+(?:\.\d+)?)S)?)?$")]
    private static partial Regex Duration();
}
