using System.Globalization;

namespace ProtocolEngine.Runtime.Values;

/// <summary>
/// How long a value may be where people read it (reports, tables, explanations, findings). A data value can be any
/// size (a 100 MB text cell once made an 839 MB report); shown, it keeps its first characters and says visibly how
/// many more there are. Data written back as data (datasets, IE records) is never shortened.
/// </summary>
public static class DisplayText
{
    /// <summary>The characters of a value shown before it is cut.</summary>
    public const int Limit = 300;

    /// <summary>The text as shown: whole when at most <paramref name="limit"/> characters, else its start and "... (N more characters)".</summary>
    public static string Shorten(string text, int limit = Limit)
    {
        if (text.Length <= limit) return text;
        int keep = char.IsHighSurrogate(text[limit - 1]) ? limit - 1 : limit;
        return string.Concat(text.AsSpan(0, keep), string.Create(CultureInfo.InvariantCulture, $"... ({text.Length - keep:N0} more characters)"));
    }

    /// <summary>The same for a value that may be missing.</summary>
    public static string? ShortenOrNull(string? text, int limit = Limit) => text is null ? null : Shorten(text, limit);
}
