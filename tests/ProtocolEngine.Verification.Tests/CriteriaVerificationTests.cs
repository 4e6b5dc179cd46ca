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
        var protocol = Protocols.Load(Protocols.Shipped("cdiscpilot01-amendment1.protocol"));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var report = ProtocolVerifier.Verify(protocol, Protocols.Options(0.5));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Equal(VerificationStatus.NotVerified, report.Status);
        Assert.Contains(report.Diagnostics, d => d.Code == "PE3004" && d.Message.StartsWith("Not verified (timeout)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_solver_is_a_clear_error_naming_how_to_install_it()
    {
        var saved = Environment.GetEnvironmentVariable("PROTOCOLENGINE_Z3");
        try
        {
            Environment.SetEnvironmentVariable("PROTOCOLENGINE_Z3", "/nonexistent/z3");
            var protocol = Protocols.Load(Protocols.Shipped("example.protocol"));
            var e = Assert.Throws<Solving.SolverNotFoundException>(() => ProtocolVerifier.Verify(protocol, Protocols.Options()));
            Assert.Contains("apt-get install -y z3", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PROTOCOLENGINE_Z3", saved);
        }
    }
}
