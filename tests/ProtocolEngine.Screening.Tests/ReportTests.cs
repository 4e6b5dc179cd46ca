using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Screening.Tests;

/// <summary>The outputs a user keeps: the IE dataset, the HTML report (in a real browser, offline), CSV, and the fairness audit.</summary>
public class ReportTests
{
    private static ScreeningResult PilotCsv() =>
        Screener.Screen(Paths.Compile("cdiscpilot01.protocol"), Paths.Study(Paths.PilotCsv).Data,
            new ScreeningOptions { AsOf = CqlDateTime.ParseIso("2014-09-01") });

    [Theory]
    [InlineData(DataFileFormat.Xpt)]
    [InlineData(DataFileFormat.Ndjson)]
    public void IeDataset_HoldsTheStudysRecordsAndOneRecordPerCriterionNotMet_InTheInputFormat(DataFileFormat format)
    {
        var msg = Screener.Screen(Paths.Compile("cdiscpilot01.protocol"), Paths.Study(Paths.Msg).Data, new ScreeningOptions { AsOf = CqlDateTime.ParseIso("2014-09-01") });
        var folder = Paths.TempFolder();
        var (path, records, added) = IeDatasetWriter.Write(msg, folder, format);
        Assert.Equal("ie" + DataFileFormats.Extension(format), Path.GetFileName(path));
        int failing = 0;
        for (int i = 0; i < msg.SubjectCount; i++)
            for (int j = 0; j < msg.Criteria.Count; j++)
                if (msg.Cause(i, j) == OutcomeCause.Rule && EligibilityEvaluator.IsFailing(msg.Criteria[j].Kind, msg.Outcome(i, j))) failing++;
        Assert.True(failing > 0);
        Assert.Equal(failing, added);
        Assert.Equal(1 + failing, records);

        var ie = StudyLoader.ReadFile(path, format).Single();
        Assert.Equal(records, ie.RowCount);
        var subjects = (TextColumn)ie.GetColumn("USUBJID")!;
        var codes = (TextColumn)ie.GetColumn("IETESTCD")!;
        var results = (TextColumn)ie.GetColumn("IEORRES")!;
        var sequences = (NumberColumn)ie.GetColumn("IESEQ")!;
        // The study's own record comes first, unchanged; new ones continue each subject's IESEQ.
        Assert.Equal(("CDISC015", "INCL03", "N", 1.0), (subjects.GetString(0), codes.GetString(0), results.GetString(0), sequences.GetDouble(0)));
        for (int r = 1; r < ie.RowCount; r++)
        {
            var code = codes.GetString(r)!;
            Assert.Equal(code.StartsWith("INCL", StringComparison.Ordinal) ? "N" : "Y", results.GetString(r));
            Assert.Equal("2014-09-01", ie.GetColumn("IEDTC")!.GetObject(r) is { } d ? ValueText.Of(d)[..10] : null);
        }
    }

    [Fact]
    public void IeDataset_NeverOverwritesTheStudysOwnIe()
    {
        var msg = Screener.Screen(Paths.Compile("cdiscpilot01.protocol"), Paths.Study(Paths.Msg).Data);
        var error = Assert.Throws<IOException>(() => IeDatasetWriter.Write(msg, Paths.Msg, DataFileFormat.Ndjson));
        Assert.Contains("the study's own IE dataset", error.Message);
    }

    [Fact]
    public void Csv_HasOneRowPerSubject_WithEveryCriterionsOutcome()
    {
        var result = PilotCsv();
        var writer = new StringWriter();
        ScreeningCsv.Write(result, writer);
        var lines = writer.ToString().TrimEnd().Split('\n');
        Assert.Equal(307, lines.Length);
        Assert.StartsWith("USUBJID,STATUS,INCL01,INCL02,", lines[0]);
        Assert.Matches("^01-701-1015,NeedsReview,Met,Met,Unknown,Unknown,Attested,", lines[1]);
    }

    [Fact]
    public void Html_IsSelfContained_AndCarriesTheFunnelReviewListFairnessAndProtocolText()
    {
        var result = PilotCsv();
        var html = ScreeningHtml.Render(result, ScreeningHtml.FairnessIfPossible(result));
        Assert.DoesNotMatch(new Regex("(src|href)\\s*=\\s*\"(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<svg class=\"funnel\"", html);
        Assert.Contains("Subjects needing review", html);
        Assert.Contains("Fairness audit", html);
        Assert.Contains(result.Protocol.ContentHash, html);
        foreach (var c in result.Criteria) Assert.Contains(c.Hash, html);
        Assert.Contains("Males and postmenopausal females at least 50 years of age.", html);
        Assert.Contains("ctcae5.protocol", html);
    }

    [Fact]
    public async Task Html_OpensInChromiumWithoutNetwork_AndPrints()
    {
        var result = PilotCsv();
        var folder = Paths.TempFolder();
        var path = Path.Combine(folder, "report.html");
        ScreeningHtml.Write(result, path, ScreeningHtml.FairnessIfPossible(result));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Browser.Options);
        await using var context = await browser.NewContextAsync(new() { Offline = true });
        var requests = new List<string>();
        context.Request += (_, request) => requests.Add(request.Url);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(path).AbsoluteUri);
        Assert.All(requests, url => Assert.StartsWith("file://", url));
        Assert.Equal(result.Attrition.Count + 1, await page.Locator("svg.funnel text.lbl").CountAsync());
        Assert.Equal(result.Counts.NeedsReview.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
            (await page.Locator(".card.review .n").InnerTextAsync()).Trim());
        Assert.Equal(Math.Min(result.Counts.NeedsReview, ScreeningHtml.ReviewListLimit), await page.Locator("section.review tbody tr").CountAsync());
        var pdf = await page.PdfAsync(new() { Format = "A4", PrintBackground = true });
        Assert.True(pdf.Length > 10_000, $"PDF of {pdf.Length} bytes");
    }
}
