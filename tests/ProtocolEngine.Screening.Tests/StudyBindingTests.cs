using System.Runtime.CompilerServices;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// What the compiled rules keep per study (column lookups' rows, exists kernels' states, queries' dictionary codes, date
/// columns' day numbers) lives in the executable's binding to that study, weakly keyed on it: two studies screened in
/// turn by one executable each keep their own, and a study nobody holds is collected while the executable lives on.
/// </summary>
public class StudyBindingTests
{
    private static readonly string EightRules = File.ReadAllText(Path.Combine(Paths.Root, "tests", "protocols", "eight-rules.protocol"));

    private static readonly CqlDateTime AsOf = CqlDateTime.ParseIso("2025-06-01");

    [Fact]
    public void TwoStudiesAlternated_EachKeepsItsOwnAnswers_WithoutRebuilding()
    {
        var a = Paths.SyntheticStudy(1_500, seed: 41);
        var b = Paths.SyntheticStudy(1_200, seed: 43);
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(EightRules, "alternated.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var executable = ExecutableProtocol.For(compiled);
        var options = new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 };
        // Each study's report by the per-subject path (nothing kept), against which every alternated screening is compared.
        string expectedA = SameReport.Json(Screener.Screen(compiled, a.WithoutBatchCriteria().WithoutColumnLookups(), options));
        string expectedB = SameReport.Json(Screener.Screen(compiled, b.WithoutBatchCriteria().WithoutColumnLookups(), options));
        Assert.NotEqual(expectedA, expectedB);

        SameReport.Assert(expectedA, SameReport.Json(Screener.Screen(compiled, a, options)), "A first", "per subject", "kept");
        SameReport.Assert(expectedB, SameReport.Json(Screener.Screen(compiled, b, options)), "B first", "per subject", "kept");
        var bindingA = executable.Bind(a);
        var bindingB = executable.Bind(b);
        Assert.NotSame(bindingA, bindingB);
        long createdA = bindingA.KeptCreated, createdB = bindingB.KeptCreated;
        // Lookups, exists kernels and prefilters all kept something.
        Assert.True(createdA > 0 && createdB > 0, $"kept states created: A {createdA}, B {createdB}");

        for (int round = 0; round < 3; round++)
        {
            SameReport.Assert(expectedA, SameReport.Json(Screener.Screen(compiled, a, options with { MaxDegreeOfParallelism = 1 + round % 2 })), $"A again ({round})", "per subject", "kept");
            SameReport.Assert(expectedB, SameReport.Json(Screener.Screen(compiled, b, options with { MaxDegreeOfParallelism = 1 + round % 2 })), $"B again ({round})", "per subject", "kept");
        }
        // The same bindings, and nothing prepared again on a switch: each study's answers were read back, not rebuilt.
        Assert.Same(bindingA, executable.Bind(a));
        Assert.Same(bindingB, executable.Bind(b));
        Assert.Equal(createdA, bindingA.KeptCreated);
        Assert.Equal(createdB, bindingB.KeptCreated);
    }

    [Fact]
    public void ADroppedStudy_IsCollected_WhileTheExecutableLives()
    {
        var compiled = ProtocolCompiler.Standalone.Compile(new SourceText(EightRules, "dropped.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics));
        var executable = ExecutableProtocol.For(compiled);
        var (study, table) = ScreenAndDrop(compiled);
        for (int i = 0; i < 5 && (study.IsAlive || table.IsAlive); i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        Assert.False(study.IsAlive, "the study is still reachable after it was dropped");
        Assert.False(table.IsAlive, "the study's LB table is still reachable after the study was dropped");
        // Still usable: the executable screens another study.
        var other = Paths.SyntheticStudy(300, seed: 47);
        Assert.Equal(300, Screener.Screen(compiled, other, new ScreeningOptions { AsOf = AsOf, RecordEvidence = false }).SubjectCount);
        GC.KeepAlive(executable);
    }

    // In its own frame, so that no local of the test keeps the study or the results reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Study, WeakReference Table) ScreenAndDrop(CompiledProtocol compiled)
    {
        var study = Paths.SyntheticStudy(800, seed: 45);
        var options = new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 2 };
        Screener.Screen(compiled, study, options);
        Screener.Screen(compiled, study, options with { RecordEvidence = true });
        // Everything the rules keep for it now exists (kept answers, code indexes, day numbers).
        Assert.True(ExecutableProtocol.For(compiled).Bind(study).KeptCreated > 0);
        return (new WeakReference(study), new WeakReference(study.GetDomain("LB")));
    }
}
