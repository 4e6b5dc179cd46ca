using System.Globalization;
using System.Net;
using System.Text;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Reports;

/// <summary>
/// The screening report as one self-contained HTML page (no scripts, fonts or images from the network): summary,
/// attrition funnel in protocol order (remaining after each criterion, and each criterion's independent
/// failures), per-criterion outcome bars, the subjects needing review with their open criteria, the fairness
/// audit, and the exact protocol text with its hashes. Styled for print as well as screen.
/// </summary>
public static class ScreeningHtml
{
    /// <summary>Most subjects listed in the review table (the JSON and CSV outputs list them all).</summary>
    public const int ReviewListLimit = 1000;

    /// <summary>Audits fairness by whichever of SEX, RACE, ETHNIC and AGEGROUP (from AGE) the study's DM holds; null when none.</summary>
    public static FairnessReport? FairnessIfPossible(ScreeningResult result)
    {
        var dm = result.Study.GetDomain("DM");
        if (dm is null) return null;
        var variables = FairnessAudit.DefaultVariables
            .Where(v => dm.GetColumn(v) is not null || v == "AGEGROUP" && dm.GetColumn("AGE") is not null).ToList();
        return variables.Count == 0 ? null : FairnessAudit.Compute(result, variables);
    }

    /// <summary>Writes the report to a file, whole or not at all.</summary>
    /// <exception cref="OutputPathException">The path is not a regular file or a new path.</exception>
    public static void Write(ScreeningResult result, string path, FairnessReport? fairness)
    {
        var html = Render(result, fairness);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        OutputFiles.WriteText(path, w => w.Write(html));
    }

    /// <summary>The report as HTML text.</summary>
    public static string Render(ScreeningResult result, FairnessReport? fairness)
    {
        var b = new StringBuilder(64 * 1024);
        var p = result.Protocol;
        var counts = result.Counts;
        b.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        b.Append("<title>Screening report: ").Append(E(p.Name)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");

        b.Append("<header>\n<h1>Screening report · ").Append(E(p.Name)).Append(" <span class=\"muted\">version ").Append(E(p.Version ?? "-")).Append("</span></h1>\n");
        if (p.Title is { } title) b.Append("<p class=\"title\">").Append(E(title)).Append("</p>\n");
        b.Append("<dl class=\"facts\">");
        Fact(b, "Protocol hash", $"<code>{E(p.ContentHash)}</code>");
        Fact(b, "As of", E(result.AsOf.ToIsoString()));
        Fact(b, "Phase", result.Phase is null ? "all criteria" : E(result.Phase));
        Fact(b, "Data", E(result.Study.Source ?? "in memory"));
        Fact(b, "Subjects screened", N(result.SubjectCount));
        Fact(b, "Generated", E(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)) + " by ProtocolEngine " + E(typeof(ScreeningHtml).Assembly.GetName().Version?.ToString(3) ?? ""));
        b.Append("</dl>\n</header>\n");

        b.Append("<section class=\"cards\">\n");
        Card(b, "eligible", "Eligible", counts.Eligible, result.SubjectCount, "every inclusion met and every exclusion not met, on the data");
        Card(b, "ineligible", "Ineligible", counts.Ineligible, result.SubjectCount, "an inclusion not met or an exclusion met, by data or a recorded determination");
        Card(b, "review", "Needs review", counts.NeedsReview, result.SubjectCount,
            $"{N(counts.AwaitingAttestationOnly)} awaiting attestation only; {N(counts.WithDiscrepancy)} with a discrepancy; {N(counts.WithError)} with a rule error");
        b.Append("</section>\n");
        b.Append("<p class=\"principle\">Missing data never exclude anyone: a criterion the data cannot decide is Unknown and the subject goes to a person. ")
         .Append("People make the clinical decisions; these are the engine's proposals with their evidence.</p>\n");

        Funnel(b, result);
        OutcomeBars(b, result);
        ReviewList(b, result);
        if (fairness is not null) Fairness(b, fairness);
        Notes(b, result);
        ProtocolText(b, result);
        b.Append("<footer>ProtocolEngine screening report · ").Append(E(p.Name)).Append(' ').Append(E(p.ContentHash[..16])).Append("…</footer>\n</body>\n</html>\n");
        return b.ToString();
    }

