using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Benchmarks.Screening;

/// <summary>One subject's data as plain objects: what RulesEngine needs as input and what hand-written C# reads.</summary>
public sealed class SubjectInput
{
    public required string Id { get; init; }
    public double? Age { get; init; }
    public string? Sex { get; init; }
    public PartialDate ScreeningDate { get; init; }
    public required List<MhItem> Mh { get; init; }
    public required List<QsItem> Qs { get; init; }
    public required List<LbItem> Lb { get; init; }
    public required List<CmItem> Cm { get; init; }

    /// <summary>Builds every subject's input from the study view (not timed: both comparisons get their input ready-made).</summary>
    public static SubjectInput[] FromStudy(StudyData study)
    {
        var dm = study.GetDomain("DM")!;
        var mh = study.GetDomain("MH")!;
        var qs = study.GetDomain("QS")!;
        var lb = study.GetDomain("LB")!;
        var cm = study.GetDomain("CM")!;
        var result = new SubjectInput[study.SubjectCount];
        for (int i = 0; i < result.Length; i++)
        {
            int d = dm.RowsOf(i).Start;
            result[i] = new SubjectInput
            {
                Id = study.SubjectIds[i],
                Age = Num(dm, "AGE", d),
                Sex = Text(dm, "SEX", d),
                ScreeningDate = PartialDate.Parse(Text(dm, "RFICDTC", d)),
                Mh = Rows(mh, i, r => new MhItem(Text(mh, "MHDECOD", r), PartialDate.Parse(Text(mh, "MHSTDTC", r)))),
                Qs = Rows(qs, i, r => new QsItem(Text(qs, "QSTESTCD", r), Num(qs, "VISITNUM", r), Num(qs, "QSSTRESN", r))),
                Lb = Rows(lb, i, r => new LbItem(Text(lb, "LBTESTCD", r), Num(lb, "VISITNUM", r), Num(lb, "LBSTRESN", r), Num(lb, "LBSTNRHI", r))),
                Cm = Rows(cm, i, r => new CmItem(Text(cm, "CMDECOD", r), PartialDate.Parse(Text(cm, "CMENDTC", r)), Text(cm, "CMENDTC", r) is null)),
            };
        }
        return result;
    }

    private static List<T> Rows<T>(DomainTable table, int subject, Func<int, T> make)
    {
        var (start, count) = table.RowsOf(subject);
        var list = new List<T>(count);
        for (int r = start; r < start + count; r++) list.Add(make(r));
        return list;
    }

    private static string? Text(DomainTable t, string variable, int row) => (t.GetColumn(variable) as TextColumn)?.GetString(row);

    private static double? Num(DomainTable t, string variable, int row) => (t.GetColumn(variable) as NumberColumn)?.GetDouble(row);
}

public sealed record MhItem(string? Decod, PartialDate Start);

public sealed record QsItem(string? TestCode, double? Visit, double? Value);

public sealed record LbItem(string? TestCode, double? Visit, double? Value, double? Uln);

public sealed record CmItem(string? Decod, PartialDate End, bool EndMissing);
