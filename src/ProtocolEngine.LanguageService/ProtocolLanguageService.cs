using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Analysis;
using ProtocolEngine.LanguageService.Features;
using ProtocolEngine.LanguageService.Text;
using ProtocolEngine.LanguageService.Workspace;

namespace ProtocolEngine.LanguageService;

/// <summary>
/// What editors ask of protocol text, over the real compiler: diagnostics with quick fixes, completion, hover, go to
/// definition, references, rename across imports, document symbols, semantic tokens and formatting. The language
/// server (<c>protocol lsp</c>) and the designer's server endpoint are thin hosts over it. Positions are
/// <see cref="LinePosition"/>s (line and UTF-16 character, as the Language Server Protocol counts), converted to the
/// compiler's offsets in one place (<see cref="LineMap"/>).
/// </summary>
public sealed partial class ProtocolLanguageService(LanguageWorkspace workspace)
{
    /// <summary>The documents and their compilations.</summary>
    public LanguageWorkspace Workspace { get; } = workspace;

    // ---------------------------------------------------------------- diagnostics

    /// <summary>The diagnostics of a document's own text (those of an imported library belong to the library's document).</summary>
    public ImmutableArray<DocumentDiagnostic> Diagnostics(string path)
    {
        var analysis = Workspace.Analyze(path);
        var lines = analysis.Document.Lines;
        return [.. analysis.Compiled.Diagnostics
            .Where(d => d.Source is null || d.Source.Path == path)
            .Select(d => new DocumentDiagnostic(lines.RangeOf(d.Span), d.Span, d.Severity, d.Code, d.Message, FixOf(analysis, d)))];
    }

    /// <summary>The quick fixes of the diagnostics that touch a range.</summary>
    public ImmutableArray<QuickFix> QuickFixes(string path, LineRange range)
    {
        var span = Workspace.Analyze(path).Document.Lines.SpanOf(range);
        return [.. Diagnostics(path).Where(d => d.Fix is not null && d.Span.Start <= span.End && span.Start <= d.Span.End).Select(d => d.Fix!)];
    }

    private static QuickFix? FixOf(DocumentAnalysis analysis, Diagnostic diagnostic)
    {
        if (diagnostic.Suggestion is not { Length: > 0 } suggestion) return null;
        // A fix replaces one name: a diagnostic whose span covers more than a name (an instance selector) gets none.
        var text = analysis.Document.Source.Slice(diagnostic.Span);
        var tokens = ProtocolTokenizer.Tokenize(text);
        if (tokens.Length != 1 || tokens[0].Kind is not (SyntaxTokenKind.Identifier or SyntaxTokenKind.QuotedIdentifier or SyntaxTokenKind.Keyword)) return null;
        var replacement = IsPlainName(suggestion) ? suggestion : "`" + suggestion + "`";
        return new QuickFix($"Change to \"{suggestion}\"", new TextEdit(diagnostic.Span, replacement), analysis.Document.Lines.RangeOf(diagnostic.Span));
    }

    private static readonly Regex PlainName = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    /// <summary>True when a name can be written without backticks: an identifier that is not a reserved word.</summary>
    internal static bool IsPlainName(string name) =>
        PlainName.IsMatch(name) && (!ProtocolTokenizer.Keywords.Contains(name) || ProtocolTokenizer.SoftKeywords.Contains(name));

    // ---------------------------------------------------------------- helpers

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SourceText, LineMap> _lineMaps = new();

    private SourceLocation LocationOf(SourceText source, TextSpan span)
    {
        var document = Workspace.Get(source.Path);
        var lines = document is not null && document.Text == source.Text ? document.Lines : _lineMaps.GetValue(source, s => new LineMap(s.Text));
        return new SourceLocation(source.Path, lines.RangeOf(span), span);
    }

    // The text of a file of a compilation: the document itself or one of the libraries it imports.
    private SourceText? SourceOf(DocumentAnalysis analysis, string path) =>
        analysis.Document.Path == path ? analysis.Document.Source
            : analysis.Compiled.Libraries.FirstOrDefault(l => l.Source.Path == path)?.Source ?? Workspace.Get(path)?.Source;

    private static (DocumentAnalysis Analysis, int Offset) At(LanguageWorkspace workspace, string path, LinePosition position)
    {
        var analysis = workspace.Analyze(path);
        return (analysis, analysis.Document.Lines.OffsetOf(position));
    }
}
