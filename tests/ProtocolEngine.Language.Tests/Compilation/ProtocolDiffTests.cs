using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Tests.Infrastructure;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Tests.Compilation;

public sealed class ProtocolDiffTests
{
    private static CompiledProtocol Compile(string text, string name = "t.protocol")
    {
        var p = new ProtocolCompiler(new TestFileResolver()).CompileFresh(new SourceText(text, Path.Combine(RepositoryPaths.Protocols, name)));
        Assert.False(p.HasErrors, string.Join("\n", p.Diagnostics.Select(d => d.Message)));
        return p;
    }

    private const string Before = """
        protocol T version "1"
          data SDTM "3.4"
        codelist Conditions "Conditions" system "MedDRA"
          "STROKE", "EPILEPSY"
        criteria
          inclusion INCL01 "Adults."
            DM.AGE >= 18
          exclusion EXCL01 "Serious neurological conditions."
            exists (MH M where Upper(M.MHDECOD) in Conditions)
          inclusion INCL02 "Lives near the site."
            attested by Investigator
        """;

    [Fact]
    public void A_code_list_change_changes_the_rule_of_a_criterion_whose_text_did_not_change()
    {
        var after = Before.Replace("\"STROKE\", \"EPILEPSY\"", "\"STROKE\", \"EPILEPSY\", \"HEAD INJURY\"");
        var diff = ProtocolDiff.Compare(Compile(Before), Compile(after));
        var excl = diff.Criteria.Single(c => c.Id == "EXCL01");
        Assert.Equal(CriterionChangeKind.Changed, excl.Change);
        Assert.True(excl.RuleChanged);
        Assert.False(excl.TitleChanged);
        Assert.True(excl.CanAlterOutcome);
        Assert.Equal(["EXCL01"], diff.Changed.Select(c => c.Id));
    }

    [Fact]
    public void Reworded_text_alone_cannot_alter_an_outcome()
    {
        var after = Before.Replace("\"Adults.\"", "\"Adults (18 or older).\"");
        var incl = ProtocolDiff.Compare(Compile(Before), Compile(after)).Criteria.Single(c => c.Id == "INCL01");
        Assert.Equal(CriterionChangeKind.Changed, incl.Change);
        Assert.True(incl.TitleChanged);
        Assert.False(incl.RuleChanged);
        Assert.False(incl.CanAlterOutcome);
        Assert.Equal(incl.Before!.DecisionHash, incl.After!.DecisionHash);
        Assert.NotEqual(incl.Before.Hash, incl.After.Hash);
    }

    [Fact]
    public void An_attested_criterion_given_a_rule_is_an_attestation_change()
    {
        var after = Before.Replace("attested by Investigator", "DM.SITEID = '701'");
        var incl = ProtocolDiff.Compare(Compile(Before), Compile(after)).Criteria.Single(c => c.Id == "INCL02");
        Assert.True(incl.AttestationChanged);
        Assert.True(incl.CanAlterOutcome);
    }

    [Fact]
    public void The_pilot_amendment_replaces_EXCL12_and_EXCL31_and_nothing_else()
    {
        var pilot = Compile(File.ReadAllText(Path.Combine(RepositoryPaths.Protocols, "cdiscpilot01.protocol")), "cdiscpilot01.protocol");
        var amendment = Compile(File.ReadAllText(Path.Combine(RepositoryPaths.Protocols, "cdiscpilot01-amendment1.protocol")), "cdiscpilot01-amendment1.protocol");
        var diff = ProtocolDiff.Compare(pilot, amendment);
        Assert.Equal(["EXCL12", "EXCL12A", "EXCL31", "EXCL31A"], diff.Changed.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.All(diff.Changed, c => Assert.True(c.CanAlterOutcome));
        Assert.Equal(CriterionChangeKind.Removed, diff.Criteria.Single(c => c.Id == "EXCL12").Change);
        Assert.Equal(CriterionChangeKind.Added, diff.Criteria.Single(c => c.Id == "EXCL12A").Change);
    }
}
