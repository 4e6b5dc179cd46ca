namespace ProtocolEngine.Benchmarks.Screening;

/// <summary>The eight rules as a C# developer would write them by hand, with the same three-valued semantics as the protocol.</summary>
public static class HandWrittenRules
{
    public static void Evaluate(SubjectInput s, Span<byte> outcomes)
    {
        outcomes[0] = (byte)Tri.Code(Tri.Both(Tri.AtLeast(s.Age, 50), Tri.Either(s.Sex is null ? null : s.Sex == "M", Exists(s.Mh, m => m.Decod is null ? null : m.Decod == "Postmenopausal"))));
        var mmse = Score(s, "MMSETOT");
        outcomes[1] = (byte)Tri.Code(Tri.Both(Tri.AtLeast(mmse, 10), Tri.AtMost(mmse, 23)));
        outcomes[2] = (byte)Tri.Code(Tri.AtMost(Score(s, "HACHTOT"), 4));
        outcomes[3] = (byte)Tri.Code(Tri.AtLeast(Lab(s, "EGFR")?.Value, 30));
        var alt = Lab(s, "ALT");
        outcomes[4] = (byte)Tri.Code(Tri.Above(alt?.Value, 3 * alt?.Uln));
        outcomes[5] = (byte)Tri.Code(Exists(s.Mh, m => Tri.Both(m.Decod is null ? null : m.Decod == "Myocardial infarction", Tri.WithinDaysBefore(m.Start, s.ScreeningDate, 180))));
        outcomes[6] = (byte)Tri.Code(Tri.Above(Lab(s, "HBA1C")?.Value, 10));
        outcomes[7] = (byte)Tri.Code(Exists(s.Cm, c => Tri.Both(c.Decod is null ? null : c.Decod is "DONEPEZIL" or "RIVASTIGMINE",
            Tri.Either(c.EndMissing, Tri.SameOrAfter(c.End, s.ScreeningDate)))));
    }

    /// <summary>exists over a subject's records: true on a match; null when none match but one could not be checked, or the subject has no records.</summary>
    private static bool? Exists<T>(List<T> items, Func<T, bool?> condition)
    {
        if (items.Count == 0) return null;
        bool uncertain = false;
        foreach (var item in items)
        {
            var c = condition(item);
            if (c == true) return true;
            if (c is null) uncertain = true;
        }
        return uncertain ? null : false;
    }

    private static double? Score(SubjectInput s, string code)
    {
        foreach (var q in s.Qs)
            if (q.TestCode == code && q.Visit == 1) return q.Value;
        return null;
    }

    private static LbItem? Lab(SubjectInput s, string code)
    {
        foreach (var l in s.Lb)
            if (l.TestCode == code && l.Visit == 1) return l;
        return null;
    }
}
