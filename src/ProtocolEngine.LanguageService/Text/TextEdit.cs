using System.Text;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.LanguageService.Text;

/// <summary>A replacement of the text at <paramref name="Span"/> by <paramref name="NewText"/> (an insertion when the span is empty).</summary>
/// <param name="Span">The text replaced, in the document's offsets before any edit.</param>
/// <param name="NewText">What replaces it.</param>
public sealed record TextEdit(TextSpan Span, string NewText)
{
    /// <summary>Applies edits that do not overlap (spans in the original text's offsets) and returns the new text.</summary>
    /// <exception cref="ArgumentException">Two edits overlap.</exception>
    public static string Apply(string text, IEnumerable<TextEdit> edits)
    {
        var ordered = edits.OrderBy(e => e.Span.Start).ThenBy(e => e.Span.End).ToList();
        var sb = new StringBuilder(text.Length);
        int at = 0;
        foreach (var edit in ordered)
        {
            if (edit.Span.Start < at) throw new ArgumentException($"Edits overlap at offset {edit.Span.Start}.", nameof(edits));
            sb.Append(text, at, edit.Span.Start - at).Append(edit.NewText);
            at = edit.Span.End;
        }
        return sb.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>
    /// The smallest edit turning <paramref name="before"/> into <paramref name="after"/>: the common prefix and suffix are
    /// kept, the middle replaced (none when the texts are equal).
    /// </summary>
    public static IReadOnlyList<TextEdit> Diff(string before, string after)
    {
        if (string.Equals(before, after, StringComparison.Ordinal)) return [];
        int prefix = 0, max = Math.Min(before.Length, after.Length);
        while (prefix < max && before[prefix] == after[prefix]) prefix++;
        int suffix = 0;
        while (suffix < max - prefix && before[before.Length - 1 - suffix] == after[after.Length - 1 - suffix]) suffix++;
        return [new TextEdit(TextSpan.FromBounds(prefix, before.Length - suffix), after.Substring(prefix, after.Length - prefix - suffix))];
    }
}

/// <summary>Edits of several documents at once (a rename across imports).</summary>
/// <param name="Changes">The edits of each document, by path.</param>
public sealed record WorkspaceEdit(IReadOnlyDictionary<string, IReadOnlyList<TextEdit>> Changes);
