using System.Globalization;
using System.Text;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Native;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// The walk shared by every exists over a domain (<see cref="CodedExistsPass"/>): more members than one 64-bit mask holds,
/// over MH (text leads on three chains, leads of several text tests, not of a text test, no lead: a date first) and EG
/// (number leads), and a domain the study lacks, screened with and without the batches (one and two threads, code indexes
/// and lookups on and off, evidence on), the same screening JSON byte for byte over the hostile data of
/// <see cref="CodedExistsDifferentialTests"/> and 3,000 synthetic subjects.
/// </summary>
public class CodedExistsPassDifferentialTests
{
    /// <summary>A protocol of <paramref name="count"/> exists criteria in eight shapes, six of them over MH.</summary>
    internal static string Many(int count)
    {
        var text = new StringBuilder("""
            protocol Many version "1"
              data SDTM "3.4"

            codelist Cardio "Cardiac terms and hostile spellings" system "MedDRA"
              "ATRIAL FIBRILLATION", "MYOCARDIAL INFARCTION", "ÉPILEPSIE", "STRASSE", "İSTANBUL FEVER", "SYNCOPE"

            define ScreeningDate: Coalesce(First(SV S where S.VISITNUM = 1 sort by SVSTDTC).SVSTDTC, DM.RFICDTC)

            define function HistoryWithin(terms CodeList, period Quantity):
              exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) in terms
                and (M.MHENRTPT = 'ONGOING'
                  or Coalesce(M.MHENDTC, M.MHSTDTC) in Interval[ScreeningDate - period, ScreeningDate]))

            criteria

            """);
        string[] terms = ["ATRIAL FIBRILLATION", "MYOCARDIAL INFARCTION", "SYNCOPE", "LIPOMA", "ÉPILEPSIE", "STRASSE", "HYPERTENSION", "DEMENTIA"];
        for (int i = 0; i < count; i++)
        {
            string term = terms[i % terms.Length], other = terms[(i / 8 + 3) % terms.Length];
            string rule = (i % 8) switch
            {
                0 => i % 16 == 0 ? "exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) in Cardio)" : $"exists (MH M where Upper(Coalesce(M.MHDECOD, M.MHTERM)) in {{'{term}', '{other}'}})",
                1 => $"HistoryWithin(Cardio, {i + 1} months)",
                2 => $"exists (MH M where M.MHBODSYS is not null and Upper(M.MHBODSYS) = 'NEOPLASMS' and not (Upper(Coalesce(M.MHDECOD, M.MHTERM)) in Cardio)"
                    + $" and (M.MHENRTPT = 'ONGOING' or Coalesce(M.MHENDTC, M.MHSTDTC) {i % 7 + 1} years or less before ScreeningDate))",
                // Leading tests null on a row without terms (the subject Unknown unless another row holds), or a not then a date.
                3 => i % 16 == 3 ? $"exists (MH M where not (Upper(Coalesce(M.MHDECOD, M.MHTERM)) in Cardio) and not (Upper(Coalesce(M.MHDECOD, M.MHTERM)) in {{'{term}'}}) and M.MHSTDTC is not null)"
                    : $"exists (MH M where not (Upper(M.MHTERM) in {{'{term}'}}) and M.MHDECOD is not null and M.MHSTDTC before ScreeningDate)",
                4 => $"exists (MH M where M.MHSTDTC after (ScreeningDate - {i + 1} days) and Upper(M.MHDECOD) = '{term}')",
                5 => $"exists (MH M where Upper(M.MHDECOD) = '{term}' and M.MHENRTPT = 'ONGOING')",
                6 => $"exists (EG E where E.VISITNUM = {i % 3} and (E.EGTESTCD = 'HR' and E.EGSTRESN < {40 + i} or Upper(E.EGSTRESC) in {{'SINUS PAUSE'}}))",
                _ => i % 16 == 7 ? $"exists (EG E where E.EGSTRESN >= {i} and not (E.EGSTRESN > {i + 60}) and Upper(E.EGTESTCD) = 'HR')"
                    : $"exists (AE A where Upper(Coalesce(A.AEDECOD, A.AETERM)) in Cardio)",
            };
            text.Append(CultureInfo.InvariantCulture, $"  exclusion C{i:000} \"Shape {i % 8}.\"\n    {rule}\n");
        }
        return text.ToString();
    }

    [Fact]
    public void MoreThan64Members_HostileAndSynthetic_GiveTheSameReports_AndThePassAnswers()
    {
        // 100 criteria: 75 exists over MH (two masks of members), 13 over EG, 12 over AE.
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Many(100), "many.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics.Where(d => d.Severity == Language.Diagnostics.DiagnosticSeverity.Error)));
        var asOf = CqlDateTime.ParseIso("2024-07-01");
        long before = CodedExistsNode.Answered;
        var hostile = CodedExistsDifferentialTests.Hostile().Build();
        CodedExistsDifferentialTests.AssertSame(compiled, hostile, asOf, "many, hostile");
        CodedExistsDifferentialTests.AssertSame(compiled, hostile.WithoutCodeIndexes(), asOf, "many, hostile, scanned");
        CodedExistsDifferentialTests.AssertSame(compiled, CodedExistsDifferentialTests.Hostile(withSv: false, withEnd: false).Build(), asOf, "many, hostile without SV and MHENDTC");
        // Every batch of the hostile study's 12 subjects answers 88 exists for most of them (AE is absent: those criteria run compiled).
        Assert.True(CodedExistsNode.Answered - before > 12 * 60, $"the pass answered {CodedExistsNode.Answered - before} subjects' exists");

        var synthetic = Paths.SyntheticStudy(3_000, seed: 41);
        var later = CqlDateTime.ParseIso("2025-06-01");
        before = CodedExistsNode.Answered;
        CodedExistsDifferentialTests.AssertSame(compiled, synthetic, later, "many, synthetic");
        CodedExistsDifferentialTests.AssertSame(compiled, synthetic, later, "many, synthetic, every 5th subject", [.. synthetic.SubjectIds.Where((_, i) => i % 5 == 2)]);
        Assert.True(CodedExistsNode.Answered - before > 3_000 * 90, $"the pass answered {CodedExistsNode.Answered - before} subjects' exists");
    }

    [Fact]
    public void NumberLeads_OverCodedColumns_GiveTheSameReports()
    {
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Many(100), "many.protocol"));
        var study = CodedExistsDifferentialTests.Hostile(codedNumbers: true).Build();
        // The leads' tables exist only for byte-coded number columns: a missing VISITNUM (E) is byte 0.
        Assert.NotNull(((NumberColumn)study.Domains.First(d => d.Name == "EG").Columns.First(c => c.Name == "VISITNUM")).CodeBytes);
        CodedExistsDifferentialTests.AssertSame(compiled, study, CqlDateTime.ParseIso("2024-07-01"), "many, hostile, coded numbers");
    }

    [Fact]
    public void FewerMembers_ThePilotsShapes_GiveTheSameReports()
    {
        // 8 criteria, one of each shape: one mask, a chain per lead, an EG pass of one member.
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Many(8), "eight.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics.Where(d => d.Severity == Language.Diagnostics.DiagnosticSeverity.Error)));
        var asOf = CqlDateTime.ParseIso("2024-07-01");
        CodedExistsDifferentialTests.AssertSame(compiled, CodedExistsDifferentialTests.Hostile().Build(), asOf, "eight, hostile");
        CodedExistsDifferentialTests.AssertSame(compiled, CodedExistsDifferentialTests.Hostile(withEnd: false).Build(), asOf, "eight, hostile without MHENDTC");
    }
}
