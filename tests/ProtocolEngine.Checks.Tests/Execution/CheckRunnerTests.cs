using ProtocolEngine.Checks.Results;
using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks.Tests.Execution;

public sealed class CheckRunnerTests
{
    private static readonly CqlDateTime AsOf = CqlDateTime.ParseIso("2015-01-01");

    private static ValidationReport Run(string protocol, string records, int parallelism = 1, int detailLimit = 0) =>
        CheckRunner.Run(Protocols.Text(protocol), RecordText.Study(records), new CheckRunOptions { AsOf = AsOf, Parallelism = parallelism, DetailLimit = detailLimit });

    private const string Header = "protocol T version \"1\"\n  data SDTM \"3.4\"\n\n";

    [Fact]
    public void A_failing_record_is_a_finding_with_id_severity_filled_message_dataset_subject_sequence_values_and_hash()
    {
        var report = Run(Header + """
            check C1 "Serious when hospitalised"
              severity critical
              for each AE A where A.AESHOSP = 'Y'
              expect A.AESER = 'Y'
              message "AESER is {A.AESER} for {A.AEDECOD}"
            """, """
            DM USUBJID=S1
            AE USUBJID=S1 AESEQ=1 AEDECOD=FALL AESHOSP=Y AESER=Y
            AE USUBJID=S1 AESEQ=2 AEDECOD=SYNCOPE AESHOSP=Y AESER=N
            AE USUBJID=S1 AESEQ=3 AEDECOD=NAUSEA AESHOSP=N AESER=N
            """);
        var c = Assert.Single(report.Checks);
        Assert.Equal(CheckStatus.IssueReported, c.Status);
        Assert.Equal((2L, 1L, 1L, 0L, 1L), (c.Evaluated, c.Passed, c.Failed, c.NotEvaluable, c.Excluded));
        var f = Assert.Single(c.Failures);
        Assert.Equal("C1", f.CheckId);
        Assert.Equal(Language.Syntax.CheckSeverity.Critical, f.Severity);
        Assert.Equal("AESER is N for SYNCOPE", f.Message);
        Assert.Equal("AE", f.Dataset);
        Assert.Equal("S1", f.SubjectId);
        Assert.Equal(2.0, f.Sequence);
        Assert.Equal("AESEQ=2", f.RecordKey);
        Assert.Equal(c.Hash, f.CheckHash);
        Assert.Contains(new FindingValue("AESER", "N"), f.Values);
        Assert.Contains(new FindingValue("AESHOSP", "Y"), f.Values);
        Assert.True(report.HasBlockingIssues);
    }

    [Fact]
    public void A_null_expectation_cannot_be_evaluated_and_is_neither_a_pass_nor_a_failure()
    {
        var report = Run(Header + """
            check C1 "End after start"
              for each AE A where A.AESTDTC is not null
              expect not (A.AEENDTC before A.AESTDTC)
            """, """
            AE USUBJID=S1 AESEQ=1 AESTDTC=2014-03-10 AEENDTC=2014-03-12
            AE USUBJID=S1 AESEQ=2 AESTDTC=2014-03-10 AEENDTC=2014-03
            AE USUBJID=S1 AESEQ=3 AESTDTC=2014-03-10
            """);
        var c = Assert.Single(report.Checks);
        Assert.Equal(CheckStatus.Success, c.Status);
        Assert.Equal((3L, 1L, 0L, 2L), (c.Evaluated, c.Passed, c.Failed, c.NotEvaluable));
        Assert.Empty(c.Failures);
        Assert.Equal(["AESEQ=2", "AESEQ=3"], c.NotEvaluated.Select(f => f.RecordKey));
        Assert.All(c.NotEvaluated, f => Assert.Equal(FindingOutcome.NotEvaluable, f.Outcome));
        Assert.False(report.HasBlockingIssues);
    }

