using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Verification.Tests.Support;

namespace ProtocolEngine.Verification.Tests;

public sealed class AmendmentTests
{
    // The pilot's Amendment 1 in small: the neurological exclusion's list widened, and an attested exclusion replaced by a data rule.
    private const string Original = """
        protocol AMEND version "1.0"
          title "Amendment test"
          data SDTM "3.4"

        roles
          Investigator "Investigator"

        criteria
          inclusion INCL01 "At least 50 years old."
            DM.AGE >= 50

          exclusion EXCL12 "Serious neurological conditions."
            exists (MH M where Upper(M.MHDECOD) in {'EPILEPSY', 'PARKINSON\'S DISEASE'})

          exclusion EXCL31 "Treatment with prohibited medications within 1 month before enrollment."
            attested by Investigator
        """;

    private const string Amended = """
        protocol AMEND version "2.0" amends "1.0"
          title "Amendment test"
          data SDTM "3.4"

        roles
          Investigator "Investigator"

        criteria
          inclusion INCL01 "At least 50 years old."
            DM.AGE >= 50

          exclusion EXCL12A "Serious neurological conditions (Amendment 1)."
            exists (MH M where Upper(M.MHDECOD) in {'EPILEPSY', 'PARKINSON\'S DISEASE', 'TRANSIENT ISCHAEMIC ATTACK'})

          exclusion EXCL31A "Anticonvulsants before enrollment (Amendment 1)."
            exists (CM C where C.CMDECOD in {'PHENYTOIN', 'CARBAMAZEPINE'})
        """;

    [Fact]
    public void The_amendment_can_only_shrink_the_population_and_its_witness_screens_so()
    {
        var original = Protocols.FromText(Original, "original");
        var amended = Protocols.FromText(Amended, "amended");
        var report = ProtocolVerifier.Compare(original, amended, Protocols.Options());
        Assert.Equal(AmendmentDirection.Shrinks, report.Direction);
        Assert.Null(report.GrowWitness);
        Assert.Empty(report.NotVerified);
        Assert.NotEmpty(report.ShrinkCriteria);
        Assert.All(report.ShrinkCriteria, c => Assert.Contains(c, new[] { "EXCL12A", "EXCL31A" }));

        // Written as SDTM, read back and screened by both versions: Eligible under the original, Ineligible under the amendment.
        var folder = Directory.CreateTempSubdirectory("shrink-").FullName;
        report.ShrinkWitness!.Write(folder, DataFileFormat.Csv);
        var study = StudyLoader.Load(folder).Data;
        var asOf = Runtime.Values.CqlDateTime.FromDateTime(Protocols.Today.ToDateTime(TimeOnly.MinValue), Runtime.Values.DateTimePrecision.Day, null);
        int subject = study.IndexOfSubject(WitnessSubject.SubjectId);
        Assert.Equal(EligibilityStatus.Eligible, EligibilityEvaluator.Create(original, study).Evaluate(subject, asOf).Status);
        Assert.Equal(EligibilityStatus.Ineligible, EligibilityEvaluator.Create(amended, study).Evaluate(subject, asOf).Status);
    }

    [Fact]
    public void Compared_the_other_way_round_the_population_can_only_grow()
    {
        var original = Protocols.FromText(Original, "original");
        var amended = Protocols.FromText(Amended, "amended");
        var report = ProtocolVerifier.Compare(amended, original, Protocols.Options());
        Assert.Equal(AmendmentDirection.Grows, report.Direction);
        Assert.Null(report.ShrinkWitness);
        Assert.NotNull(report.GrowWitness);
    }

    [Fact]
    public void Amendment_1_of_the_pilot_can_only_shrink_the_population_and_its_witness_screens_so()
    {
        var original = Protocols.Load(Protocols.Shipped("cdiscpilot01.protocol"));
        var amended = Protocols.Load(Protocols.Shipped("cdiscpilot01-amendment1.protocol"));
        var report = ProtocolVerifier.Compare(original, amended, Protocols.Options(120));
        // EXCL12A widens EXCL12's list and EXCL31A decides from data what a person attested: nobody the amendment admits was
        // excluded before, and someone admitted before is excluded now.
        Assert.Equal(AmendmentDirection.Shrinks, report.Direction);
        Assert.Empty(report.NotVerified);
        Assert.DoesNotContain(report.Queries, q => q.Answer == Solving.SolverAnswer.Unknown);
        Assert.Null(report.GrowWitness);
        Assert.NotEmpty(report.ShrinkCriteria);
        Assert.All(report.ShrinkCriteria, c => Assert.Contains(c, new[] { "EXCL12A", "EXCL31A" }));

        var folder = Directory.CreateTempSubdirectory("pilot-shrink-").FullName;
        report.ShrinkWitness!.Write(folder, DataFileFormat.Xpt);
        var study = StudyLoader.Load(folder).Data;
        var asOf = Runtime.Values.CqlDateTime.FromDateTime(Protocols.Today.ToDateTime(TimeOnly.MinValue), Runtime.Values.DateTimePrecision.Day, null);
        int subject = study.IndexOfSubject(WitnessSubject.SubjectId);
        Assert.Equal(EligibilityStatus.Eligible, EligibilityEvaluator.Create(original, study).Evaluate(subject, asOf).Status);
        var underAmendment = EligibilityEvaluator.Create(amended, study).Evaluate(subject, asOf);
        Assert.Equal(EligibilityStatus.Ineligible, underAmendment.Status);
        // The exclusions the solver names are ones the engine finds applying.
        Assert.All(report.ShrinkCriteria, id => Assert.Equal(CriterionOutcome.Met, underAmendment.Criteria.Single(c => c.Id == id).Outcome));
    }

    [Fact]
    public void The_pilot_compared_with_its_amendment_the_other_way_round_can_only_grow_with_a_screened_witness()
    {
        var original = Protocols.Load(Protocols.Shipped("cdiscpilot01.protocol"));
        var amended = Protocols.Load(Protocols.Shipped("cdiscpilot01-amendment1.protocol"));
        var report = ProtocolVerifier.Compare(amended, original, Protocols.Options(120));
        Assert.Equal(AmendmentDirection.Grows, report.Direction);
        Assert.Empty(report.NotVerified);
        Assert.Null(report.ShrinkWitness);
        var study = report.GrowWitness!.ToStudy();
        Assert.Equal(EligibilityStatus.Eligible, ProtocolVerifier.Screen(original, report.GrowWitness, Protocols.Today, study).Status);
        Assert.Equal(EligibilityStatus.Ineligible, ProtocolVerifier.Screen(amended, report.GrowWitness, Protocols.Today, study).Status);
    }
}
