using ProtocolEngine.Runtime.Operators;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Conformance;

/// <summary>
/// Whether an actual result is the expected conformance output: the same CQL type and the same value
/// (numbers numerically, dates and times at the same precision, quantities in compatible units, lists and
/// tuples element by element).
/// </summary>
internal static class ConformanceComparer
{
    /// <summary>True when <paramref name="actual"/> is the value <paramref name="expected"/> denotes.</summary>
    public static bool Same(object? actual, object? expected)
    {
        if (actual is null || expected is null) return actual is null && expected is null;
        switch (expected)
        {
            case bool b: return actual is bool a && a == b;
            case int i: return actual is int a2 && a2 == i;
            case long l: return actual is long a3 && a3 == l;
            case decimal d: return actual is decimal a4 && a4 == d;
            case string s: return actual is string a5 && a5 == s;
            case CqlDateTime dt: return actual is CqlDateTime adt && adt.Precision == dt.Precision && Temporal.Compare(adt, dt) == 0;
            // A date written in an expected output may stand for a DateTime the expression's type made of it.
            case CqlDate date: return actual is CqlDate ad && ad.Precision == date.Precision && Temporal.Compare(ad, date) == 0
                                      || actual is CqlDateTime adt2 && adt2.Precision == date.Precision && Same(adt2, date.ToDateTime());
            case CqlTime t: return actual is CqlTime at && at.Precision == t.Precision && Temporal.Compare(at, t) == 0;
            case CqlQuantity q: return actual is CqlQuantity aq && Cql.QuantityEqual(aq, q) == true;
            case CqlRatio r: return actual is CqlRatio ar && Same(ar.Numerator, r.Numerator) && Same(ar.Denominator, r.Denominator);
            case CqlCode c: return actual is CqlCode ac && ac.Code == c.Code && ac.System == c.System && (c.Display is null || ac.Display == c.Display);
            case CqlConcept cc: return actual is CqlConcept acc && Cql.Equivalent(acc, cc);
            case CqlInterval iv:
                return actual is CqlInterval ai && (ai.LowClosed == iv.LowClosed && ai.HighClosed == iv.HighClosed && Same(ai.Low, iv.Low) && Same(ai.High, iv.High)
                    || Same(Intervals.ClosedLow(ai), Intervals.ClosedLow(iv)) && Same(Intervals.ClosedHigh(ai), Intervals.ClosedHigh(iv)));
            case CqlTuple tu:
                return actual is CqlTuple at2 && at2.Names.Count == tu.Names.Count && tu.Names.All(n => at2.Has(n) && Same(at2.Get(n), tu.Get(n)));
            case IReadOnlyList<object?> list:
                if (actual is not IReadOnlyList<object?> al || al.Count != list.Count) return false;
                for (int k = 0; k < list.Count; k++)
                    if (!Same(al[k], list[k])) return false;
                return true;
            default:
                return Equals(actual, expected);
        }
    }
}