    [Fact]
    public void A_check_that_divides_by_zero_is_an_execution_error_naming_the_record_and_the_others_run()
    {
        var report = Run(Header + """
            check RATIO "ALT within three times the upper limit"
              for each LB L where L.LBTESTCD = 'ALT'
              expect L.LBSTRESN / L.LBSTNRHI <= 3.0
            check UNIT "A result has a unit"
              for each LB L where L.LBSTRESN is not null
              expect L.LBSTRESU is not null
            """, """
            LB USUBJID=S1 LBSEQ=1 LBTESTCD=ALT LBSTRESN=30 LBSTNRHI=40 LBSTRESU=U/L
            LB USUBJID=S1 LBSEQ=2 LBTESTCD=ALT LBSTRESN=30 LBSTNRHI=0 LBSTRESU=U/L
            LB USUBJID=S2 LBSEQ=1 LBTESTCD=ALT LBSTRESN=200 LBSTNRHI=40
            """);
        var ratio = report.Checks.Single(c => c.Id == "RATIO");
        Assert.Equal(CheckStatus.ExecutionError, ratio.Status);
        Assert.Equal("PE9006", ratio.Error!.Code);
        Assert.Equal("S1", ratio.Error.SubjectId);
        Assert.Equal("LBSEQ=2", ratio.Error.RecordKey);
        Assert.Contains("LB S1 LBSEQ=2", ratio.Error.Message, StringComparison.Ordinal);
        Assert.Equal("EXECUTION ERROR", ratio.StatusText);
        var unit = report.Checks.Single(c => c.Id == "UNIT");
        Assert.Equal(CheckStatus.IssueReported, unit.Status);
        Assert.Equal("S2", Assert.Single(unit.Failures).SubjectId);
        Assert.True(report.HasBlockingIssues);
    }

    [Fact]
    public void A_check_that_reads_a_domain_the_study_lacks_is_an_execution_error_and_the_others_run()
    {
        var report = Run(Header + """
            check CONSENT "Adverse events after informed consent"
              for each AE A
              expect not (A.AESTDTC before First(DS D where D.DSDECOD = 'INFORMED CONSENT OBTAINED').DSSTDTC)
            check SEQ "AESEQ present"
              for each AE A
              expect A.AESEQ is not null
            """, """
            DM USUBJID=S1
            AE USUBJID=S1 AESEQ=1 AESTDTC=2014-03-10
            """);
        var consent = report.Checks.Single(c => c.Id == "CONSENT");
        Assert.Equal(CheckStatus.ExecutionError, consent.Status);
        Assert.Equal("PE9005", consent.Error!.Code);
        Assert.Contains("DS", consent.Error.Message, StringComparison.Ordinal);
        Assert.Equal(CheckStatus.Success, report.Checks.Single(c => c.Id == "SEQ").Status);
    }

    [Fact]
    public void A_cross_domain_check_reads_the_subjects_records_of_another_domain()
    {
        var report = Run(Header + """
            check CONSENT "Adverse events after informed consent"
              for each AE A
              expect not (A.AESTDTC before First(DS D where D.DSDECOD = 'INFORMED CONSENT OBTAINED').DSSTDTC)
              message "AE on {A.AESTDTC}, consent on {First(DS D where D.DSDECOD = 'INFORMED CONSENT OBTAINED').DSSTDTC}"
            """, """
            DM USUBJID=S1
            DM USUBJID=S2
            DS USUBJID=S1 DSSEQ=1 DSDECOD="INFORMED CONSENT OBTAINED" DSSTDTC=2014-03-01
            DS USUBJID=S2 DSSEQ=1 DSDECOD="INFORMED CONSENT OBTAINED" DSSTDTC=2014-04-01
            AE USUBJID=S1 AESEQ=1 AESTDTC=2014-03-10
            AE USUBJID=S2 AESEQ=1 AESTDTC=2014-03-10
            """);
        var f = Assert.Single(Assert.Single(report.Checks).Failures);
        Assert.Equal("S2", f.SubjectId);
        Assert.Equal("AE on 2014-03-10, consent on 2014-04-01", f.Message);
        Assert.Contains(f.Values, v => v.Variable == "DS.DSSTDTC" && v.Value == "2014-04-01");
    }

    [Fact]
    public void A_check_over_a_dataset_the_study_lacks_is_skipped()
    {
        var report = Run(Header + """
            check L1 "LB has a test code"
              for each LB L
              expect L.LBTESTCD is not null
            """, "DM USUBJID=S1");
        var c = Assert.Single(report.Checks);
        Assert.Equal(CheckStatus.Skipped, c.Status);
        Assert.Contains("LB", c.SkipReason, StringComparison.Ordinal);
        Assert.False(report.HasBlockingIssues);
    }

