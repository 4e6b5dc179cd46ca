using System.Collections.Immutable;
using System.Text;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.LanguageService.Formatting;

/// <summary>The result of formatting: the formatted text, or the syntax errors that stopped it.</summary>
/// <param name="Text">The formatted text (null when the text has syntax errors).</param>
/// <param name="Errors">The syntax errors, when there are any: a text the parser cannot read is never formatted.</param>
public sealed record FormatResult(string? Text, IReadOnlyList<Diagnostic> Errors)
{
    /// <summary>True when the text was formatted.</summary>
    public bool Succeeded => Text is not null;
}

/// <summary>
/// The one canonical layout of protocol text (<c>protocol format</c>, an editor's Format Document). It changes only
/// whitespace between tokens, never a token, so it changes no rule hash (<see cref="Language.Compilation.RuleHasher.Canonical"/>):
/// <list type="bullet">
/// <item>declarations start at column 0; header lines, block entries (roles, arms, visits, codes, criteria, check and
/// table clauses, table rows, safety rules, states, transitions) at 2; a criterion's clauses and rule and a safety rule's
/// clauses at 4;</item>
/// <item>one space between tokens, none inside brackets, before commas and around dots, none between a function and its
/// arguments or after a unary minus;</item>
/// <item>inside rules and lists the line breaks the author chose are kept; a continuation line is indented two more than
/// the line the rule starts on, and two more for every earlier line whose bracket is still open; a line longer than
/// <see cref="MaxWidth"/> is broken before its outermost <c>and</c>/<c>or</c> (or query clause, or after a comma);</item>
/// <item>columns are aligned in runs of consecutive lines: decision table cells, visits, arms, roles, states' first clause
/// (their continuation lines two further), transitions' arrows and <c>when</c>, and trailing comments;</item>
/// <item>comments stay where they are; at most one blank line in a row; one line break at the end.</item>
/// </list>
/// Formatting is idempotent: formatted text formats to itself.
/// </summary>
public static class ProtocolFormatter
{
    /// <summary>The line length beyond which rules are broken (texts and titles are never broken).</summary>
    public const int MaxWidth = 120;

    /// <summary>Formats a protocol text.</summary>
    public static FormatResult Format(string text)
    {
        var parse = ProtocolParser.ParseFile(new SourceText(text, "format.protocol"));
        if (parse.Diagnostics.Any(d => d.IsError)) return new FormatResult(null, parse.Diagnostics.Where(d => d.IsError).ToList());
        var tokens = ProtocolTokenizer.Tokenize(text);
        if (tokens.Length == 0) return new FormatResult("", []);
        var layout = new Layout(text, tokens);
        new Annotator(layout).Annotate(parse.Root);
        var formatted = layout.Render();
        // Formatting moves whitespace only: anything else would be a bug, and a changed rule must never be written.
        if (!ProtocolTokenizer.Tokenize(formatted).Select(t => t.Text).SequenceEqual(tokens.Select(t => t.Text), StringComparer.Ordinal))
            throw new InvalidOperationException("The formatter changed a token; the text was left as it was. This is a bug in ProtocolEngine.");
        // A file written with CRLF line ends keeps them.
        if (text.Contains("\r\n", StringComparison.Ordinal)) formatted = formatted.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        return new FormatResult(formatted, []);
    }
}
