using ProtocolEngine.Checks.Core;
using ProtocolEngine.Checks.Tests.Infrastructure;

namespace ProtocolEngine.Checks.Tests.Core;

/// <summary>Loading a study for validation: a malformed value is a finding on its record, never a refused study.</summary>
public sealed class CoreStudyLoadTests
{
    private static CoreStudy Load(params (string File, string Text)[] files)
    {
        var folder = Paths.NewTempFolder();
        try
        {
            foreach (var (file, text) in files) File.WriteAllText(Path.Combine(folder, file), text);
            return CoreStudy.Load(folder);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Malformed_values_are_findings_on_their_records_as_numbered_in_the_file()
    {
        var study = Load(("ae.csv",
            "STUDYID,DOMAIN,USUBJID,AESEQ,AETERM,AESTDTC\n" +
            "S,AE,1,1,HEADACHE,2020-02-30\n" +      // an impossible date
            "S,AE,1,2,NAUSEA,2020-03-01 10:00\n" +  // a space-separated timestamp
            "S,AE,1,three,RASH,2020-03-02\n" +      // text in a numeric variable
            "S,LB,1,4,FEVER,2020-03-03\n" +         // DOMAIN not the dataset's
            "S,AE,1,5,NA,2020-03-04\n"));           // fine: NA is text here
        var ae = Assert.Single(study.Datasets);
        Assert.Equal(5, ae.Rows.Count);
        Assert.Equal(
            [(1, "AESTDTC"), (2, "AESTDTC"), (3, "AESEQ"), (4, "DOMAIN")],
            study.LoadFindings.Select(f => (f.Record!.Value, f.Variables.Single().Key)));
        Assert.All(study.LoadFindings, f => Assert.Equal("AE", f.Dataset));
        Assert.Contains("not a number", study.LoadFindings[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unquoted_NA_stays_the_text_NA_and_helper_files_are_metadata()
    {
        var study = Load(
            ("_datasets.csv", "Filename,Label\nts,Trial Summary\n"),
            ("_variables.csv", "dataset,variable,label,type,length\nts,TSVALNF,Parameter Null Flavor,Char,8\n"),
            ("ts.csv", "STUDYID,DOMAIN,TSSEQ,TSPARMCD,TSVAL,TSVALNF\nS,TS,1,AGEMAX,,NA\nS,TS,2,AGEMIN,18,\"NA\"\n"));
        var ts = Assert.Single(study.Datasets);
        Assert.Equal("TS", ts.Name);
        Assert.Equal(["NA", "NA"], ts.Rows.Select(r => r[ts.IndexOf("TSVALNF")]));
        Assert.Equal("Parameter Null Flavor", Assert.Single(ts.Variables).Label);
        Assert.Empty(study.LoadFindings);
    }
}
