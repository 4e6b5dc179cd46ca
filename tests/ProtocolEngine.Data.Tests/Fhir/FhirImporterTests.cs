using ProtocolEngine.Data.Fhir;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests.Fhir;

public class FhirImporterTests
{
    private static readonly string _bundles = Path.Combine(AppContext.BaseDirectory, "Fhir", "Bundles");
    private static readonly FhirImportOptions _options = new() { StudyId = "EHR", ReferenceDate = new DateOnly(2025, 1, 1) };

    private static FhirImportResult Import() => FhirImporter.Import(_bundles, _options);

    private static (DomainTable Table, int Start, int Count) Rows(FhirImportResult r, string domain, string subject)
    {
        var t = r.Data.GetDomain(domain)!;
        var (start, count) = t.RowsOf(r.Data.IndexOfSubject(subject));
        return (t, start, count);
    }

    private static int RowOf(FhirImportResult r, string domain, string subject, string testVar, string test)
    {
        var (t, start, count) = Rows(r, domain, subject);
        var codes = (TextColumn)t.GetColumn(testVar)!;
        for (int i = start; i < start + count; i++)
            if (codes.GetString(i) == test) return i;
        throw new Xunit.Sdk.XunitException($"{subject} has no {domain} {test}");
    }

    private static double? Num(FhirImportResult r, string domain, int row, string variable) => ((NumberColumn)r.Data.GetDomain(domain)!.GetColumn(variable)!).GetDouble(row);
    private static string? Text(FhirImportResult r, string domain, int row, string variable) => ((TextColumn)r.Data.GetDomain(domain)!.GetColumn(variable)!).GetString(row);

    [Fact]
    public void Patients_FromAllBundleTypes_BecomeDemographics()
    {
        var r = Import();
        Assert.Equal(3, r.Data.SubjectCount);
        const string a = "urn:uuid:7a1e3c4d-0001-4a5b-9c8d-000000000001";
        int row = Rows(r, "DM", "7a1e3c4d-0001-4a5b-9c8d-000000000001").Start;
        Assert.Equal(64, Num(r, "DM", row, "AGE"));
        Assert.Equal("F", Text(r, "DM", row, "SEX"));
        Assert.Equal("WHITE", Text(r, "DM", row, "RACE"));
        Assert.Equal("NOT HISPANIC OR LATINO", Text(r, "DM", row, "ETHNIC"));
        Assert.Equal("USA", Text(r, "DM", row, "COUNTRY"));
        Assert.Equal("MRN-1001", Text(r, "DM", row, "SUBJID"));
        Assert.DoesNotContain(a, r.Data.SubjectIds);
        int p2 = Rows(r, "DM", "p2").Start;
        Assert.Equal(14, Num(r, "DM", p2, "AGE"));
        Assert.Equal("GBR", Text(r, "DM", p2, "COUNTRY"));
        // A year-only birth date gives no exact age: AGE is missing (unknown), BRTHDTC keeps the partial date.
        int p3 = Rows(r, "DM", "p3").Start;
        Assert.Null(Num(r, "DM", p3, "AGE"));
        Assert.Equal(1980, ((TextColumn)r.Data.GetDomain("DM")!.GetColumn("BRTHDTC")!).GetDateTime(p3)!.Year);
    }

    [Fact]
    public void LabObservations_MapByLoinc_WithUnitsConvertedToStandard()
    {
        var r = Import();
        const string a = "7a1e3c4d-0001-4a5b-9c8d-000000000001";
        int hba1c = RowOf(r, "LB", a, "LBTESTCD", "HBA1C");
        Assert.Equal(8.2, Num(r, "LB", hba1c, "LBSTRESN"));
        Assert.Equal("%", Text(r, "LB", hba1c, "LBSTRESU"));
        Assert.Equal("HIGH", Text(r, "LB", hba1c, "LBNRIND"));
        Assert.Equal(5.6, Num(r, "LB", hba1c, "LBSTNRHI"));
        Assert.Equal("4548-4", Text(r, "LB", hba1c, "LBLOINC"));
        Assert.Equal(2024, ((TextColumn)r.Data.GetDomain("LB")!.GetColumn("LBDTC")!).GetDateTime(hba1c)!.Year);
        Assert.Equal(8.88, Num(r, "LB", RowOf(r, "LB", a, "LBTESTCD", "GLUC"), "LBSTRESN")!.Value, 2);
        Assert.Equal(97.262, Num(r, "LB", RowOf(r, "LB", a, "LBTESTCD", "CREAT"), "LBSTRESN")!.Value, 3);
        Assert.Equal(56, Num(r, "LB", RowOf(r, "LB", a, "LBTESTCD", "EGFR"), "LBSTRESN"));
        Assert.Equal(8.3781, Num(r, "LB", RowOf(r, "LB", a, "LBTESTCD", "HGB"), "LBSTRESN")!.Value, 4);
        // 10*3/uL to 10*9/L is a UCUM conversion (Fhir.Metrics), not a table entry.
        Assert.Equal(250, Num(r, "LB", RowOf(r, "LB", a, "LBTESTCD", "PLAT"), "LBSTRESN")!.Value, 6);
        // IFCC mmol/mol converts to NGSP %.
        Assert.Equal(7.458, Num(r, "LB", RowOf(r, "LB", "p3", "LBTESTCD", "HBA1C"), "LBSTRESN")!.Value, 3);
    }

