namespace ProtocolEngine.Data.Text;

/// <summary>The one rule for what a character value may hold, shared by every reader (see <see cref="CheckedTextStream"/>).</summary>
internal static class TextValues
{
    /// <summary>True for a control character a value may not hold: C0 controls other than tab and line breaks, DEL, and C1 controls.</summary>
    public static bool IsForbidden(char c) => c < 0x20 ? c is not ('\t' or '\n' or '\r') : c is >= '\u007F' and <= '\u009F';

    /// <summary>The index of the first forbidden control character, or -1.</summary>
    public static int FindControl(ReadOnlySpan<char> value)
    {
        // Most values are plain printable ASCII: one vectorised range test decides them.
        if (value.IndexOfAnyExceptInRange(' ', '~') < 0) return -1;
        for (int i = 0; i < value.Length; i++)
            if (IsForbidden(value[i])) return i;
        return -1;
    }

    /// <summary>A control character as a user can look it up, for example "U+0000 (NUL)".</summary>
    public static string Describe(char c) => c switch
    {
        '\0' => "U+0000 (NUL)",
        '\u007F' => "U+007F (DEL)",
        _ => $"U+{(int)c:X4}",
    };

    /// <summary>What a value with a control character should have been.</summary>
    public const string ControlExpected = "printable text: control characters other than tab and line breaks are not allowed in values";
}
