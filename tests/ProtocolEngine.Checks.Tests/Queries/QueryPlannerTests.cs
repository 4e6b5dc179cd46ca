using ProtocolEngine.Checks.Queries;
using ProtocolEngine.Checks.Results;
using ProtocolEngine.Checks.Tests.Infrastructure;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks.Tests.Queries;

/// <summary>What a re-run means for data queries: open, persist, close with the evidence of the fix, or leave as they are.</summary>
public sealed class QueryPlannerTests
{
    private static readonly CheckRunOptions Options = new() { AsOf = CqlDateTime.ParseIso("2015-01-01") };

    private static readonly Lazy<CompiledProtocol> Protocol = new(() => Protocols.Text("""
        protocol Q version "1"
          data SDTM "3.4"

        check SER "Serious when hospitalised"
          for each AE A where A.AESHOSP = 'Y'
          expect A.AESER = 'Y'
          message "AESER is {A.AESER}"
          query to DataManager
        check AFTERDOSE "AE not before first dose"
          for each AE A where A.AESTDTC is not null
          expect not (A.AESTDTC before DM.RFXSTDTC)
          query to Investigator
        check TERM "AE term present (no query)"
          for each AE A
          expect A.AETERM is not null
        """));

    private static (StudyData Study, ValidationReport Report) Run(string records)
    {
        var study = RecordText.Study(records);
        return (study, CheckRunner.Run(Protocol.Value, study, Options));
    }

    private static QueryPlan Plan(string records, params OpenQuery[] open)
    {
        var (study, report) = Run(records);
        return QueryPlanner.Plan(Protocol.Value, study, report, open, Options);
    }

    private static OpenQuery Ser(string subject = "S1", string key = "AESEQ=1", bool answered = false) => new("q1", "SER", "AE", subject, key, answered);

    private const string Failing = """
        DM USUBJID=S1 RFXSTDTC=2014-01-01
        AE USUBJID=S1 AESEQ=1 AETERM=FALL AESHOSP=Y AESER=N AESTDTC=2014-02-01
        """;

    [Fact]
    public void A_finding_of_a_check_routed_to_a_role_opens_a_query_and_one_without_a_route_does_not()
    {
        var plan = Plan(Failing.Replace("AETERM=FALL ", "", StringComparison.Ordinal));
        var finding = Assert.Single(plan.ToOpen);
        Assert.Equal("SER", finding.CheckId);
        Assert.Equal("SER|AE|S1|AESEQ=1", finding.Key);
        Assert.Empty(plan.ToClose);
    }

    [Fact]
    public void An_open_query_whose_finding_is_still_there_persists_and_opens_nothing_new()
    {
        var plan = Plan(Failing, Ser(answered: true));
        Assert.Empty(plan.ToOpen);
        var p = Assert.Single(plan.Persisting);
        Assert.True(p.Query.Answered);
        Assert.Equal("AESER is N", p.Finding.Message);
    }

    [Fact]
    public void Corrected_data_close_the_query_with_the_values_that_show_the_fix()
    {
        var plan = Plan(Failing.Replace("AESER=N", "AESER=Y", StringComparison.Ordinal), Ser());
        var closed = Assert.Single(plan.ToClose);
        Assert.Equal(RecheckOutcome.Passes, closed.Fix.Outcome);
        Assert.Contains(new FindingValue("AESER", "Y"), closed.Fix.Values);
        Assert.Equal("AESER is Y", closed.Fix.Message);
        Assert.NotEmpty(closed.Fix.Evidence);
    }

    [Fact]
    public void A_record_the_rule_no_longer_applies_to_or_that_is_gone_closes_the_query()
    {
        var outOfScope = Assert.Single(Plan(Failing.Replace("AESHOSP=Y", "AESHOSP=N", StringComparison.Ordinal), Ser()).ToClose);
        Assert.Equal(RecheckOutcome.OutOfScope, outOfScope.Fix.Outcome);
        Assert.Contains(new FindingValue("AESHOSP", "N"), outOfScope.Fix.Values);

        var gone = Assert.Single(Plan("DM USUBJID=S1 RFXSTDTC=2014-01-01\nAE USUBJID=S1 AESEQ=2 AETERM=FALL AESHOSP=Y AESER=Y", Ser()).ToClose);
        Assert.Equal(RecheckOutcome.RecordGone, gone.Fix.Outcome);
    }

    [Fact]
    public void A_query_stays_open_when_its_record_cannot_be_evaluated_or_its_check_did_not_run()
    {
        var missing = Assert.Single(Plan(Failing.Replace("AESER=N", "", StringComparison.Ordinal), Ser()).Unchanged);
        Assert.Contains("cannot be evaluated", missing.Reason, StringComparison.Ordinal);

        // AFTERDOSE reads DM, which this study lacks: an execution error never closes its queries.
        var query = new OpenQuery("q2", "AFTERDOSE", "AE", "S1", "AESEQ=1", false);
        var noDm = Plan("AE USUBJID=S1 AESEQ=1 AETERM=FALL AESTDTC=2014-02-01", query);
        var unchanged = Assert.Single(noDm.Unchanged);
        Assert.Contains("EXECUTION ERROR", unchanged.Reason, StringComparison.Ordinal);
        Assert.Empty(noDm.ToClose);
    }

    [Fact]
    public void Queries_are_not_closed_from_a_report_that_did_not_list_every_finding()
    {
        var study = RecordText.Study(Failing + "\nAE USUBJID=S1 AESEQ=2 AETERM=X AESHOSP=Y AESER=N\nAE USUBJID=S1 AESEQ=3 AETERM=X AESHOSP=Y AESER=Y");
        var report = CheckRunner.Run(Protocol.Value, study, new CheckRunOptions { AsOf = Options.AsOf, DetailLimit = 1 });
        var plan = QueryPlanner.Plan(Protocol.Value, study, report, [Ser(key: "AESEQ=3")], Options);
        Assert.Empty(plan.ToClose);
        Assert.Contains("detail limit", Assert.Single(plan.Unchanged).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicated_key_closes_only_when_every_record_with_it_passes()
    {
        const string Duplicates = """
            DM USUBJID=S1
            AE USUBJID=S1 AESEQ=1 AETERM=A AESHOSP=Y AESER=Y
            AE USUBJID=S1 AESEQ=1 AETERM=B AESHOSP=Y AESER=N
            """;
        var study = RecordText.Study(Duplicates);
        var still = Rechecker.Recheck(Protocol.Value, study, "SER", "AE", "S1", "AESEQ=1", Options);
        Assert.Equal(RecheckOutcome.Fails, still.Outcome);
        var fixedStudy = RecordText.Study(Duplicates.Replace("AESER=N", "AESER=Y", StringComparison.Ordinal));
        Assert.Equal(RecheckOutcome.Passes, Rechecker.Recheck(Protocol.Value, fixedStudy, "SER", "AE", "S1", "AESEQ=1", Options).Outcome);
    }
}