    [Fact]
    public void ComparatorResults_KeepTheirText_ButHaveNoNumber()
    {
        var r = Import();
        var (lb, start, count) = Rows(r, "LB", "p2");
        Assert.Equal(2, count); // the entered-in-error glucose is not mapped
        var stresc = (TextColumn)lb.GetColumn("LBSTRESC")!;
        var stresn = (NumberColumn)lb.GetColumn("LBSTRESN")!;
        var below = Enumerable.Range(start, count).Single(i => stresc.GetString(i)!.StartsWith('<'));
        Assert.Equal("<4", stresc.GetString(below));
        Assert.Null(stresn.GetDouble(below));
    }

    [Fact]
    public void VitalSigns_IncludingPanelComponents_MapToVs()
    {
        var r = Import();
        const string a = "7a1e3c4d-0001-4a5b-9c8d-000000000001";
        Assert.Equal(142, Num(r, "VS", RowOf(r, "VS", a, "VSTESTCD", "SYSBP"), "VSSTRESN"));
        Assert.Equal(88, Num(r, "VS", RowOf(r, "VS", a, "VSTESTCD", "DIABP"), "VSSTRESN"));
        Assert.Equal(69.853, Num(r, "VS", RowOf(r, "VS", a, "VSTESTCD", "WEIGHT"), "VSSTRESN")!.Value, 3);
    }

    [Fact]
    public void ConditionsMedicationsEventsAndProcedures_Map()
    {
        var r = Import();
        const string a = "7a1e3c4d-0001-4a5b-9c8d-000000000001";
        var (mh, start, count) = Rows(r, "MH", a);
        var decod = (TextColumn)mh.GetColumn("MHDECOD")!;
        var terms = Enumerable.Range(start, count).Select(decod.GetString).ToList();
        Assert.Equal(["Type 2 diabetes mellitus", "Hypertension"], terms);
        Assert.Equal("ONGOING", ((TextColumn)mh.GetColumn("MHENRTPT")!).GetString(start));
        Assert.Equal(Runtime.Values.DateTimePrecision.Month, DateTimePrecisionOf(mh, "MHSTDTC", start));

        var (cm, cs, cc) = Rows(r, "CM", a);
        var atc = (TextColumn)cm.GetColumn("CMCLASCD")!;
        Assert.Equal(["A10BA02", "N06DA02"], Enumerable.Range(cs, cc).Select(atc.GetString));
        Assert.Equal("DONEPEZIL", ((TextColumn)cm.GetColumn("CMDECOD")!).GetString(cs + 1));
        Assert.Equal(500, ((NumberColumn)cm.GetColumn("CMDOSE")!).GetDouble(cs));

        var ae = Rows(r, "AE", a);
        Assert.Equal(1, ae.Count);
        Assert.Equal("N", Text(r, "AE", ae.Start, "AESER"));
        Assert.Equal("MILD", Text(r, "AE", ae.Start, "AESEV"));
        Assert.Equal("RECOVERED/RESOLVED", Text(r, "AE", ae.Start, "AEOUT"));
        var pr = Rows(r, "PR", a);
        Assert.Equal("Colonoscopy", Text(r, "PR", pr.Start, "PRDECOD"));
    }

    private static Runtime.Values.DateTimePrecision DateTimePrecisionOf(DomainTable t, string variable, int row) =>
        ((TextColumn)t.GetColumn(variable)!).GetDateTime(row)!.Precision;

