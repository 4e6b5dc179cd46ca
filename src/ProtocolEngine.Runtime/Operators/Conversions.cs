using System.Globalization;
using System.Text.RegularExpressions;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>Type conversion functions (ToX, ConvertsToX, ConvertQuantity) and Message.</summary>
internal static partial class Conversions
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>String to Boolean: true/t/yes/y/1 and false/f/no/n/0 (case-insensitive), else null.</summary>
    public static bool? ToBoolean(string? s) => s?.Trim().ToLowerInvariant() switch
    {
        "true" or "t" or "yes" or "y" or "1" => true,
        "false" or "f" or "no" or "n" or "0" => false,
        _ => null,
    };

    /// <summary>1 is true, 0 is false, anything else null.</summary>
    public static bool? ToBoolean(int? i) => i switch { 1 => true, 0 => false, _ => null };
    /// <summary>1 is true, 0 is false.</summary>
    public static bool? ToBoolean(long? i) => i switch { 1 => true, 0 => false, _ => null };
    /// <summary>1.0 is true, 0.0 is false.</summary>
    public static bool? ToBoolean(decimal? d) => d == 1m ? true : d == 0m ? false : null;
    /// <summary>Identity.</summary>
    public static bool? ToBoolean(bool? b) => b;

    /// <summary>String to Integer (null when not an integer in range).</summary>
    public static int? ToInteger(string? s) => int.TryParse(s, NumberStyles.AllowLeadingSign, Inv, out var i) ? i : null;
    /// <summary>true is 1, false is 0.</summary>
    public static int? ToInteger(bool? b) => b is null ? null : b.Value ? 1 : 0;
    /// <summary>Long to Integer when in range.</summary>
    public static int? ToInteger(long? l) => l is >= int.MinValue and <= int.MaxValue ? (int)l.Value : null;
    /// <summary>Identity.</summary>
    public static int? ToInteger(int? i) => i;

    /// <summary>String to Long.</summary>
    public static long? ToLong(string? s) => long.TryParse(s?.TrimEnd('L'), NumberStyles.AllowLeadingSign, Inv, out var l) ? l : null;
    /// <summary>true is 1, false is 0.</summary>
    public static long? ToLong(bool? b) => b is null ? null : b.Value ? 1L : 0L;
    /// <summary>Integer to Long.</summary>
    public static long? ToLong(int? i) => i;
    /// <summary>Identity.</summary>
    public static long? ToLong(long? l) => l;

    /// <summary>String to Decimal (null when not a number).</summary>
    public static decimal? ToDecimal(string? s) =>
        s is not null && DecimalPattern().IsMatch(s.Trim()) && decimal.TryParse(s.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, Inv, out var d) ? d : null;
    /// <summary>true is 1.0, false is 0.0.</summary>
    public static decimal? ToDecimal(bool? b) => b is null ? null : b.Value ? 1.0m : 0.0m;
    /// <summary>Integer to Decimal.</summary>
    public static decimal? ToDecimal(int? i) => i;
    /// <summary>Long to Decimal.</summary>
    public static decimal? ToDecimal(long? l) => l;
    /// <summary>Identity.</summary>
    public static decimal? ToDecimal(decimal? d) => d;

    [GeneratedRegex(@"^[+-]?\d+(\.\d+)?$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"^\s*([+-]?\d+(?:\.\d+)?)\s*(?:'([^']*)'|([A-Za-z%\[\]\{\}/\.0-9]+))?\s*$")]
    private static partial Regex QuantityPattern();

    /// <summary>"5.5 'mg'" (or "5.5 mg", or "5.5") to a Quantity.</summary>
    public static CqlQuantity? ToQuantity(string? s)
    {
        if (s is null) return null;
        var m = QuantityPattern().Match(s);
        if (!m.Success) return null;
        var value = decimal.Parse(m.Groups[1].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, Inv);
        var unit = m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Success ? m.Groups[3].Value : "1";
        if (!Units.IsKnown(unit)) return null;
        return new CqlQuantity(value, unit);
    }

    /// <summary>An Integer as a dimensionless Quantity.</summary>
    public static CqlQuantity? ToQuantity(int? i) => i is null ? null : new CqlQuantity(i.Value, "1");
    /// <summary>A Decimal as a dimensionless Quantity.</summary>
    public static CqlQuantity? ToQuantity(decimal? d) => d is null ? null : new CqlQuantity(d.Value, "1");
    /// <summary>Identity.</summary>
    public static CqlQuantity? ToQuantity(CqlQuantity? q) => q;
    /// <summary>A ratio as a quantity (numerator over denominator).</summary>
    public static CqlQuantity? ToQuantity(CqlRatio? r) => r is null ? null : Arithmetic.Divide(r.Numerator, r.Denominator);

    /// <summary>"1.0 'mg':2.0 'mL'" to a Ratio.</summary>
    public static CqlRatio? ToRatio(string? s)
    {
        if (s is null) return null;
        int colon = FindRatioColon(s);
        if (colon < 0) return null;
        var n = ToQuantity(s[..colon]);
        var d = ToQuantity(s[(colon + 1)..]);
        return n is null || d is null ? null : new CqlRatio(n, d);
    }

    private static int FindRatioColon(string s)
    {
        bool quoted = false;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\'') quoted = !quoted;
            else if (s[i] == ':' && !quoted) return i;
        }
        return -1;
    }

    /// <summary>Identity.</summary>
    public static CqlRatio? ToRatio(CqlRatio? r) => r;

    /// <summary>ISO text to a Date.</summary>
    public static CqlDate? ToDate(string? s) =>
        s is null ? null : CqlDate.TryParseIso(s, out var d) ? d : CqlDateTime.TryParseIso(s, out var dt) && dt!.Precision >= DateTimePrecision.Day ? dt.Date : null;
    /// <summary>Identity.</summary>
    public static CqlDate? ToDate(CqlDate? d) => d;
    /// <summary>The date of a date-time.</summary>
    public static CqlDate? ToDate(CqlDateTime? dt) => dt?.Date;

    /// <summary>ISO text to a DateTime.</summary>
    public static CqlDateTime? ToDateTime(string? s) => s is not null && CqlDateTime.TryParseIso(s, out var dt) && !s.Contains("--", StringComparison.Ordinal) ? dt : null;
    /// <summary>A Date as a DateTime.</summary>
    public static CqlDateTime? ToDateTime(CqlDate? d) => d?.ToDateTime();
    /// <summary>Identity.</summary>
    public static CqlDateTime? ToDateTime(CqlDateTime? dt) => dt;

    /// <summary>"hh:mm:ss.fff" (optionally with a leading T) to a Time.</summary>
    public static CqlTime? ToTime(string? s)
    {
        if (s is null) return null;
        var text = s.TrimStart('T');
        // A time of day carries no offset: ignore one if the text has it (T14:30:00.0+05:30).
        int offset = text.IndexOfAny(['+', '-', 'Z']);
        if (offset > 0) text = text[..offset];
        return CqlTime.TryParseIso(text, out var t) ? t : null;
    }
    /// <summary>Identity.</summary>
    public static CqlTime? ToTime(CqlTime? t) => t;

    /// <summary>A code as a concept.</summary>
    public static CqlConcept? ToConcept(CqlCode? c) => c is null ? null : new CqlConcept([c]);
    /// <summary>Codes as a concept.</summary>
    public static CqlConcept? ToConcept(IReadOnlyList<object?>? codes) => codes is null ? null : new CqlConcept(codes.OfType<CqlCode>().ToList());

    /// <summary>A value as text: numbers and dates in their literal form without quotes or @.</summary>
    public static string? ToStringValue(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        int i => i.ToString(Inv),
        long l => l.ToString(Inv),
        decimal d => d.ToString(Inv),
        CqlDate d => d.ToIsoString(),
        CqlDateTime dt => dt.ToIsoString(),
        CqlTime t => t.ToIsoString(),
        CqlQuantity q => $"{q.Value.ToString(Inv)} '{q.Unit}'",
        CqlRatio r => $"{ToStringValue(r.Numerator)}:{ToStringValue(r.Denominator)}",
        _ => CqlFormatter.Format(value),
    };

    private static bool? Converts(object? value, Func<object, object?> convert) => value is null ? null : convert(value) is not null;

    /// <summary>Whether ToBoolean would succeed.</summary>
    public static bool? ConvertsToBoolean(object? v) => Converts(v, x => x switch { string s => ToBoolean(s), int i => ToBoolean(i), long l => ToBoolean(l), decimal d => ToBoolean(d), bool b => b, _ => null });
    /// <summary>Whether ToInteger would succeed.</summary>
    public static bool? ConvertsToInteger(object? v) => Converts(v, x => x switch { string s => ToInteger(s), bool b => ToInteger(b), int i => i, long l => ToInteger(l), _ => null });
    /// <summary>Whether ToLong would succeed.</summary>
    public static bool? ConvertsToLong(object? v) => Converts(v, x => x switch { string s => ToLong(s), bool b => ToLong(b), int i => (long)i, long l => l, _ => null });
    /// <summary>Whether ToDecimal would succeed.</summary>
    public static bool? ConvertsToDecimal(object? v) => Converts(v, x => x switch { string s => ToDecimal(s), bool b => ToDecimal(b), int i => (decimal)i, long l => (decimal)l, decimal d => d, _ => null });
    /// <summary>Whether ToQuantity would succeed.</summary>
    public static bool? ConvertsToQuantity(object? v) => Converts(v, x => x switch { string s => ToQuantity(s), int i => ToQuantity(i), decimal d => ToQuantity(d), CqlQuantity q => q, _ => null });
    /// <summary>Whether ToRatio would succeed.</summary>
    public static bool? ConvertsToRatio(object? v) => Converts(v, x => x switch { string s => ToRatio(s), CqlRatio r => r, _ => null });
    /// <summary>Whether ToDate would succeed.</summary>
    public static bool? ConvertsToDate(object? v) => Converts(v, x => x switch { string s => ToDate(s), CqlDate d => d, CqlDateTime dt => dt.Date, _ => null });
    /// <summary>Whether ToDateTime would succeed.</summary>
    public static bool? ConvertsToDateTime(object? v) => Converts(v, x => x switch { string s => ToDateTime(s), CqlDate d => d.ToDateTime(), CqlDateTime dt => dt, _ => null });
    /// <summary>Whether ToTime would succeed.</summary>
    public static bool? ConvertsToTime(object? v) => Converts(v, x => x switch { string s => ToTime(s), CqlTime t => t, _ => null });
    /// <summary>Whether ToString would succeed.</summary>
    public static bool? ConvertsToString(object? v) => Converts(v, x => x is IReadOnlyList<object?> or CqlTuple or CqlInterval ? null : ToStringValue(x));

    /// <summary>A quantity in another unit (null when the units are incompatible).</summary>
    public static CqlQuantity? ConvertQuantity(CqlQuantity? q, string? unit) => q is null || unit is null ? null : Units.Convert(q, unit);

    /// <summary>Whether a quantity converts to the unit.</summary>
    public static bool? CanConvertQuantity(CqlQuantity? q, string? unit) => q is null || unit is null ? null : Units.Convert(q, unit) is not null;

    /// <summary>
    /// CQL Message: when the condition is true, reports the message (an Error severity stops the rule with a
    /// runtime error) and returns the source unchanged.
    /// </summary>
    public static object? Message(EvaluationContext ctx, object? source, bool? condition, string? code, string? severity, string? message)
    {
        if (condition != true) return source;
        var text = $"{code}: {message}";
        if (string.Equals(severity, "Error", StringComparison.OrdinalIgnoreCase)) throw new CqlRuntimeException(text);
        ctx.Messages.Add($"{severity}: {text}");
        return source;
    }
}
