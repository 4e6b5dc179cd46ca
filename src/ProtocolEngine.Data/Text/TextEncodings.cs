using System.Text;
using ProtocolEngine.Language.Binding;

namespace ProtocolEngine.Data.Text;

/// <summary>
/// The character encodings a user may declare for data files. Without a declaration every text file (CSV,
/// Dataset-JSON, NDJSON) and every XPT character value must be valid UTF-8 (ASCII is a subset): bytes that
/// are not are an error, never a guess. A declared encoding (latin1, windows-1252, ...) is how the user says
/// what the bytes mean.
/// </summary>
public static class TextEncodings
{
    /// <summary>The names shown to users; any other name .NET knows (with its code pages) is accepted too.</summary>
    public static IReadOnlyList<string> Common { get; } = ["utf-8", "latin1", "windows-1252", "iso-8859-15", "ascii"];

    static TextEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The strict UTF-8 every file is read as when no encoding is declared (invalid bytes throw).</summary>
    public static Encoding StrictUtf8 { get; } = new UTF8Encoding(false, true);

    /// <summary>
    /// The encoding a user named, with a strict decoder (a byte the encoding does not define is an error, not a
    /// replacement character).
    /// </summary>
    /// <exception cref="ArgumentException">The name is not an encoding; the message lists the common ones and the closest.</exception>
    public static Encoding Parse(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("utf8", StringComparison.OrdinalIgnoreCase)) return StrictUtf8;
        Encoding found;
        try
        {
            found = Encoding.GetEncoding(trimmed.Equals("latin-1", StringComparison.OrdinalIgnoreCase) ? "latin1" : trimmed,
                EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            var closest = Suggest(trimmed);
            throw new ArgumentException($"Unknown encoding '{name}'; use {string.Join(", ", Common)}{(closest is null ? "" : $" (did you mean {closest}?)")}.");
        }
        // A multi-byte encoding other than UTF-8 (UTF-16, UTF-32) cannot be read line by line as bytes; convert the file first.
        if (found is UnicodeEncoding or UTF32Encoding)
            throw new ArgumentException($"Encoding '{name}' is not supported for data files; convert them to UTF-8, or use {string.Join(", ", Common)}.");
        return found;
    }

    /// <summary>The name to show for an encoding in messages.</summary>
    public static string Describe(Encoding? encoding) => encoding is null || encoding.CodePage == 65001 ? "UTF-8" : encoding.WebName;

    private static string? Suggest(string name) =>
        NameSuggester.Suggest(name, Common.Concat(Encoding.GetEncodings().Select(e => e.Name)));
}
