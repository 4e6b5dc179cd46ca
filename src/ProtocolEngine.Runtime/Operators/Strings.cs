using System.Text.RegularExpressions;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>String operators of CQL 1.5 (positions are 0-based).</summary>
internal static class Strings
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>a + b (null when either is null).</summary>
    public static string? Concatenate(string? a, string? b) => a is null || b is null ? null : a + b;

    /// <summary>a &amp; b: null is treated as the empty string.</summary>
    public static string? ConcatenateOrEmpty(string? a, string? b) => (a ?? "") + (b ?? "");

    /// <summary>Joins the non-null strings of a list.</summary>
    public static string? Combine(IReadOnlyList<object?>? list) => Combine(list, "");

    /// <summary>Joins the non-null strings of a list with a separator.</summary>
    public static string? Combine(IReadOnlyList<object?>? list, string? separator) =>
        list is null ? null : string.Join(separator ?? "", list.OfType<string>());

    /// <summary>Splits at each occurrence of the separator.</summary>
    public static IReadOnlyList<object?>? Split(string? s, string? separator) =>
        s is null ? null : separator is null || separator.Length == 0 ? [s] : s.Split(separator).Cast<object?>().ToList();

    /// <summary>Splits at each match of a regular expression.</summary>
    public static IReadOnlyList<object?>? SplitOnMatches(string? s, string? pattern) =>
        s is null || pattern is null ? null : Regex.Split(s, pattern, RegexOptions.None, RegexTimeout).Cast<object?>().ToList();

    /// <summary>The number of characters.</summary>
    public static int? Length(string? s) => s?.Length;

    /// <summary>Upper case (invariant).</summary>
    public static string? Upper(string? s) => s?.ToUpperInvariant();

    /// <summary>Lower case (invariant).</summary>
    public static string? Lower(string? s) => s?.ToLowerInvariant();

    /// <summary>True when s starts with the prefix.</summary>
    public static bool? StartsWith(string? s, string? prefix) => s is null || prefix is null ? null : s.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>True when s ends with the suffix.</summary>
    public static bool? EndsWith(string? s, string? suffix) => s is null || suffix is null ? null : s.EndsWith(suffix, StringComparison.Ordinal);

    /// <summary>True when the whole string matches the regular expression.</summary>
    public static bool? Matches(string? s, string? pattern) =>
        s is null || pattern is null ? null : Regex.IsMatch(s, "^(?:" + pattern + ")$", RegexOptions.None, RegexTimeout);

    /// <summary>Replaces every match of a regular expression.</summary>
    public static string? ReplaceMatches(string? s, string? pattern, string? replacement) =>
        s is null || pattern is null || replacement is null ? null : Regex.Replace(s, pattern, replacement, RegexOptions.None, RegexTimeout);

    /// <summary>The position of the first occurrence, or -1.</summary>
    public static int? PositionOf(string? pattern, string? s) => s is null || pattern is null ? null : s.IndexOf(pattern, StringComparison.Ordinal);

    /// <summary>The position of the last occurrence, or -1.</summary>
    public static int? LastPositionOf(string? pattern, string? s) => s is null || pattern is null ? null : s.LastIndexOf(pattern, StringComparison.Ordinal);

    /// <summary>The rest of the string from a position (null when out of range).</summary>
    public static string? Substring(string? s, int? start) =>
        s is null || start is null || start < 0 || start > s.Length || start == s.Length && s.Length > 0 ? null : s[start.Value..];

    /// <summary>Up to <paramref name="length"/> characters from a position.</summary>
    public static string? Substring(string? s, int? start, int? length)
    {
        if (s is null || start is null || start < 0 || start >= s.Length) return null;
        if (length is null) return s[start.Value..];
        if (length < 0) return null;
        return s.Substring(start.Value, Math.Min(length.Value, s.Length - start.Value));
    }

    /// <summary>The character at a position, as a string (null when out of range).</summary>
    public static string? Indexer(string? s, int? index) => s is null || index is null || index < 0 || index >= s.Length ? null : s[index.Value].ToString();
}
