using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Tests.Evaluation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening.Reports;
using static ProtocolEngine.Runtime.Tests.Evaluation.TestStudy;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// A 100 MB text cell became an 839 MB HTML report (the fairness tables repeat each subgroup's value): reports now
/// show long values cut, saying how much is left. An unknown phase or subject names the closest and the valid ones.
/// </summary>
public sealed class LongValueAndSelectionTests
{
    private const string Protocol = """
        protocol LongValues version "1"
          data SDTM "3.4"

        criteria
          inclusion I1 "Placebo arm."
            phase prescreen
            DM.ARM = 'Placebo'
          inclusion I2 "Adult."
            DM.AGE >= 18
        """;

    private static CompiledProtocol Compile()
    {
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(Protocol, "long.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        return compiled;
    }

    private static readonly string Long = new('W', 1_000_000);

    private static ScreeningResult Screen(ScreeningOptions? options = null) => Screener.Screen(Compile(), new TestStudy()
        .Table("DM",
            Row(("USUBJID", "S1"), ("AGE", 61), ("SEX", "F"), ("RACE", Long), ("ARM", Long)),
            Row(("USUBJID", "S2"), ("AGE", 70), ("SEX", "M"), ("RACE", "ASIAN"), ("ARM", "Placebo")))
        .Build(), options ?? new ScreeningOptions { AsOf = CqlDateTime.ParseIso("2024-02-01"), RecordEvidence = true });

    [Fact]
    public void AMegabyteValue_IsCutInTheHtmlReport_TheJsonAndTheExplanation()
    {
        var result = Screen();
        var html = ScreeningHtml.Render(result, ScreeningHtml.FairnessIfPossible(result));
        Assert.True(html.Length < 200_000, $"{html.Length:N0} characters");
        Assert.Contains("... (999,700 more characters)", html);

        using var json = new MemoryStream();
        ScreeningJson.Write(result, json);
        Assert.True(json.Length < 100_000, $"{json.Length:N0} bytes");

        var explanation = SubjectExplanation.Text(result, result.Subject(0));
        Assert.Contains("DM.ARM = " + new string('W', DisplayText.Limit) + "... (999,700 more characters)", explanation);
    }

    [Fact]
    public void AnUnknownPhaseOrSubject_NamesTheClosestAndTheValidOnes()
    {
        var phase = Assert.Throws<ArgumentException>(() => Screen(new ScreeningOptions { Phase = "prescren" }));
        Assert.Equal("No phase 'prescren' among the protocol's criteria (did you mean prescreen?). Valid phases: prescreen.", phase.Message);
        var subject = Assert.Throws<ArgumentException>(() => Screen(new ScreeningOptions { Subjects = ["s1"] }));
        Assert.StartsWith("No subject 's1' in the study's DM (did you mean S1?). Valid subjects: S1, S2.", subject.Message);
    }
}
