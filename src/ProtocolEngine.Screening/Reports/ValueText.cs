using System.Globalization;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening.Reports;

/// <summary>How a value a rule read is shown to people: dates in ISO 8601, numbers without trailing noise.</summary>
internal static class ValueText
{
    /// <summary>The value as people read it in a report: <see cref="Of"/>, shortened visibly when long (<see cref="DisplayText"/>).</summary>
    public static string Display(object? value) => DisplayText.Shorten(Of(value));

    /// <summary>The value as text ("missing" for null).</summary>
    public static string Of(object? value) => value switch
    {
        null => "missing",
        string s => s,
        double d => d.ToString("G15", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        CqlDateTime dt => dt.ToIsoString(),
        CqlDate date => date.ToIsoString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
