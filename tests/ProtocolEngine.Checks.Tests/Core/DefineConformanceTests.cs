using ProtocolEngine.Checks.Core;
using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Data.Loading;

namespace ProtocolEngine.Checks.Tests.Core;

/// <summary>A study against its define.xml and a CDISC CT package: each finding names the check, the dataset, the record and the value.</summary>
public sealed class DefineConformanceTests
{
    private const string Define = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:def="http://www.cdisc.org/ns/def/v2.1">
          <Study OID="S"><MetaDataVersion OID="MDV" Name="MDV">
            <ItemGroupDef OID="IG.DM" Name="DM" Repeating="No" Domain="DM">
              <ItemRef ItemOID="IT.DM.USUBJID" Mandatory="Yes"/>
              <ItemRef ItemOID="IT.DM.AGE" Mandatory="No"/>
              <ItemRef ItemOID="IT.DM.SEX" Mandatory="No"/>
              <ItemRef ItemOID="IT.DM.RACE" Mandatory="No"/>
            </ItemGroupDef>
            <ItemGroupDef OID="IG.AE" Name="AE" Repeating="Yes" Domain="AE">
              <ItemRef ItemOID="IT.AE.USUBJID" Mandatory="Yes"/>
            </ItemGroupDef>
            <ItemDef OID="IT.DM.USUBJID" Name="USUBJID" DataType="text" Length="4"><def:Origin Type="Assigned"/></ItemDef>
            <ItemDef OID="IT.DM.AGE" Name="AGE" DataType="integer" Length="3"><def:Origin Type="Collected"/></ItemDef>
            <ItemDef OID="IT.DM.SEX" Name="SEX" DataType="text" Length="1"><CodeListRef CodeListOID="CL.SEX"/></ItemDef>
            <ItemDef OID="IT.DM.RACE" Name="RACE" DataType="text" Length="40"><def:Origin Type="Collected"/></ItemDef>
            <ItemDef OID="IT.AE.USUBJID" Name="USUBJID" DataType="text" Length="4"><def:Origin Type="Assigned"/></ItemDef>
            <CodeList OID="CL.SEX" Name="SEX" DataType="text">
              <CodeListItem CodedValue="F"><Decode><TranslatedText>Female</TranslatedText></Decode></CodeListItem>
              <CodeListItem CodedValue="M"><Decode><TranslatedText>Male</TranslatedText></Decode></CodeListItem>
              <CodeListItem CodedValue="X"><Decode><TranslatedText>Other</TranslatedText></Decode></CodeListItem>
              <Alias Context="nci:ExtCodeID" Name="C66731"/>
            </CodeList>
          </MetaDataVersion></Study>
        </ODM>
        """;

    private const string Terminology =
        "Code\tCodelist Code\tCodelist Extensible (Yes/No)\tCodelist Name\tCDISC Submission Value\tCDISC Synonym(s)\tCDISC Definition\tNCI Preferred Term\n" +
        "C66731\t\tNo\tSex\tSEX\tSex\tSex\tCDISC SDTM Sex Terminology\n" +
        "C16576\tC66731\t\tSex\tF\tFemale\tFemale\tFemale\n" +
        "C20197\tC66731\t\tSex\tM\tMale\tMale\tMale\n" +
        "C17998\tC66731\t\tSex\tU\tU; Unknown\tUnknown\tUnknown\n";

    [Fact]
    public void Datasets_variables_types_lengths_code_lists_origins_and_terminology_are_compared()
    {
        var folder = Paths.NewTempFolder();
        try
        {
            File.WriteAllText(Path.Combine(folder, "define.xml"), Define);
            File.WriteAllText(Path.Combine(folder, "dm.csv"), "USUBJID,AGE,SEX,ARMCD\n0001,34,F,A\n00002,3.5,Q,A\n0003,40,X,B\n");
            File.WriteAllText(Path.Combine(folder, "cm.csv"), "USUBJID,CMTRT\n0001,ASPIRIN\n");
            var ct = Path.Combine(folder, "ct.txt");
            File.WriteAllText(ct, Terminology);
            var study = CoreStudy.Load(folder);
            Assert.NotNull(study.Define);
            var findings = DefineConformance.Check(study.Define!, study, CdiscTerminology.Read(ct));
            string[] Of(string check) => [.. findings.Where(f => f.Check == check).Select(f => $"{f.Dataset}{(f.Record is int r ? " " + r : "")}{(f.Variable is { } v ? " " + v : "")}")];
            Assert.Equal(["AE"], Of("define-dataset-missing"));
            Assert.Equal(["CM"], Of("dataset-not-in-define"));
            Assert.Equal(["DM RACE"], Of("define-variable-missing"));
            Assert.Equal(["DM ARMCD"], Of("variable-not-in-define"));
            Assert.Equal(["DM 2 AGE"], Of("type"));
            Assert.Equal(["DM 2 USUBJID"], Of("length"));
            Assert.Equal(["DM 2 SEX"], Of("codelist"));
            Assert.Equal(["DM SEX"], Of("origin"));
            // X is in the study's code list but not a term of the non-extensible CDISC SEX code list.
            Assert.Equal(["DM 2 SEX", "DM 3 SEX"], Of("terminology"));
            Assert.All(findings.Where(f => f.Record is not null), f => Assert.False(string.IsNullOrEmpty(f.Value)));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void A_malformed_CT_package_is_refused_with_its_name_and_line()
    {
        var folder = Paths.NewTempFolder();
        try
        {
            var ct = Path.Combine(folder, "ct.txt");
            File.WriteAllText(ct, "Code,Name\nC1,X\n");
            var e = Assert.Throws<CoreRuleFormatException>(() => CdiscTerminology.Read(ct));
            Assert.Contains("ct.txt", e.Message, StringComparison.Ordinal);
            Assert.Contains("line 1", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Pilot_datasets_that_define_xml_describes_but_the_folder_lacks_are_reported()
    {
        // A copy of the pilot without ae.xpt: AE joins the datasets the pilot's define.xml describes and its folder
        // never had (LB, QS, VS, SUPPLB).
        var folder = Paths.NewTempFolder();
        try
        {
            foreach (var f in Directory.EnumerateFiles(Paths.Pilot).Where(f => !string.Equals(Path.GetFileName(f), "ae.xpt", StringComparison.OrdinalIgnoreCase)))
                File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
            var study = CoreStudy.Load(folder, new StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") });
            var missing = DefineConformance.Check(study.Define!, study).Where(f => f.Check == "define-dataset-missing").Select(f => f.Dataset);
            Assert.Equal(["AE", "LB", "QS", "SUPPLB", "VS"], missing.Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
