using BenchmarkDotNet.Attributes;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Benchmarks.Runtime;

/// <summary>
/// Compiled evaluation of an 11-operator Boolean rule (6 comparisons, 5 three-valued ands) over one SDTM
/// record, read from the columnar study view: the native backend's hot path. A hand-written C# version of
/// the same rule over the same columns is the baseline.
/// </summary>
[MemoryDiagnoser]
public class BooleanRuleBenchmarks
{
    private const string Rule = "R.AGE >= 18 and R.AGE <= 85 and R.SEX = 'F' and R.RACE != 'UNKNOWN' and R.ARMCD != 'SCRNFAIL' and R.COUNTRY = 'USA'";

    private Func<EvaluationContext, DomainRecord?, bool?> _compiled = null!;
    private EvaluationContext _ctx = null!;
    private DomainRecord _record = null!;
    private NumberColumn _age = null!;
    private TextColumn _sex = null!, _race = null!, _arm = null!, _country = null!;

    [GlobalSetup]
    public void Setup()
    {
        var source = new SourceText($"""
            protocol Bench version "1"
              data SDTM "3.4"
            check B "benchmark rule"
              for each DM R
              expect {Rule}
            """, "bench.protocol");
        var compiled = ProtocolCompiler.Standalone.Compile(source);
        if (compiled.HasErrors) throw new InvalidOperationException(string.Join("\n", compiled.Diagnostics));
        var protocol = ExecutableProtocol.For(compiled);
        _compiled = protocol.Checks.Single().Expect;

        TextColumn Text(string name, string value) => new(name, null, [0], [value], isDateTime: false);
        var table = new DomainTable("DM", null,
        [
            Text("USUBJID", "S1"), new NumberColumn("AGE", (string?)null, [62]), Text("SEX", "F"), Text("RACE", "WHITE"),
            Text("ARMCD", "XANO"), Text("COUNTRY", "USA"),
        ], null);
        var study = new StudyDataBuilder().Add(table).Build();
        _ctx = protocol.CreateContext(study, CqlDateTime.ParseIso("2025-01-15"));
        _ctx.BeginSubject(0);
        _record = study.GetDomain("DM")!.Record(0);
        _age = (NumberColumn)study.GetDomain("DM")!.GetColumn("AGE")!;
        _sex = (TextColumn)study.GetDomain("DM")!.GetColumn("SEX")!;
        _race = (TextColumn)study.GetDomain("DM")!.GetColumn("RACE")!;
        _arm = (TextColumn)study.GetDomain("DM")!.GetColumn("ARMCD")!;
        _country = (TextColumn)study.GetDomain("DM")!.GetColumn("COUNTRY")!;
        if (_compiled(_ctx, _record) != true || HandWritten() != true) throw new InvalidOperationException("The rule should hold for the benchmark record.");
    }

    [Benchmark]
    public bool? CompiledRule() => _compiled(_ctx, _record);

    [Benchmark(Baseline = true)]
    public bool? HandWritten()
    {
        int row = _record.Row;
        var age = _age.GetDecimal(row);
        return age >= 18 && age <= 85 && _sex.GetString(row) == "F" && _race.GetString(row) != "UNKNOWN"
               && _arm.GetString(row) != "SCRNFAIL" && _country.GetString(row) == "USA";
    }
}
