using ProtocolEngine.Checks.Results;
using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks.Tests.Execution;

/// <summary>
/// Findings Pinnacle 21 commonly reports, made in a copy of the pilot study (the pharmaverse CSV edition, which has
/// LB, in windows-1252): each edit raises exactly one more finding of the check, naming the record edited.
/// </summary>
public sealed class PilotCaseTests
{
    private static readonly Lazy<CompiledProtocol> Library = new(() => Protocols.File(Paths.SdtmChecks));

    private static string PilotCsv => Path.GetFullPath(Path.Combine(Paths.Root, "..", "shared", "data", "sdtm", "cdiscpilot01-pharmaverse"));

    private static CheckResult Run(string folder, string checkId) =>
        Assert.Single(CheckRunner.Run(Library.Value, StudyLoader.Load(folder, new StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") }),
            new CheckRunOptions { Only = [checkId], AsOf = CqlDateTime.ParseIso("2015-01-01") }).Checks);

    // The check on the pilot as it is, and on a copy with one file edited.
    private static (CheckResult Before, CheckResult After) Compare(string checkId, string file, Func<string[], string[]> edit)
    {
        var folder = Paths.NewTempFolder();
        try
        {
            foreach (var f in Directory.EnumerateFiles(PilotCsv)) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
            var before = Run(folder, checkId);
            var path = Path.Combine(folder, file);
            // Latin-1 keeps every byte of the windows-1252 files as it is.
            File.WriteAllLines(path, edit(File.ReadAllLines(path, System.Text.Encoding.Latin1)), System.Text.Encoding.Latin1);
            return (before, Run(folder, checkId));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void A_lab_result_without_its_unit_is_reported()
    {
        var (before, after) = Compare("LB_STRESU", "lb.csv", lines =>
        {
            Assert.Contains(",38,38,g/L,", lines[1], StringComparison.Ordinal);
            lines[1] = lines[1].Replace(",38,38,g/L,", ",38,38,,", StringComparison.Ordinal);
            return lines;
        });
        Assert.Equal(before.Failed + 1, after.Failed);
        var added = Assert.Single(after.Failures, f => !before.Failures.Any(b => b.RecordKey == f.RecordKey && b.SubjectId == f.SubjectId));
        Assert.Equal(("01-701-1015", "LBSEQ=1"), (added.SubjectId, added.RecordKey));
    }

    [Fact]
    public void An_actual_arm_differing_from_the_planned_arm_is_reported()
    {
        var (before, after) = Compare("DM_ACTARMCD_ARMCD", "dm.csv", lines =>
        {
            const string arms = "\"Pbo\",\"Placebo\",\"Pbo\",\"Placebo\"";
            Assert.Contains(arms, lines[1], StringComparison.Ordinal);
            lines[1] = lines[1].Replace(arms, "\"Pbo\",\"Placebo\",\"Xan_Hi\",\"Xanomeline High Dose\"", StringComparison.Ordinal);
            return lines;
        });
        // The pilot itself has subjects whose actual arm differs from the planned one; the edit adds one more.
        Assert.True(before.Failed > 0);
        Assert.Equal(before.Failed + 1, after.Failed);
        var finding = Assert.Single(after.Failures, f => f.SubjectId == "01-701-1015");
        Assert.Contains(new FindingValue("ACTARMCD", "Xan_Hi"), finding.Values);
    }

    [Fact]
    public void An_end_relative_to_a_time_point_without_the_time_point_is_reported()
    {
        var (before, after) = Compare("AE_ENTPT", "ae.csv", lines =>
        {
            // The pilot's AE has neither variable: add both, AEENRTPT set and AEENTPT missing on the first record only.
            lines[0] += ",\"AEENRTPT\",\"AEENTPT\"";
            for (int i = 1; i < lines.Length; i++) lines[i] += i == 1 ? ",\"ONGOING\",NA" : ",NA,NA";
            return lines;
        });
        Assert.Equal(0, before.Failed);
        var finding = Assert.Single(after.Failures);
        Assert.Equal(("01-701-1015", "AESEQ=1"), (finding.SubjectId, finding.RecordKey));
    }
}
