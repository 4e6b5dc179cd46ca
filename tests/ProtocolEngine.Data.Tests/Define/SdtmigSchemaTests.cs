using ProtocolEngine.Data.Define;
using ProtocolEngine.Language.DataModel;

namespace ProtocolEngine.Data.Tests.Define;

public class SdtmigSchemaTests
{
    // Variables the pilot (an SDTMIG 3.1.2 study) carries that the SDTMIG 3.4 domain specifications do not list:
    // timing variables the SDTM model allows in any domain, and MedDRA hierarchy terms the pilot kept in MH.
    private static readonly HashSet<string> _notInSdtmig34 =
    [
        "AE.AEDTC", "CM.CMDTC", "CM.VISITNUM", "CM.VISIT", "CM.VISITDY", "DS.VISITNUM", "DS.VISIT",
        "EX.VISITNUM", "EX.VISIT", "EX.VISITDY", "MH.MHLLT", "MH.MHHLT", "MH.MHHLGT", "MH.MHSEV",
        "MH.VISITNUM", "MH.VISIT", "MH.VISITDY",
    ];

    [Fact]
    public void EveryPilotDefineVariable_IsKnownToSdtmig34_WithTheSameTypeClass()
    {
        var define = DefineXmlReader.Read(Path.Combine(TestData.Pilot, "define.xml"));
        var model = SdtmModel.Sdtmig34;
        var problems = new List<string>();
        int checkedCount = 0;
        var exceptionsSeen = new HashSet<string>();
        foreach (var dataset in define.Datasets)
        {
            var domain = model.FindDomain(dataset.Name);
            Assert.True(domain is not null, $"SDTMIG 3.4 model lacks domain {dataset.Name}");
            foreach (var v in dataset.Variables)
            {
                var key = $"{dataset.Name}.{v.Name}";
                var known = domain!.FindVariable(v.Name);
                if (known is null)
                {
                    if (_notInSdtmig34.Contains(key)) exceptionsSeen.Add(key);
                    else problems.Add($"{key} is unknown");
                    continue;
                }
                checkedCount++;
                bool numeric = known.Type is VariableType.Num or VariableType.Integer;
                if (numeric != v.IsNumeric) problems.Add($"{key}: model {known.Type}, define {v.DataType}");
                if (v.DataType is "date" or "datetime" && known.Type != VariableType.DateTime)
                    problems.Add($"{key}: define says {v.DataType} but the model types it {known.Type}");
            }
        }
        Assert.Empty(problems);
        // Every listed exception is really absent from the model and present in the pilot.
        Assert.Equal(_notInSdtmig34.Order(), exceptionsSeen.Order());
        Assert.True(checkedCount > 250, $"only {checkedCount} variables were compared");
    }

    [Fact]
    public void Sdtmig34_HasTheCommonDomains_WithStructures()
    {
        var model = SdtmModel.Sdtmig34;
        foreach (var name in new[] { "DM", "AE", "CM", "MH", "LB", "VS", "EG", "EX", "DS", "SV", "SE", "IE", "QS", "TI", "TS", "TA", "TE", "TV", "SUPPQUAL", "PR", "RELREC", "CO" })
            Assert.NotNull(model.FindDomain(name));
        Assert.Equal(DomainStructure.OnePerSubject, model.FindDomain("DM")!.Structure);
        foreach (var name in new[] { "TA", "TE", "TV", "TI", "TS" })
            Assert.Equal(DomainStructure.StudyLevel, model.FindDomain(name)!.Structure);
        Assert.Equal(DomainStructure.ManyPerSubject, model.FindDomain("LB")!.Structure);
        Assert.Equal(VariableType.Integer, model.FindDomain("AE")!.FindVariable("AESEQ")!.Type);
        Assert.Equal(VariableType.DateTime, model.FindDomain("DM")!.FindVariable("BRTHDTC")!.Type);
        Assert.Equal(VariableType.Duration, model.FindDomain("AE")!.FindVariable("AEDUR")!.Type);
        Assert.Equal("NY", model.FindDomain("AE")!.FindVariable("AESER")!.CodeList);
        Assert.Equal(VariableCore.Required, model.FindDomain("DM")!.FindVariable("SEX")!.Core);
        Assert.Equal("SUPPAE", model.FindDomain("SUPPAE")!.Name);
        // The first variables follow SDTMIG order.
        Assert.Equal(["STUDYID", "DOMAIN", "USUBJID", "LBSEQ"], model.FindDomain("LB")!.Variables.Take(4).Select(v => v.Name));
    }

    [Fact]
    public void MsgDefine21_ReadsDatasetsVariablesAndCodeLists()
    {
        var define = DefineXmlReader.Read(Path.Combine(TestData.Msg, "define.xml"));
        var dm = define.FindDataset("DM");
        Assert.NotNull(dm);
        Assert.Equal("Demographics", dm!.Label);
        var age = dm.FindVariable("AGE")!;
        Assert.Equal("integer", age.DataType);
        Assert.Equal(8, age.Length);
        var sex = dm.FindVariable("SEX")!;
        Assert.Equal(["F", "M"], define.CodeLists[sex.CodeListOid!].Items.Select(i => i.CodedValue));
        var refined = SdtmModel.Sdtmig34.Refine(define.ToDomainSchemas());
        // QSPH is a study-specific split dataset: binding learns it from define.xml.
        Assert.NotNull(refined.FindDomain("QSPH"));
        Assert.Equal(VariableType.Duration, refined.FindDomain("QSPH")!.FindVariable("QSEVLINT")!.Type);
    }

    [Fact]
    public void MalformedDefine_ReportsFileAndLine()
    {
        var dir = TestData.NewTempFolder();
        var path = Path.Combine(dir, "define.xml");
        File.WriteAllText(path, "<ODM>\n<Study>\n<MetaDataVersion>\n</Study>");
        var ex = Assert.Throws<DataFormatException>(() => DefineXmlReader.Read(path));
        Assert.Equal(path, ex.File);
        Assert.Equal(4, ex.Record);
    }
}
