using System.Collections;
using System.Globalization;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Values;

/// <summary>Writes runtime values as CQL literals (<c>'text'</c>, <c>@2014-03</c>, <c>{1, 2}</c>, <c>5 'mg'</c>), for reports and test output.</summary>
public static class CqlFormatter
{
    /// <summary>The CQL literal form of a value.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        decimal d => FormatDecimal(d),
        double f => f.ToString("R", CultureInfo.InvariantCulture),
        string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        DomainRecord r => r.ToString(),
        IEnumerable e => "{" + string.Join(", ", e.Cast<object?>().Select(Format)) + "}",
        _ => value.ToString() ?? "",
    };

    /// <summary>A decimal as CQL writes it: at least one decimal place.</summary>
    public static string FormatDecimal(decimal d)
    {
        var text = d.ToString(CultureInfo.InvariantCulture);
        return text.Contains('.') ? text : text + ".0";
    }

    /// <summary>A value as plain text for people (no quotes on strings, ISO dates).</summary>
    public static string Display(object? value) => value switch
    {
        null => "(missing)",
        string s => s,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        CqlDateTime dt => dt.ToIsoString(),
        CqlDate date => date.ToIsoString(),
        CqlTime t => t.ToIsoString(),
        _ => Format(value),
    };
}
