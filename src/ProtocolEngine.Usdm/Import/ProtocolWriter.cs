using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ProtocolEngine.Usdm.Import;

/// <summary>Writes the protocol skeleton of a <see cref="UsdmStudy"/> (the layout <c>protocol format</c> gives it after).</summary>
internal static partial class ProtocolWriter
{
    public static (string Text, int Visits) Write(UsdmStudy study, string sourceName)
    {
        var w = new StringBuilder();
        // A comment holds the study's own words (descriptions, labels, values): a line break in them would end it early.
        void Line(string text = "") => w.Append(text.TrimStart().StartsWith("//", StringComparison.Ordinal) ? LineBreak().Replace(text, " ") : text).Append('\n');

        Line($"// Imported by `protocol usdm import` from {sourceName}, a USDM {study.UsdmVersion} study definition" +
             (study.SystemName is null ? "." : $" written by {study.SystemName} {study.SystemVersion}.".Replace("  ", " ", StringComparison.Ordinal)));
        Line("// A skeleton to complete: each criterion is attested by the investigator until a designer writes its rule (an");
        Line("// expression in place of `attested by Investigator`); the parameters hold the values the criteria's syntax");
        Line("// templates name ({tag} in a text). `protocol usdm export` gives criteria, identifiers and parameters back as USDM.");
        Line($"protocol {ProtocolNames.Write(ProtocolName(study))} version {ProtocolNames.Quote(study.VersionIdentifier ?? "1")}");
        if (study.Title is not null) Line($"  title {ProtocolNames.Quote(study.Title)}");
        if (study.Phase is not null) Line($"  phase {(study.Phase.All(char.IsAsciiDigit) ? study.Phase : ProtocolNames.Quote(study.Phase))}");
        Line("  data SDTM \"3.4\"");
        if (study.Sponsor is { } sponsor) Line($"  sponsor {ProtocolNames.Quote(sponsor.Label ?? sponsor.Name)}");
        if (study.Indication is { Length: > 0 } indication) Line($"  indication {ProtocolNames.Quote(indication)}");
        Line($"  cites {ProtocolNames.Quote(UsdmConventions.StudyCite(study.Name, study.DesignName, study.DesignModel))}");
        foreach (var identifier in study.Identifiers) Line($"  cites {ProtocolNames.Quote(UsdmConventions.IdentifierCite(identifier))}");

        if (study.Parameters.Count > 0)
        {
            Line();
            Line("// Syntax-template parameters: each tag of the criteria's texts with the value the study gives it.");
            foreach (var p in study.Parameters)
                Line($"parameter {ProtocolNames.Write(p.Tag)}: {TypeAndDefault(p.Value)} {ProtocolNames.Quote(UsdmConventions.ParameterDescription(p))}");
        }

        if (study.Arms.Count > 0)
        {
            Line();
            Line("arms");
            var taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var arm in study.Arms)
            {
                var about = string.Join(": ", new[] { arm.Type, arm.Description }.Where(s => !string.IsNullOrWhiteSpace(s)));
                Line($"  // USDM {arm.Id}{(about.Length > 0 ? $", {about}" : "")}");
                Line($"  {ProtocolNames.Write(ProtocolNames.From(arm.Name, taken, "Arm"))} {ProtocolNames.Quote(arm.Label is { Length: > 0 } l ? l : arm.Name)}");
            }
        }

        var epochs = study.Epochs.ToDictionary(e => e.Id, e => e, StringComparer.Ordinal);
        if (study.Epochs.Count > 0)
        {
            Line();
            Line("// Epochs (USDM StudyEpoch; the language has no epochs yet, so each visit names its epoch in its comment):");
            foreach (var e in study.Epochs) Line($"//   {e.Name}{(e.Type is null ? "" : $" ({e.Type})")}");
        }