    [Fact]
    public void WhatCannotBeMapped_IsReported_NotDropped()
    {
        var r = Import();
        Assert.Equal(1, r.Unmapped["Immunization"]);
        Assert.Equal(1, r.Unmapped["Observation"]); // tobacco smoking status: not a lab or vital sign
        Assert.Equal(1, r.Unmapped["Condition"]);   // subject Patient/nobody
        Assert.Contains(r.Issues, i => i.Message.Contains("72166-2", StringComparison.Ordinal));
        Assert.Contains(r.Issues, i => i.Resource == "Condition/c22" && i.Message.Contains("Patient/nobody", StringComparison.Ordinal));
        Assert.Contains(r.Issues, i => i.Resource == "Observation/o23" && i.Message.Contains("EnteredInError", StringComparison.Ordinal));
        Assert.Contains(r.Issues, i => i.Resource == "Condition/c21" && i.Message.Contains("onset", StringComparison.Ordinal));
        Assert.Contains(r.Issues, i => i.Resource == "Condition/c21" && i.Message.Contains("seasonal allergies", StringComparison.Ordinal));
    }

    [Fact]
    public void A_compiled_criterion_evaluates_on_FHIR_candidates()
    {
        // The issue's example criterion, compiled by the real compiler and run by the native backend on the mapped bundle.
        var source = new ProtocolEngine.Language.Text.SourceText("""
            protocol FhirScreen version "1"
              data SDTM "3.4"
            define Age: DM.AGE
            criteria
              inclusion INCL01 "Adults with HbA1c above 7%"
                Age >= 18 and exists (LB L where L.LBTESTCD = 'HBA1C' and L.LBSTRESN > 7)
            """, "fhir.protocol");
        var compiled = ProtocolEngine.Language.Compilation.ProtocolCompiler.Standalone.Compile(source);
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var r = Import();
        var evaluator = ProtocolEngine.Runtime.Eligibility.EligibilityEvaluator.Create(compiled, r.Data);
        var asOf = ProtocolEngine.Runtime.Values.CqlDateTime.ParseIso("2025-01-15");
        ProtocolEngine.Runtime.Eligibility.CriterionOutcome Meets(string id) => evaluator.Evaluate(r.Data.IndexOfSubject(id), asOf).Criteria.Single().Outcome;
        Assert.Equal(ProtocolEngine.Runtime.Eligibility.CriterionOutcome.Met, Meets("7a1e3c4d-0001-4a5b-9c8d-000000000001"));
        Assert.Equal(ProtocolEngine.Runtime.Eligibility.CriterionOutcome.NotMet, Meets("p2"));
        // HbA1c 7.46 but age unknown (birth year only): a person decides.
        Assert.Equal(ProtocolEngine.Runtime.Eligibility.CriterionOutcome.Unknown, Meets("p3"));
    }

    [Theory]
    [InlineData("""{"resourceType":"Nonsense","id":"x"}""")]
    [InlineData("""{"resourceType":"Bundle","type":"collection","entry":[""")]
    [InlineData("not json at all")]
    public void NotFhir_IsAClearError(string content)
    {
        var path = Path.Combine(TestData.NewTempFolder(), "x.json");
        File.WriteAllText(path, content);
        var ex = Assert.Throws<DataFormatException>(() => FhirImporter.Import(path));
        Assert.Equal(path, ex.File);
    }

    [Fact]
    public void ASingleResourceFile_ReadsAsABundleOfOne()
    {
        var path = Path.Combine(TestData.NewTempFolder(), "patient.json");
        File.WriteAllText(path, """{"resourceType":"Patient","id":"solo","gender":"male","birthDate":"1950-01-01"}""");
        var r = FhirImporter.Import(path, _options);
        Assert.Equal(["solo"], r.Data.SubjectIds);
    }

    [Fact]
    public void StudyLoader_ReadsAFolderOfBundles_AndReportsWhatWasNotMapped()
    {
        var study = ProtocolEngine.Data.Loading.StudyLoader.Load(_bundles);
        Assert.Equal(3, study.Data.SubjectCount);
        Assert.All(study.Sources, s => Assert.Equal(ProtocolEngine.Data.Loading.DataFileFormat.Fhir, s.Format));
        Assert.Contains(study.Notes, n => n.Message.StartsWith("FHIR mapped:", StringComparison.Ordinal) && n.Message.Contains("1 Immunization", StringComparison.Ordinal));
        Assert.Equal(8.2, ((NumberColumn)study.Data.GetDomain("LB")!.GetColumn("LBSTRESN")!).GetDouble(study.Data.GetDomain("LB")!.RowsOf(0).Start));
    }

