using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Safety.Grading;

/// <summary>
/// Grades a study's laboratory results with the standard library's CTCAE tables (<c>std.ctcae5</c>): the library's own
/// <c>Grade</c>, <c>Term</c> and <c>Baseline</c> functions run, compiled by the native backend, over every LB record of a
/// graded test, so the grades are the ones a protocol's rules and the LabSignal workflow see.
/// </summary>
public static class LabGrading
{
    private const string Wrapper = """
        protocol LABGRADING version "1"
          data SDTM "3.4"

        import LIBRARY

        define Grades: LB L where Graded(L)
          return Tuple { seq: L.LBSEQ, test: L.LBTESTCD, grade: Grade(L), term: Term(L), value: L.LBSTRESN, unit: L.LBSTRESU,
                         low: L.LBSTNRLO, high: L.LBSTNRHI, baseline: Baseline(L).LBSTRESN, abnormal: GradedAgainstAbnormalBaseline(L),
                         visit: L.VISIT, date: L.LBDTC }

        define LabRecords: Count(LB)
        """;

    /// <summary>Grades every LB record of the study.</summary>
    /// <param name="resolver">Finds the library (as the protocol that imports it would).</param>
    /// <param name="importerPath">Where the import is resolved from: a protocol file's path, so its own std library is used.</param>
    /// <param name="study">The study data (with an LB domain).</param>
    /// <param name="library">The grading library.</param>
    /// <param name="progress">Called with the subjects graded so far and the total.</param>
    /// <exception cref="InvalidOperationException">The library cannot be found or does not compile.</exception>
    public static LabGradingResult Grade(ISourceResolver resolver, string importerPath, StudyData study, string library = "std.ctcae5", Action<int, int>? progress = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(importerPath)) ?? ".";
        var source = new SourceText(Wrapper.Replace("LIBRARY", library, StringComparison.Ordinal), Path.Combine(folder, "lab-grading.protocol"));
        var compiled = new ProtocolCompiler(resolver).Compile(source);
        if (compiled.HasErrors)
            throw new InvalidOperationException($"Library {library} cannot grade: {string.Join("; ", compiled.Diagnostics.Where(d => d.IsError).Take(5).Select(d => d.ToString()))}");
        var lib = compiled.Libraries.First(l => l.Name == library);
        var header = ProtocolEngine.Language.Parsing.ProtocolParser.ParseFile(lib.Source).Root.Header;
        var name = $"{library} {header?.Version?.Value}".Trim();
        // The rule that grades: Grades with every function and table of the library it reads.
        var hash = compiled.Defines["Grades"].Identity!.Hash;

        var executable = ExecutableProtocol.For(compiled);
        var now = CqlDateTime.FromDateTime(DateTime.UtcNow, DateTimePrecision.Millisecond, 0);
        var grades = new List<LabGrade>();
        var errors = new List<string>();
        int labRecords = 0;
        if (study.HasDomain("LB"))
        {
            var ctx = executable.CreateContext(study, now);
            for (int i = 0; i < study.SubjectCount; i++)
            {
                ctx.BeginSubject(i);
                var subject = study.SubjectIds[i];
                var r = RuleRunner.Run(ctx, x => executable.EvaluateDefine(x, "Grades"), "Grades", default, source);
                var count = RuleRunner.Run(ctx, x => executable.EvaluateDefine(x, "LabRecords"), "LabRecords", default, source);
                if (!r.Succeeded || !count.Succeeded)
                {
                    errors.Add($"{subject}: {(r.Error ?? count.Error)!.Message}");
                    progress?.Invoke(i + 1, study.SubjectCount);
                    continue;
                }
                labRecords += count.Value is int n ? n : 0;
                foreach (var item in r.Value as IReadOnlyList<object?> ?? [])
                    if (item is CqlTuple t) grades.Add(Read(subject, t));
                progress?.Invoke(i + 1, study.SubjectCount);
            }
        }
        var tests = grades.GroupBy(g => g.TestCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var byGrade = new int[5];
            foreach (var x in g) if (x.Grade is { } v && v is >= 0 and <= 4) byGrade[v]++;
            return new TestGrades(g.Key, [.. g.Select(x => x.Term).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                g.Count(), byGrade, g.Count(x => x.Grade is null), g.Count(x => x.BaselineAbnormal == true));
        }).ToList();
        return new LabGradingResult(name, hash, study.SubjectCount, labRecords, grades, tests, errors);
    }

    /// <summary>Writes every graded result as CSV (one row per result, RFC 4180 quoting), for review or a hand check.</summary>
    public static void WriteCsv(LabGradingResult result, TextWriter writer)
    {
        writer.Write("USUBJID,LBSEQ,LBTESTCD,VISIT,LBDTC,LBSTRESN,LBSTRESU,LBSTNRLO,LBSTNRHI,BASELINE,BASELINE_ABNORMAL,CTCAE_TERM,CTCAE_GRADE\n");
        foreach (var g in result.Grades)
        {
            string[] cells =
            [
                g.SubjectId, Str(g.Sequence), g.TestCode, g.Visit ?? "", g.Date ?? "", Str(g.Value), g.Unit ?? "", Str(g.Low), Str(g.High), Str(g.Baseline),
                g.BaselineAbnormal switch { true => "Y", false => "N", null => "" }, g.Term ?? "", Str(g.Grade),
            ];
            writer.Write(string.Join(',', cells.Select(Quote)));
            writer.Write('\n');
        }
    }

    private static string Str<T>(T? value) where T : struct, IFormattable => value?.ToString(null, System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private static string Quote(string s) => s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    private static LabGrade Read(string subject, CqlTuple t) => new(
        subject,
        t.Get("seq") as int?,
        t.Get("test") as string ?? "",
        t.Get("term") as string,
        t.Get("grade") as int?,
        Number(t.Get("value")),
        t.Get("unit") as string,
        Number(t.Get("low")),
        Number(t.Get("high")),
        Number(t.Get("baseline")),
        t.Get("abnormal") as bool?,
        t.Get("visit") as string,
        t.Get("date") switch { null => null, string s => s, var d => CqlFormatter.Format(d).TrimStart('@') });

    private static decimal? Number(object? v) => v switch
    {
        decimal d => d,
        int i => i,
        long l => l,
        _ => null,
    };
}
