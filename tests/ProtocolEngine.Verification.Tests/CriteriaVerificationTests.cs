using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Verification.Tests.Support;

namespace ProtocolEngine.Verification.Tests;

public sealed class CriteriaVerificationTests
{
    [Fact]
    public void Contradictory_age_bounds_are_the_unsat_core_with_their_spans()
    {
        var protocol = Protocols.FromText(Protocols.Header + """
            criteria
              inclusion INCL01 "Female."
                DM.SEX = 'F'

              inclusion INCL02 "At least 65 years old."
                DM.AGE >= 65

              inclusion INCL03 "Informed consent."
                attested by Investigator

              exclusion EXCL01 "Pregnant."
                attested by Investigator

              inclusion INCL04 "Under 18 (a paediatric criterion pasted by mistake)."
                DM.AGE < 18
            """);
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options());
        Assert.Equal(VerificationStatus.Unsatisfiable, report.Status);
        Assert.Equal(["INCL02", "INCL04"], report.Contradiction.Select(c => c.Id).Order());
        var incl04 = report.Contradiction.Single(c => c.Id == "INCL04");
        var lines = protocol.Source.Text.Split('\n');
        Assert.Equal(Array.FindIndex(lines, l => l.Contains("inclusion INCL04", StringComparison.Ordinal)) + 1, incl04.Line);
        Assert.All(report.Diagnostics.Where(d => d.Code == "PE3001"), d => Assert.Contains("INCL02 and INCL04", d.Message, StringComparison.Ordinal));
        Assert.Null(report.Witness);
    }

    [Fact]
    public void An_exclusion_implied_by_an_inclusion_is_redundant_and_nothing_else_is()
    {
        var protocol = Protocols.FromText(Protocols.Header + """
            criteria
              inclusion INCL01 "Adults."
                DM.AGE >= 18

              inclusion INCL02 "Female."
                DM.SEX = 'F'

              exclusion EXCL01 "Minors."
                DM.AGE < 18
            """);
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options());
        Assert.Equal(VerificationStatus.Satisfiable, report.Status);
        var redundancy = Assert.Single(report.Redundancies);
        Assert.Equal("EXCL01", redundancy.Criterion.Id);
        Assert.Equal(["INCL01"], redundancy.ImpliedBy);
        Assert.Contains(report.Diagnostics, d => d.Code == "PE3002" && d.Message.Contains("EXCL01 is implied by INCL01", StringComparison.Ordinal));
    }

    [Fact]
    public void A_witness_written_as_SDTM_and_read_back_screens_Eligible()
    {
        var protocol = Protocols.Load(Protocols.Shipped("example.protocol"));
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options());
        Assert.Equal(VerificationStatus.Satisfiable, report.Status);
        foreach (var format in new[] { DataFileFormat.Xpt, DataFileFormat.Csv })
        {
            var folder = Directory.CreateTempSubdirectory("witness-").FullName;
            report.Witness!.Write(folder, format);
            var study = StudyLoader.Load(folder);
            var evaluator = EligibilityEvaluator.Create(protocol, study.Data);
            var asOf = Runtime.Values.CqlDateTime.FromDateTime(Protocols.Today.ToDateTime(TimeOnly.MinValue), Runtime.Values.DateTimePrecision.Day, null);
            var subject = evaluator.Evaluate(study.Data.IndexOfSubject(WitnessSubject.SubjectId), asOf);
            Assert.True(subject.Status == EligibilityStatus.Eligible, $"{format}: {subject.Status}: {string.Join("; ", subject.Reasons)}");
        }
    }

    [Fact]
    public void A_protocol_that_makes_the_solver_time_out_is_not_verified_within_the_time_given()
    {
        // Whole numbers with x³ = 2·y³ and both positive: none exist (the cube root of 2 is irrational), which z3's
        // nonlinear integer arithmetic cannot show; it searches until it is stopped.
        var protocol = Protocols.FromText(Protocols.Header + """
            define X: First(LB L where L.LBTESTCD = 'A').LBDY
            define Y: First(VS V where V.VSTESTCD = 'B').VSDY

            criteria
              inclusion INCL01 "Cubes."
                X > 0 and Y > 0 and X * X * X = 2 * Y * Y * Y
            """);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options(1));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Equal(VerificationStatus.NotVerified, report.Status);
        Assert.Contains(report.Diagnostics, d => d.Code == "PE3004" && d.Message.StartsWith("Not verified (timeout)", StringComparison.Ordinal));
    }

    [Theory]
    // Whole years between dates as the engine counts them, across leap days, inside the window where the model's calendar is exact.
    // A year from a 29 February is complete on 28 February (the engine shifts by whole months, clamping the day).
    [InlineData("@2000-02-29", "@2001-02-28", 1, true)]
    [InlineData("@2000-02-29", "@2001-02-28", 0, false)]
    [InlineData("@2000-02-29", "@2001-02-27", 0, true)]
    [InlineData("@2000-03-31", "@2001-03-30", 0, true)]
    [InlineData("@1904-02-29", "@2004-02-28", 99, true)]
    [InlineData("@1900-03-01", "@2100-02-28", 199, true)]
    [InlineData("@1900-03-01", "@2100-02-28", 200, false)]
    public void Whole_years_between_dates_are_exact_in_the_model(string birth, string consent, int years, bool possible)
    {
        var protocol = Protocols.FromText(Protocols.Header + $"""
            criteria
              inclusion INCL01 "Dates."
                DM.BRTHDTC = {birth} and DM.RFICDTC = {consent} and years between DM.BRTHDTC and DM.RFICDTC = {years}
            """);
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options());
        Assert.Equal(possible ? VerificationStatus.Satisfiable : VerificationStatus.Unsatisfiable, report.Status);
    }

    [Fact]
    public void A_date_shifted_by_months_is_clamped_to_the_end_of_the_month_as_the_engine_does()
    {
        // 2023-03-31 minus 1 month is 2023-02-28: a date on 2023-02-28 is in the interval, one on 2023-02-27 is not.
        var protocol = Protocols.FromText(Protocols.Header + """
            criteria
              inclusion INCL01 "Consent on the last day of March."
                DM.RFICDTC = @2023-03-31
              inclusion INCL02 "Informed within a month."
                DM.RFSTDTC in Interval[DM.RFICDTC - 1 month, DM.RFICDTC]
              inclusion INCL03 "Before the first of March."
                DM.RFSTDTC < @2023-03-01
            """);
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options());
        Assert.Equal(VerificationStatus.Satisfiable, report.Status);
        Assert.Equal("2023-02-28", report.Witness!.Records.Single(r => r.Domain == "DM").Values["RFSTDTC"]);
    }

    [Fact]
    public void Outside_the_window_of_the_exact_calendar_a_contradiction_is_not_claimed()
    {
        // 1850-02-28 to 1851-02-27 is not a whole year; before 1900 the model leaves the calendar free, so the solver's
        // witness does not screen Eligible and nothing is claimed either way.
        var protocol = Protocols.FromText(Protocols.Header + """
            criteria
              inclusion INCL01 "Dates."
                DM.BRTHDTC = @1850-02-28 and DM.RFICDTC = @1851-02-27 and years between DM.BRTHDTC and DM.RFICDTC = 1
            """);
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options());
        Assert.Equal(VerificationStatus.NotVerified, report.Status);
        Assert.Contains(report.Diagnostics, d => d.Code == "PE3005");
    }

    [Fact]
    public void A_missing_solver_is_a_clear_error_naming_how_to_install_it()
    {
        // The solver is named in the options, not through PROTOCOLENGINE_Z3: changing the process's environment would
        // take z3 away from the tests running beside this one.
        var protocol = Protocols.Load(Protocols.Shipped("example.protocol"));
        var options = Protocols.Options() with { SolverPath = "/nonexistent/z3" };
        var e = Assert.Throws<Solving.SolverNotFoundException>(() => ProtocolVerifier.Verify(protocol, options));
        Assert.Contains("apt-get install -y z3", e.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/z3", e.Message, StringComparison.Ordinal);
    }
}
