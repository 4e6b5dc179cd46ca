using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Analysis;
using ProtocolEngine.LanguageService.Features;
using ProtocolEngine.LanguageService.Text;

namespace ProtocolEngine.LanguageService;

public sealed partial class ProtocolLanguageService
{
    /// <summary>The outline of a document: its declarations, with criteria, states, transitions, visits and arms nested.</summary>
    public ImmutableArray<DocumentSymbol> DocumentSymbols(string path)
    {
        var analysis = Workspace.Analyze(path);
        var lines = analysis.Document.Lines;
        DocumentSymbol Make(string name, string? detail, DocumentSymbolKind kind, TextSpan span, TextSpan selection, IEnumerable<DocumentSymbol>? children = null) =>
            new(name.Length == 0 ? "?" : name, detail, kind, lines.RangeOf(span), lines.RangeOf(selection), [.. children ?? []]);

        var result = ImmutableArray.CreateBuilder<DocumentSymbol>();
        var file = analysis.Compiled.Syntax;
        if (file.Header is { } header)
            result.Add(Make(header.Name.Text, header.Title?.Value, DocumentSymbolKind.Protocol, header.Span, header.Name.Span));
        foreach (var declaration in file.Declarations)
        {
            switch (declaration)
            {
                case ImportSyntax i:
                    result.Add(Make(i.Library.Text, i.Alias?.Name, DocumentSymbolKind.Import, i.Span, i.Library.Span));
                    break;
                case ParameterSyntax p:
                    result.Add(Make(p.Name.Name, p.Description?.Value, DocumentSymbolKind.Parameter, p.Span, p.Name.Span));
                    break;
                case RolesSyntax r:
                    result.Add(Make("roles", null, DocumentSymbolKind.Block, r.Span, new TextSpan(r.Span.Start, 5),
                        r.Roles.Select(x => Make(x.Name.Name, x.Title?.Value, DocumentSymbolKind.Entry, x.Span, x.Name.Span))));
                    break;
                case ArmsSyntax a:
                    result.Add(Make("arms", null, DocumentSymbolKind.Block, a.Span, new TextSpan(a.Span.Start, 4),
                        a.Arms.Select(x => Make(x.Name.Name, x.Title.Value, DocumentSymbolKind.Entry, x.Span, x.Name.Span))));
                    break;
                case VisitsSyntax v:
                    result.Add(Make("visits", null, DocumentSymbolKind.Block, v.Span, new TextSpan(v.Span.Start, 6),
                        v.Visits.Select(x => Make(x.Name.Name, x.Label?.Value, DocumentSymbolKind.Entry, x.Span, x.Name.Span))));
                    break;
                case CodeListSyntax c:
                    result.Add(Make(c.Name.Name, c.Title?.Value, DocumentSymbolKind.CodeList, c.Span, c.Name.Span));
                    break;
                case DefineSyntax d:
                    var type = d.IsFunction ? analysis.Compiled.Functions.GetValueOrDefault(d.Name.Name)?.ReturnType : analysis.Compiled.Defines.GetValueOrDefault(d.Name.Name)?.Type;
                    result.Add(Make(d.Name.Name, type?.Name, d.IsFunction ? DocumentSymbolKind.Function : DocumentSymbolKind.Definition, d.Span, d.Name.Span));
                    break;
                case CriteriaSyntax cs:
                    result.Add(Make("criteria", null, DocumentSymbolKind.Block, cs.Span, new TextSpan(cs.Span.Start, 8),
                        cs.Criteria.Select(x => Make(x.Name.Name, x.Title.Value, DocumentSymbolKind.Criterion, x.Span, x.Name.Span))));
                    break;
                case CheckSyntax ch:
                    result.Add(Make(ch.Name.Name, ch.Title.Value, DocumentSymbolKind.Check, ch.Span, ch.Name.Span));
                    break;
                case TableSyntax t:
                    result.Add(Make(t.Name.Name, t.Title.Value, DocumentSymbolKind.Table, t.Span, t.Name.Span));
                    break;
                case SafetySyntax s:
                    result.Add(Make("safety", null, DocumentSymbolKind.Block, s.Span, new TextSpan(s.Span.Start, 6),
                        s.Rules.Select(x => Make(x.Name.Name, x.Title.Value, DocumentSymbolKind.SafetyRule, x.Span, x.Name.Span))));
                    break;
                case WorkflowSyntax w:
                    var members = w.States.Select(x => Make(x.Name.Name, x.IsInitial ? "initial" : x.IsFinal ? "final" : null, DocumentSymbolKind.State, x.Span, x.Name.Span))
                        .Concat(w.Transitions.Select(x => Make(x.From.Name + " -> " + x.To.Name, null, DocumentSymbolKind.Transition, x.Span, x.To.Span)));
                    result.Add(Make(w.Name.Name, w.Title?.Value, DocumentSymbolKind.Workflow, w.Span, w.Name.Span, members));
                    break;
            }
        }
        return result.ToImmutable();
    }