    [Fact]
    public void A_runtime_error_is_an_execution_error_with_the_runtime_code()
    {
        var report = Run(Header + """
            check ONE "One ALT per subject"
              for each subject
              expect (singleton from (LB L where L.LBTESTCD = 'ALT')).LBSTRESN < 100
            """, """
            DM USUBJID=S1
            LB USUBJID=S1 LBSEQ=1 LBTESTCD=ALT LBSTRESN=30
            LB USUBJID=S1 LBSEQ=2 LBTESTCD=ALT LBSTRESN=31
            """);
        var c = Assert.Single(report.Checks);
        Assert.Equal(CheckStatus.ExecutionError, c.Status);
        Assert.Equal("PE9004", c.Error!.Code);
        Assert.Equal("S1", c.Error.SubjectId);
    }

    [Fact]
    public void Subject_and_study_checks_run_once_per_subject_and_once()
    {
        var report = Run(Header + """
            check SUBJ "Each randomised subject has a disposition"
              for each subject where DM.ARMCD is not null
              expect exists (DS D where D.DSCAT = 'DISPOSITION EVENT')
            check STUDY "The trial summary names the study start"
              for study
              expect exists (TS T where T.TSPARMCD = 'SSTDTC')
            """, """
            DM USUBJID=S1 ARMCD=A
            DM USUBJID=S2 ARMCD=A
            DM USUBJID=S3
            DS USUBJID=S1 DSSEQ=1 DSCAT="DISPOSITION EVENT"
            TS TSSEQ=1 TSPARMCD=TITLE
            """);
        var subject = report.Checks.Single(c => c.Id == "SUBJ");
        Assert.Equal((2L, 1L, 1L), (subject.Evaluated, subject.Failed, subject.Excluded));
        var f = Assert.Single(subject.Failures);
        Assert.Equal("S2", f.SubjectId);
        Assert.Null(f.Dataset);
        var study = report.Checks.Single(c => c.Id == "STUDY");
        Assert.Equal((1L, 1L), (study.Evaluated, study.Failed));
        Assert.Null(Assert.Single(study.Failures).SubjectId);
    }

    [Fact]
    public void The_detail_limit_lists_the_first_findings_and_keeps_the_counts_exact()
    {
        var records = string.Join("\n", Enumerable.Range(1, 25).Select(i => $"AE USUBJID=S{i % 7} AESEQ={i}"));
        var report = Run(Header + """
            check T "A term"
              for each AE A
              expect A.AETERM is not null
            """, records, detailLimit: 5);
        var c = Assert.Single(report.Checks);
        Assert.Equal(25, c.Failed);
        Assert.Equal(5, c.Failures.Count);
        Assert.Equal(5, report.DetailLimit);
    }

    [Fact]
    public void A_warning_never_blocks_and_an_error_does()
    {
        const string Records = "AE USUBJID=S1 AESEQ=1";
        var warning = Run(Header + "check W \"x\" severity warning for each AE A expect A.AETERM is not null", Records);
        var error = Run(Header + "check E \"x\" severity error for each AE A expect A.AETERM is not null", Records);
        Assert.False(warning.HasBlockingIssues);
        Assert.True(error.HasBlockingIssues);
    }

    [Fact]
    public void Only_the_named_checks_run()
    {
        var compiled = Protocols.Text(Header + "check A1 \"x\" for each AE A expect true\ncheck A2 \"y\" for each AE A expect true");
        var report = CheckRunner.Run(compiled, RecordText.Study("AE USUBJID=S1 AESEQ=1"), new CheckRunOptions { Only = ["A2"], AsOf = AsOf });
        Assert.Equal("A2", Assert.Single(report.Checks).Id);
    }

    [Fact]
    public void Variables_the_data_lack_are_reported_for_the_check()
    {
        var report = Run(Header + "check M \"x\" for each AE A where A.AESMIE = 'Y' expect A.AESER = 'Y'", "AE USUBJID=S1 AESEQ=1 AESER=N");
        Assert.Contains("AE.AESMIE", Assert.Single(report.Checks).AbsentVariables);
    }
}