    private static void Funnel(StringBuilder b, ScreeningResult result)
    {
        int n = Math.Max(1, result.SubjectCount);
        const int labelWidth = 90, barWidth = 520, row = 26, textX = labelWidth + barWidth + 12;
        int height = (result.Attrition.Count + 1) * row + 30;
        b.Append("<section>\n<h2>Attrition funnel</h2>\n<p class=\"muted\">In protocol order: the blue bar is the subjects still not excluded after each criterion; the orange bar is how many that criterion excludes on its own, whatever the others say. Unknown and attested outcomes exclude nobody.</p>\n");
        b.Append($"<svg class=\"funnel\" viewBox=\"0 0 {textX + 250} {height}\" role=\"img\" aria-label=\"Attrition funnel\" xmlns=\"http://www.w3.org/2000/svg\">\n");
        int y = 4;
        b.Append($"<text x=\"0\" y=\"{y + 15}\" class=\"lbl\">Screened</text><rect x=\"{labelWidth}\" y=\"{y + 2}\" width=\"{barWidth}\" height=\"16\" class=\"remain\"/>");
        b.Append($"<text x=\"{textX}\" y=\"{y + 15}\" class=\"num\">{N(result.SubjectCount)}</text>\n");
        foreach (var step in result.Attrition)
        {
            y += row;
            double w = barWidth * (double)step.Remaining / n;
            double wi = barWidth * (double)step.ExcludedIndependently / n;
            b.Append($"<g><title>{E(step.CriterionId)}: {step.Remaining:N0} remaining, {step.ExcludedHere:N0} excluded here, {step.ExcludedIndependently:N0} fail it independently</title>");
            b.Append($"<text x=\"0\" y=\"{y + 13}\" class=\"lbl\">{E(step.CriterionId)}</text>");
            b.Append($"<rect x=\"{labelWidth}\" y=\"{y}\" width=\"{barWidth}\" height=\"14\" class=\"track\"/>");
            b.Append($"<rect x=\"{labelWidth}\" y=\"{y}\" width=\"{F(w)}\" height=\"14\" class=\"remain\"/>");
            b.Append($"<rect x=\"{labelWidth}\" y=\"{y + 15}\" width=\"{F(Math.Max(wi, step.ExcludedIndependently > 0 ? 1.5 : 0))}\" height=\"5\" class=\"indep\"/>");
            b.Append($"<text x=\"{textX}\" y=\"{y + 13}\" class=\"num\">{N(step.Remaining)} left · −{N(step.ExcludedHere)} here · {N(step.ExcludedIndependently)} alone</text></g>\n");
        }
        b.Append("</svg>\n</section>\n");
    }