        int visits = 0;
        if (study.Encounters.Count > 0)
        {
            Line();
            Line("// Visits: the study's encounters, each on the day its timing on the main timeline gives (day 1 is the");
            Line("// timeline's fixed reference; there is no day 0) with its window.");
            var scheduled = study.Encounters.Where(e => e.Day is not null).ToList();
            if (scheduled.Count > 0) Line("visits");
            var taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in study.Encounters)
            {
                var epoch = e.EpochId is not null && epochs.TryGetValue(e.EpochId, out var ep) ? $", epoch {ep.Name}" : "";
                var about = $"USDM {e.Id} {e.Name}{(string.IsNullOrWhiteSpace(e.Description) ? "" : $" \"{e.Description}\"")}{epoch}" +
                            (e.Timing is null ? "" : $"; {e.Timing}") + (e.Note is null ? "" : $"; {e.Note}");
                if (e.Day is not int day)
                {
                    Line($"  // Not a visit: {about}.");
                    continue;
                }
                visits++;
                Line($"  // {about}");
                var window = (e.WindowBefore, e.WindowAfter) switch
                {
                    (int b, int a) when b == a && a > 0 => $" window {a} days",
                    (int b, int a) when b > 0 || a > 0 => $" window {ScheduleReader.Shift(day, -b)} .. {ScheduleReader.Shift(day, a)}",
                    _ => "",
                };
                var label = e.Label is { Length: > 0 } l ? l : e.Name;
                Line($"  {ProtocolNames.Write(ProtocolNames.From(label, taken, "Visit"))} {ProtocolNames.Quote(label)} day {day}{window}");
            }
        }

        Line();
        Line("criteria");
        var values = study.Parameters.ToDictionary(p => p.Tag, p => Display(p.Value), StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in study.Criteria)
        {
            var id = ProtocolNames.IsPlainName(c.Name) && ids.Add(c.Name) ? c.Name : ProtocolNames.From(c.Name, ids, c.IsInclusion ? "IN" : "EX");
            Line();
            Line($"  // {c.Name}: USDM {c.Id} with the text of {c.ItemId}; attested by the investigator until its rule is written.");
            if (c.Tags.Count > 0)
            {
                var filled = c.Tags.Aggregate(c.Text, (t, tag) => t.Replace("{" + tag + "}", values.GetValueOrDefault(tag, "{" + tag + "}"), StringComparison.Ordinal));
                Line($"  // With the study's values: {filled}");
            }
            Line($"  {(c.IsInclusion ? "inclusion" : "exclusion")} {ProtocolNames.Write(id)} {ProtocolNames.Quote(c.Text)}");
            Line($"    cites {ProtocolNames.Quote(UsdmConventions.CriterionCite(c))}");
            Line("    attested by Investigator");
        }
        return (w.ToString(), visits);
    }

    /// <summary>The protocol's name: the sponsor's identifier (H2Q-MC-LZZT gives H2Q_MC_LZZT), else the study's name.</summary>
    public static string ProtocolName(UsdmStudy study)
    {
        var source = study.Identifiers.FirstOrDefault(i => i.Scope == study.Sponsor)?.Text ?? study.Identifiers.FirstOrDefault()?.Text ?? study.Name;
        var sb = new StringBuilder();
        foreach (var c in source) sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        var name = sb.ToString().Trim('_');
        return name.Length == 0 ? "Study" : char.IsAsciiDigit(name[0]) ? "Study_" + name : name;
    }

    private static string TypeAndDefault(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => $"String default {ProtocolNames.QuoteString(value.GetValue<string>())}",
        JsonValueKind.True or JsonValueKind.False => $"Boolean default {(value.GetValueKind() == JsonValueKind.True ? "true" : "false")}",
        _ => Number(value) is var (text, integral) ? $"{(integral ? "Integer" : "Decimal")} default {text}" : "Decimal",
    };

    private static (string Text, bool Integral) Number(JsonValue value)
    {
        var d = decimal.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (d == decimal.Truncate(d) && d is >= int.MinValue and <= int.MaxValue) return (((int)d).ToString(CultureInfo.InvariantCulture), true);
        var text = d.ToString(CultureInfo.InvariantCulture);
        return (text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", false);
    }

    private static string Display(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number => Number(value).Text,
        _ => value.ToJsonString(),
    };

    [GeneratedRegex(@"\s*[\r\n\u0085\u2028\u2029]+\s*")]
    private static partial Regex LineBreak();
}