    private const string PatientEntry = """
        {"fullUrl":"urn:uuid:7a1e3c4d-0009-4a5b-9c8d-000000000009","resource":{"resourceType":"Patient","id":"teen","gender":"female","birthDate":"2000-06-15"}}
        """;

    private static string Bundle(params string[] entries) =>
        """{"resourceType":"Bundle","type":"collection","entry":[""" + string.Join(",", entries) + "]}";

    private static string Lab(string id, string loinc, string value, string unit) => """
        {"resource":{"resourceType":"Observation","id":"ID","status":"final",
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"LOINC"}]},"subject":{"reference":"Patient/teen"},"effectiveDateTime":"2014-01-01",
         "valueQuantity":{"value":VALUE,"unit":"UNIT","system":"http://unitsofmeasure.org","code":"UNIT"}}}
        """.Replace("ID", id).Replace("LOINC", loinc).Replace("VALUE", value).Replace("UNIT", unit);

    [Theory]
    [InlineData("6.87654321098", "mmol/L", 6.87654321098, "6.87654321098")]        // no conversion
    [InlineData("123.456789012", "mg/dL", 6.851851790166, "6.851851790166")]       // by the table (x 0.0555)
    [InlineData("0.000123456789", "mmol/L", 0.000123456789, "0.000123456789")]     // small values keep their digits too
    public void NumericResults_KeepEveryDigit_ThroughUnitConversion(string value, string unit, double expected, string expectedText)
    {
        var r = FhirImporter.Import([("b.json", Bundle(PatientEntry, Lab("o1", "2345-7", value, unit)))], _options);
        int row = RowOf(r, "LB", "teen", "LBTESTCD", "GLUC");
        Assert.Equal(expected, Num(r, "LB", row, "LBSTRESN"));
        Assert.Equal(expectedText, Text(r, "LB", row, "LBSTRESC"));
        Assert.Equal(value, Text(r, "LB", row, "LBORRES"));
    }

    [Fact]
    public void Age_IsTheAgeOnTheReferenceDate_TheScreeningDate_WhenLoadedAsAStudy()
    {
        var folder = TestData.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "bundle.json"), Bundle(PatientEntry));
        int Age(DateOnly? asOf)
        {
            var study = ProtocolEngine.Data.Loading.StudyLoader.Load(folder, new ProtocolEngine.Data.Loading.StudyLoadOptions { ReferenceDate = asOf }).Data;
            return (int)((NumberColumn)study.GetDomain("DM")!.GetColumn("AGE")!).GetDouble(0)!.Value;
        }
        // Born 2000-06-15: a minor when screened as of 2014, an adult today.
        Assert.Equal(13, Age(new DateOnly(2014, 3, 1)));
        Assert.Equal(14, Age(new DateOnly(2014, 6, 15)));
        Assert.True(Age(null) >= 25);
    }

    [Fact]
    public void EveryImportIssue_IsListed_HoweverMany()
    {
        var folder = TestData.NewTempFolder();
        // 80 results in a unit nothing converts: 80 issues, each one a note of the loaded study.
        var labs = Enumerable.Range(1, 80).Select(i => Lab($"o{i}", "2345-7", "5", "furlongs")).ToArray();
        File.WriteAllText(Path.Combine(folder, "bundle.json"), Bundle([PatientEntry, .. labs]));
        var study = ProtocolEngine.Data.Loading.StudyLoader.Load(folder);
        var issues = study.Notes.Where(n => n.Message.Contains("'furlongs' cannot be converted", StringComparison.Ordinal)).ToList();
        Assert.Equal(80, issues.Count);
        Assert.DoesNotContain(study.Notes, n => n.Message.Contains("not listed", StringComparison.Ordinal));
    }

    [Fact]
    public void TheDrugTable_CoversEveryDrugTheSyntheticGeneratorWrites_WithTheSameCodes()
    {
        // The importer has its own table (drug-map.tsv) instead of reading the generator's catalog; synthetic
        // populations exported to FHIR still map back to the same CMDECOD, CMCLASCD and CMCLAS.
        foreach (var drug in ProtocolEngine.Data.Synthetic.SynthCatalog.Drugs)
        {
            var mapped = DrugMap.Find(drug.Decod);
            Assert.NotNull(mapped);
            Assert.Equal((drug.Atc, drug.Class), (mapped.Atc, mapped.Class));
        }
        Assert.Equal("METFORMIN", DrugMap.Find("METFORMIN 500 MG ORAL TABLET")?.Decod);
    }
}