    private static void OutcomeBars(StringBuilder b, ScreeningResult result)
    {
        int n = Math.Max(1, result.SubjectCount);
        b.Append("<section>\n<h2>Outcomes per criterion</h2>\n<div class=\"legend\"><span class=\"k met\"></span>Passes (inclusion met, exclusion not met) <span class=\"k notmet\"></span>Excludes <span class=\"k unknown\"></span>Unknown <span class=\"k attested\"></span>Awaiting attestation</div>\n");
        b.Append("<table class=\"outcomes\">\n<thead><tr><th>Criterion</th><th>Kind</th><th class=\"bar\">Outcomes</th><th>Met</th><th>Not met</th><th>Unknown</th><th>Attested</th><th>By IE</th><th>Text</th></tr></thead>\n<tbody>\n");
        foreach (var s in result.CriterionSummaries)
        {
            b.Append("<tr><td><b>").Append(E(s.Criterion.Id)).Append("</b></td><td>").Append(ScreeningJson.Kind(s.Criterion.Kind)).Append("</td><td class=\"bar\"><div class=\"stack\">");
            Segment(b, "met", s.Met + s.NotMet - s.Failing, n);
            Segment(b, "notmet", s.Failing, n);
            Segment(b, "unknown", s.Unknown, n);
            Segment(b, "attested", s.Attested, n);
            b.Append("</div></td><td>").Append(N(s.Met)).Append("</td><td>").Append(N(s.NotMet)).Append("</td><td>").Append(N(s.Unknown)).Append("</td><td>").Append(N(s.Attested))
             .Append("</td><td>").Append(N(s.Recorded)).Append(s.Discrepancies > 0 ? $" <span class=\"bad\">({N(s.Discrepancies)} contradicted)</span>" : "")
             .Append("</td><td class=\"text\">").Append(E(s.Criterion.Title)).Append("</td></tr>\n");
        }
        b.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void ReviewList(StringBuilder b, ScreeningResult result)
    {
        b.Append("<section class=\"review\">\n<h2>Subjects needing review</h2>\n");
        int total = result.Counts.NeedsReview, shown = 0;
        if (total == 0)
        {
            b.Append("<p>None.</p>\n</section>\n");
            return;
        }
        b.Append("<table>\n<thead><tr><th>USUBJID</th><th>Open criteria</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < result.SubjectCount && shown < ReviewListLimit; i++)
        {
            if (result.Status(i) != EligibilityStatus.NeedsReview) continue;
            shown++;
            var subject = result.Subject(i);
            b.Append("<tr><td><code>").Append(E(subject.SubjectId)).Append("</code></td><td><ul>");
            foreach (var c in subject.Criteria.Where(c => !EligibilityEvaluator.IsPassing(c.Kind, c.Outcome)))
                b.Append("<li class=\"").Append(c.Cause == OutcomeCause.Discrepancy ? "bad" : c.Outcome == CriterionOutcome.Attested ? "att" : "unk").Append("\">").Append(E(c.Reason)).Append("</li>");
            b.Append("</ul></td></tr>\n");
        }
        b.Append("</tbody>\n</table>\n");
        if (total > shown) b.Append("<p class=\"muted\">").Append(N(total - shown)).Append(" more subjects need review; the JSON and CSV outputs list every subject.</p>\n");
        b.Append("</section>\n");
    }

    private static void Fairness(StringBuilder b, FairnessReport fairness)
    {
        b.Append("<section>\n<h2>Fairness audit</h2>\n<p class=\"muted\">Exclusion rate of each subgroup against the overall rate, with a 95% confidence interval; flagged when a subgroup is excluded at ")
         .Append(F(FairnessAudit.FlagRatio)).Append(" times the overall rate or more and the interval lies above 1. Subgroups: ").Append(E(string.Join(", ", fairness.Variables))).Append(".</p>\n");
        var flagged = fairness.Flagged.ToList();
        b.Append("<h3>Flagged</h3>\n");
        if (flagged.Count == 0) b.Append("<p>No subgroup is flagged.</p>\n");
        else FairnessTable(b, flagged);
        b.Append("<h3>Ineligible for any reason, by subgroup</h3>\n");
        FairnessTable(b, [.. fairness.Rows.Where(r => r.CriterionId == FairnessReport.AnyCriterion)]);
        b.Append("<h3>Composition: screened, not excluded, eligible</h3>\n<table>\n<thead><tr><th>Variable</th><th>Subgroup</th><th>Screened</th><th>Not excluded</th><th>Eligible</th></tr></thead>\n<tbody>\n");
        foreach (var c in fairness.Composition)
            b.Append("<tr><td>").Append(E(c.Variable)).Append("</td><td>").Append(E(DisplayText.Shorten(c.Level))).Append("</td><td>").Append(N(c.Screened)).Append(" (").Append(Pct(c.ScreenedShare))
             .Append(")</td><td>").Append(N(c.NotExcluded)).Append(" (").Append(Pct(c.NotExcludedShare)).Append(")</td><td>").Append(N(c.Eligible)).Append(" (").Append(Pct(c.EligibleShare)).Append(")</td></tr>\n");
        b.Append("</tbody>\n</table>\n<details><summary>Every criterion by subgroup</summary>\n");
        FairnessTable(b, [.. fairness.Rows.Where(r => r.CriterionId != FairnessReport.AnyCriterion && r.Excluded + r.Unknown > 0)]);
        b.Append("</details>\n</section>\n");
    }

    private static void FairnessTable(StringBuilder b, IReadOnlyList<FairnessRow> rows)
    {
        b.Append("<table class=\"fair\">\n<thead><tr><th>Criterion</th><th>Variable</th><th>Subgroup</th><th>Subjects</th><th>Excluded</th><th>Rate</th><th>Overall</th><th>Ratio (95% CI)</th><th>Unknown</th></tr></thead>\n<tbody>\n");
        foreach (var r in rows)
        {
            b.Append(r.Flagged ? "<tr class=\"flag\">" : "<tr>").Append("<td>").Append(E(r.CriterionId)).Append("</td><td>").Append(E(r.Variable)).Append("</td><td>").Append(E(DisplayText.Shorten(r.Level)))
             .Append("</td><td>").Append(N(r.Subjects)).Append("</td><td>").Append(N(r.Excluded)).Append("</td><td>").Append(Pct(r.Rate)).Append("</td><td>").Append(Pct(r.OverallRate)).Append("</td><td>")
             .Append(r.Ratio is double ratio ? $"{ratio:0.00} ({r.Low:0.00}–{r.High:0.00})" : "–").Append(r.Flagged ? " ⚑" : "").Append("</td><td>").Append(N(r.Unknown)).Append("</td></tr>\n");
        }
        b.Append("</tbody>\n</table>\n");
    }

    private static void Notes(StringBuilder b, ScreeningResult result)
    {
        if (result.Determinations.Notes.Count == 0 && result.Determinations.Count == 0) return;
        b.Append("<section>\n<h2>Recorded determinations (IE)</h2>\n<p>").Append(N(result.Determinations.Count))
         .Append(" IE records apply to this protocol's criteria: where a rule cannot decide they decide, and where a rule contradicts them the subject goes to review.</p>\n");
        if (result.Determinations.Notes.Count > 0)
        {
            b.Append("<ul>");
            foreach (var note in result.Determinations.Notes.Take(200)) b.Append("<li>").Append(E(note)).Append("</li>");
            b.Append("</ul>\n");
        }
        b.Append("</section>\n");
    }

    private static void ProtocolText(StringBuilder b, ScreeningResult result)
    {
        var p = result.Protocol;
        b.Append("<section class=\"protocol\">\n<h2>The protocol as run</h2>\n<h3>Criteria and their hashes</h3>\n<table>\n<thead><tr><th>Criterion</th><th>Kind</th><th>Content hash (rule text and everything it uses)</th></tr></thead>\n<tbody>\n");
        foreach (var c in result.Criteria)
            b.Append("<tr><td>").Append(E(c.Id)).Append("</td><td>").Append(ScreeningJson.Kind(c.Kind)).Append(c.AttestedBy is { } r ? $", attested by {E(r.Name)}" : "")
             .Append("</td><td><code>").Append(E(c.Hash)).Append("</code></td></tr>\n");
        b.Append("</tbody>\n</table>\n");
        SourceBlock(b, p.Source.Path, p.Source.Text, $"protocol hash {p.ContentHash}");
        foreach (var library in p.Libraries.Where(l => l.Source is not null).DistinctBy(l => l.Name))
            SourceBlock(b, library.Source!.Path, library.Source.Text, $"imported as {library.Name}; SHA-256 of the file {Sha256Hex.Of(library.Source.Text)}");
        b.Append("</section>\n");
    }

    private static void SourceBlock(StringBuilder b, string path, string text, string caption)
    {
        b.Append("<figure>\n<figcaption><b>").Append(E(Path.GetFileName(path))).Append("</b> · ").Append(E(caption)).Append("</figcaption>\n<pre>");
        int line = 1;
        foreach (var l in text.Split('\n'))
            b.Append("<span class=\"ln\">").Append(line++.ToString(CultureInfo.InvariantCulture)).Append("</span>").Append(E(l.TrimEnd('\r'))).Append('\n');
        b.Append("</pre>\n</figure>\n");
    }

    private static void Card(StringBuilder b, string cls, string label, int count, int total, string note) =>
        b.Append("<div class=\"card ").Append(cls).Append("\"><div class=\"n\">").Append(N(count)).Append("</div><div class=\"l\">").Append(label).Append(" <span class=\"muted\">")
         .Append(Pct(total == 0 ? 0 : (double)count / total)).Append("</span></div><div class=\"note\">").Append(note).Append("</div></div>\n");

    private static void Segment(StringBuilder b, string cls, int count, int n)
    {
        if (count == 0) return;
        b.Append("<span class=\"").Append(cls).Append("\" style=\"width:").Append(F(100.0 * count / n)).Append("%\" title=\"").Append(N(count)).Append("\"></span>");
    }

    private static void Fact(StringBuilder b, string term, string html) => b.Append("<div><dt>").Append(term).Append("</dt><dd>").Append(html).Append("</dd></div>");

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Pct(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private const string Css = """
        :root { --met:#2e7d32; --notmet:#c62828; --unknown:#f9a825; --attested:#6a1b9a; --remain:#1565c0; --indep:#ef6c00; --ink:#1c1c1c; --muted:#666; --line:#ddd; }
        * { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 24px; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; border-bottom: 2px solid var(--ink); padding-bottom: 3px; margin-top: 28px; } h3 { font-size: 15px; margin-bottom: 6px; }
        .muted { color: var(--muted); font-weight: normal; } .title { margin: 0 0 8px; font-style: italic; }
        .facts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4px 18px; margin: 8px 0; } .facts dt { font-size: 11px; text-transform: uppercase; color: var(--muted); } .facts dd { margin: 0; word-break: break-all; }
        .cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; margin: 16px 0 8px; }
        .card { border: 1px solid var(--line); border-left: 6px solid; border-radius: 4px; padding: 10px 12px; } .card .n { font-size: 28px; font-weight: 700; } .card .note { font-size: 12px; color: var(--muted); }
        .card.eligible { border-left-color: var(--met); } .card.ineligible { border-left-color: var(--notmet); } .card.review { border-left-color: var(--unknown); }
        .principle { font-size: 12px; color: var(--muted); }
        table { border-collapse: collapse; width: 100%; margin: 6px 0; } th, td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; } th { font-size: 12px; background: #f4f4f4; }
        td.text { font-size: 12px; color: var(--muted); } td.bar, th.bar { width: 220px; }
        .stack { display: flex; height: 14px; width: 210px; background: #eee; } .stack span { display: block; height: 100%; }
        .met { background: var(--met); } .notmet { background: var(--notmet); } .unknown { background: var(--unknown); } .attested { background: var(--attested); }
        .legend { font-size: 12px; } .legend .k { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: -2px; }
        svg.funnel { width: 100%; max-width: 1000px; height: auto; } svg .lbl { font: 12px system-ui, sans-serif; } svg .num { font: 12px system-ui, sans-serif; fill: var(--muted); }
        svg .track { fill: #eee; } svg .remain { fill: var(--remain); } svg .indep { fill: var(--indep); }
        .review ul { margin: 0; padding-left: 18px; } .review li.unk { color: #7a5a00; } .review li.att { color: var(--attested); } .bad, .review li.bad { color: var(--notmet); font-weight: 600; }
        tr.flag td { background: #fdecea; font-weight: 600; }
        .protocol pre { font: 11.5px/1.35 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #fafafa; border: 1px solid var(--line); padding: 8px; white-space: pre-wrap; }
        .protocol .ln { display: inline-block; width: 3.2em; color: #aaa; user-select: none; } figcaption { font-size: 12px; margin: 10px 0 4px; word-break: break-all; }
        code { font: 12px ui-monospace, Menlo, Consolas, monospace; } footer { margin-top: 30px; font-size: 11px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 6px; }
        @media print {
          body { max-width: none; padding: 0; font-size: 11px; } h2 { break-after: avoid; } tr, figure, .card, svg { break-inside: avoid; }
          section.protocol { break-before: page; } details > summary { display: none; } details { display: block; }
          @page { size: A4; margin: 14mm 12mm; }
        }
        """;
}