    /// <summary>
    /// How an editor colours every token of a document: words of the language, texts, numbers and comments from the
    /// lexer; names by what the compiler resolved them to (a domain, a variable, a definition, a state ...).
    /// </summary>
    public ImmutableArray<SemanticToken> SemanticTokens(string path)
    {
        var analysis = Workspace.Analyze(path);
        var lines = analysis.Document.Lines;
        var names = analysis.Model.In(path).GroupBy(o => o.Span.Start).ToDictionary(g => g.Key, g => g.OrderBy(o => o.Span.Length).First());
        var result = ImmutableArray.CreateBuilder<SemanticToken>();
        foreach (var token in analysis.Tokens)
        {
            SemanticTokenType? type;
            var modifiers = SemanticTokenModifiers.None;
            if (names.TryGetValue(token.Span.Start, out var occurrence) && occurrence.Span.End == token.Span.End)
            {
                (type, modifiers) = TypeOf(occurrence.Target);
                if (occurrence.IsDeclaration) modifiers |= SemanticTokenModifiers.Declaration;
            }
            else
            {
                type = token.Kind switch
                {
                    SyntaxTokenKind.Keyword => SemanticTokenType.Keyword,
                    SyntaxTokenKind.Identifier or SyntaxTokenKind.QuotedIdentifier => SemanticTokenType.Variable,
                    SyntaxTokenKind.Text or SyntaxTokenKind.String => SemanticTokenType.String,
                    SyntaxTokenKind.Number or SyntaxTokenKind.DateTime => SemanticTokenType.Number,
                    SyntaxTokenKind.LineComment or SyntaxTokenKind.BlockComment => SemanticTokenType.Comment,
                    SyntaxTokenKind.Punctuation when token.Text is not ("(" or ")" or "[" or "]" or "{" or "}" or "," or "." or ":") => SemanticTokenType.Operator,
                    _ => null,
                };
            }
            if (type is null) continue;
            // A token spanning lines (a block comment) is coloured line by line, as the protocol requires.
            for (int start = token.Span.Start; start < token.Span.End;)
            {
                var position = lines.PositionOf(start);
                int end = Math.Min(token.Span.End, lines.LineEnd(position.Line));
                if (end > start) result.Add(new SemanticToken(position.Line, position.Character, end - start, type.Value, modifiers));
                if (position.Line + 1 >= lines.LineCount) break;
                start = Math.Max(end, lines.LineStart(position.Line + 1));
            }
        }
        return result.ToImmutable();
    }

    private static (SemanticTokenType, SemanticTokenModifiers) TypeOf(Target target) => target switch
    {
        DomainTarget => (SemanticTokenType.Class, SemanticTokenModifiers.DefaultLibrary),
        VariableTarget => (SemanticTokenType.Property, SemanticTokenModifiers.DefaultLibrary),
        BuiltinTarget => (SemanticTokenType.Function, SemanticTokenModifiers.DefaultLibrary),
        LibraryTarget => (SemanticTokenType.Namespace, SemanticTokenModifiers.None),
        StateTarget => (SemanticTokenType.EnumMember, SemanticTokenModifiers.None),
        TaskTarget => (SemanticTokenType.Event, SemanticTokenModifiers.None),
        RuleTarget => (SemanticTokenType.Macro, SemanticTokenModifiers.None),
        PhaseTarget => (SemanticTokenType.EnumMember, SemanticTokenModifiers.None),
        SymbolTarget { Symbol: var s } => s switch
        {
            FunctionSymbol or TableSymbol => (SemanticTokenType.Function, SemanticTokenModifiers.None),
            ParameterSymbol => (SemanticTokenType.Parameter, SemanticTokenModifiers.None),
            CodeListSymbol => (SemanticTokenType.Enum, SemanticTokenModifiers.None),
            VisitSymbol => (SemanticTokenType.EnumMember, SemanticTokenModifiers.None),
            RoleSymbol r => (SemanticTokenType.Type, r.Declaration is null ? SemanticTokenModifiers.DefaultLibrary : SemanticTokenModifiers.None),
            LocalSymbol { Kind: LocalKind.Parameter or LocalKind.TableInput } => (SemanticTokenType.Parameter, SemanticTokenModifiers.None),
            _ => (SemanticTokenType.Variable, SemanticTokenModifiers.None),
        },
        _ => (SemanticTokenType.Variable, SemanticTokenModifiers.None),
    };
}
