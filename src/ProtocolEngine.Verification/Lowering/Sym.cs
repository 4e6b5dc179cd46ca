using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.DataModel;

namespace ProtocolEngine.Verification.Lowering;

/// <summary>The SMT sort a scalar lowers to.</summary>
internal enum SmtSort
{
    /// <summary>Whole numbers (Integer, Long).</summary>
    Int,
    /// <summary>Decimals.</summary>
    Real,
    /// <summary>Text, as a code of the lowering's <see cref="StringTable"/> (an SMT integer).</summary>
    String,
    /// <summary>Dates and date-times, as day numbers (days since 0001-01-01).</summary>
    Day,
}

/// <summary>
/// A lowered value. CQL's three values are explicit: a Boolean is a pair of SMT formulas (is true, is false; neither
/// means null), any other scalar a null flag and a value. Records are a choice among record slots, lists a sequence of
/// guarded elements; intervals, quantities and code lists exist only to be consumed by the operators that take them.
/// </summary>
internal abstract record Sym;

/// <summary>A three-valued Boolean: <paramref name="T"/> holds when it is true, <paramref name="F"/> when it is false.</summary>
internal sealed record BoolSym(string T, string F) : Sym
{
    public string IsNull => $"(and (not {T}) (not {F}))";
}

/// <summary>A scalar: <paramref name="N"/> holds when it is null; <paramref name="V"/> is its value otherwise.</summary>
internal sealed record ScalarSym(SmtSort Sort, string N, string V) : Sym;

/// <summary>A record of a domain: slot <c>i</c> is the record when <c>Choices[i].Sel</c> holds; null when none does.</summary>
internal sealed record RecordSym(DomainSchema Domain, IReadOnlyList<(string Sel, RecordSlot Slot)> Choices) : Sym
{
    public string N => Choices.Count == 0 ? "true" : $"(not {Smt.Or(Choices.Select(c => c.Sel))})";
}

/// <summary>
/// A list: element <c>i</c> is in it when its guard holds; <see cref="SortKeys"/> orders it when sorted. <see cref="Uncertain"/>
/// holds when elements may be missing for want of data, as the engine screens: the subject has no records of the domain,
/// or a record's filter was null. Then exists is null rather than false (absence of records is not evidence of absence).
/// </summary>
internal sealed record ListSym(IReadOnlyList<(string Guard, Sym Element)> Elements, IReadOnlyList<Sym>? SortKeys = null, bool Descending = false, string Uncertain = "false") : Sym;

/// <summary>An interval with lowered bounds.</summary>
internal sealed record IntervalSym(ScalarSym Low, bool LowClosed, ScalarSym High, bool HighClosed) : Sym;

/// <summary>A quantity constant (a duration or a measurement).</summary>
internal sealed record QuantitySym(decimal Value, string Unit) : Sym;

/// <summary>A code list declared by the protocol.</summary>
internal sealed record CodeListSym(CodeListSymbol CodeList) : Sym;

/// <summary>One record of a domain in the bounded model: present or not, with a null flag and a value per variable read.</summary>
internal sealed record RecordSlot(DomainSchema Domain, int Index, string Prefix)
{
    /// <summary>The formula "this record exists" (always true for one-per-subject domains such as DM).</summary>
    public string Present => Domain.IsSingular() ? "true" : Prefix + "_present";
}

/// <summary>Helpers that build SMT-LIB text.</summary>
internal static class Smt
{
    public static string And(IEnumerable<string> terms)
    {
        var list = terms.Where(t => t != "true").ToList();
        if (list.Contains("false")) return "false";
        return list.Count switch { 0 => "true", 1 => list[0], _ => $"(and {string.Join(' ', list)})" };
    }

    public static string And(params string[] terms) => And((IEnumerable<string>)terms);

    public static string Or(IEnumerable<string> terms)
    {
        var list = terms.Where(t => t != "false").ToList();
        if (list.Contains("true")) return "true";
        return list.Count switch { 0 => "false", 1 => list[0], _ => $"(or {string.Join(' ', list)})" };
    }

    public static string Or(params string[] terms) => Or((IEnumerable<string>)terms);

    public static string Not(string term) => term switch
    {
        "true" => "false",
        "false" => "true",
        _ when term.StartsWith("(not ", StringComparison.Ordinal) && term.EndsWith(')') && Balanced(term[5..^1]) => term[5..^1],
        _ => $"(not {term})",
    };

    public static string Ite(string c, string a, string b) => c switch
    {
        "true" => a,
        "false" => b,
        _ => a == b ? a : $"(ite {c} {a} {b})",
    };

    public static string Implies(string a, string b) => a == "true" ? b : a == "false" ? "true" : $"(=> {a} {b})";

    private static bool Balanced(string s)
    {
        int depth = 0;
        bool inString = false;
        foreach (char c in s)
        {
            if (c == '"') inString = !inString;
            else if (!inString && c == '(') depth++;
            else if (!inString && c == ')' && --depth < 0) return false;
        }
        return depth == 0;
    }

    public static string SortName(SmtSort sort) => sort switch
    {
        SmtSort.Real => "Real",
        _ => "Int",
    };

    public static string Int(long value) => value < 0 ? $"(- {-value})" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Real(decimal value)
    {
        var abs = Math.Abs(value).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!abs.Contains('.', StringComparison.Ordinal)) abs += ".0";
        return value < 0 ? $"(- {abs})" : abs;
    }

    public static bool IsSingular(this DomainSchema domain) => domain.Structure == DomainStructure.OnePerSubject;
}
