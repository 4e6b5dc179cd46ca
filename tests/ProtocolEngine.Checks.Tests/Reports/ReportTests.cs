using System.Text.Json;
using ProtocolEngine.Checks.Reports;
using ProtocolEngine.Checks.Results;
using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks.Tests.Reports;

public sealed class ReportTests
{
    private static readonly Lazy<ValidationReport> Report = new(() => CheckRunner.Run(Protocols.Text("""
        protocol T version "1.2"
          data SDTM "3.4"

        check SER "Serious when hospitalised"
          severity error
          cites "SDTMIG 3.4 section 6.2.1; CDISC SDTM Conformance Rule CG0041"
          for each AE A where A.AESHOSP = 'Y'
          expect A.AESER = 'Y'
          message "AESER is {A.AESER}, term \"{A.AETERM}\""
          query to DataManager
        check DATES "End after start"
          severity warning
          for each AE A where A.AESTDTC is not null
          expect not (A.AEENDTC before A.AESTDTC)
        check LBX "Lab test code"
          for each LB L
          expect L.LBTESTCD is not null
        check TSX "Trial summary"
          for study
          expect exists (TS T where T.TSPARMCD = 'SSTDTC')
        """), RecordText.Study("""
        DM USUBJID=S1
        AE USUBJID=S1 AESEQ=1 AETERM="FALL, AT HOME" AESHOSP=Y AESER=N AESTDTC=2014-03-10 AEENDTC=2014-03-01
        AE USUBJID=S1 AESEQ=2 AETERM=<NAUSEA> AESHOSP=Y AESER=N AESTDTC=2014-03-10 AEENDTC=2014-03
        """), new CheckRunOptions { AsOf = CqlDateTime.ParseIso("2015-01-01") }));

    [Fact]
    public void Json_has_the_sections_of_a_CDISC_CORE_report()
    {
        using var doc = JsonDocument.Parse(CoreJsonReport.ToJson(Report.Value));
        var root = doc.RootElement;
        var conformance = root.GetProperty("Conformance_Details");
        Assert.Equal("T", conformance.GetProperty("Protocol").GetString());
        Assert.Equal("1.2", conformance.GetProperty("Protocol_Version").GetString());
        Assert.Equal(Report.Value.ProtocolHash, conformance.GetProperty("Protocol_Hash").GetString());
        Assert.Equal("SDTMIG", conformance.GetProperty("Standard").GetString());
        Assert.Equal("V3.4", conformance.GetProperty("Version").GetString());
        Assert.Equal("test", conformance.GetProperty("Data_Source").GetString());

        var datasets = root.GetProperty("Dataset_Details").EnumerateArray().ToList();
        Assert.Contains(datasets, d => d.GetProperty("filename").GetString() == "ae" && d.GetProperty("length").GetInt32() == 2);

        var summary = root.GetProperty("Issue_Summary").EnumerateArray().Single(s => s.GetProperty("core_id").GetString() == "SER");
        Assert.Equal(2, summary.GetProperty("issues").GetInt32());
        Assert.Equal("error", summary.GetProperty("severity").GetString());

        var details = root.GetProperty("Issue_Details").EnumerateArray().ToList();
        Assert.Equal(3, details.Count);
        var first = details[0];
        Assert.Equal("SER", first.GetProperty("core_id").GetString());
        Assert.Equal("AESER is N, term \"FALL, AT HOME\"", first.GetProperty("message").GetString());
        Assert.Equal("AE", first.GetProperty("dataset").GetString());
        Assert.Equal("S1", first.GetProperty("USUBJID").GetString());
        Assert.Equal(1, first.GetProperty("SEQ").GetDouble());
        var variables = first.GetProperty("variables").EnumerateArray().Select(v => v.GetString()).ToList();
        var values = first.GetProperty("values").EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Equal("N", values[variables.IndexOf("AESER")]);

        Assert.Single(root.GetProperty("Not_Evaluable_Details").EnumerateArray());

        var rules = root.GetProperty("Rules_Report").EnumerateArray().ToDictionary(r => r.GetProperty("core_id").GetString()!);
        Assert.Equal("ISSUE REPORTED", rules["SER"].GetProperty("status").GetString());
        Assert.Equal("CG0041", rules["SER"].GetProperty("cdisc_rule_id").GetString());
        Assert.Equal("DataManager", rules["SER"].GetProperty("query_to").GetString());
        Assert.Equal("SKIPPED", rules["LBX"].GetProperty("status").GetString());
        Assert.Equal("EXECUTION ERROR", rules["TSX"].GetProperty("status").GetString());
        Assert.Equal("PE9005", rules["TSX"].GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("ISSUE REPORTED", rules["DATES"].GetProperty("status").GetString());
    }

    [Fact]
    public void Csv_has_one_quoted_row_per_finding()
    {
        var lines = CsvReport.ToCsv(Report.Value).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("core_id,severity,outcome,dataset,USUBJID,row,SEQ,record_key,message", lines[0], StringComparison.Ordinal);
        Assert.Equal(1 + 3 + 1, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("SER,error,failed,AE,S1,1,1,AESEQ=1,\"AESER is N, term \"\"FALL, AT HOME\"\"\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("DATES,warning,not evaluable,AE,S1,2,2,AESEQ=2,", StringComparison.Ordinal));
    }

    [Fact]
    public void Html_is_self_contained_printable_and_escapes_the_data()
    {
        var html = HtmlReport.ToHtml(Report.Value);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<NAUSEA>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;NAUSEA&gt;", html, StringComparison.Ordinal);
        // Checks are listed by severity: the error check before the warning check.
        Assert.True(html.IndexOf("<code>SER</code>", StringComparison.Ordinal) < html.IndexOf("<code>DATES</code>", StringComparison.Ordinal));
        Assert.Contains("EXECUTION ERROR", html, StringComparison.Ordinal);
        Assert.Contains(Report.Value.ProtocolHash, html, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_lists_every_check_and_the_findings()
    {
        var text = TextReport.ToText(Report.Value);
        foreach (var id in new[] { "SER", "DATES", "LBX", "TSX" }) Assert.Contains(id, text, StringComparison.Ordinal);
        Assert.Contains("AE S1 AESEQ=1: AESER is N", text, StringComparison.Ordinal);
        Assert.Contains("EXECUTION ERROR PE9005", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_file_is_written_whole_or_not_at_all()
    {
        var folder = Paths.NewTempFolder();
        try
        {
            var path = Path.Combine(folder, "report.html");
            OutputFiles.WriteText(path, w => HtmlReport.Write(Report.Value, w));
            Assert.Contains("</html>", File.ReadAllText(path), StringComparison.Ordinal);
            Assert.Throws<InvalidOperationException>(() => OutputFiles.WriteText(path, w =>
            {
                w.Write("partial");
                throw new InvalidOperationException("disk full");
            }));
            Assert.Contains("</html>", File.ReadAllText(path), StringComparison.Ordinal);
            Assert.Single(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
