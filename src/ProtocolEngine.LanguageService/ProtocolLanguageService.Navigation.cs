using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Analysis;
using ProtocolEngine.LanguageService.Features;
using ProtocolEngine.LanguageService.Text;
using ProtocolEngine.LanguageService.Workspace;

namespace ProtocolEngine.LanguageService;

public sealed partial class ProtocolLanguageService
{
    /// <summary>Where the name at a position is declared: in this file or in an imported library. Empty when it is not a declared name.</summary>
    public ImmutableArray<SourceLocation> Definition(string path, LinePosition position)
    {
        var (analysis, offset) = At(Workspace, path, position);
        if (analysis.Model.At(path, offset) is not { } occurrence) return [];
        return DeclarationOf(analysis, occurrence.Target) is { } location ? [location] : [];
    }

    private SourceLocation? DeclarationOf(DocumentAnalysis analysis, Target target)
    {
        switch (target)
        {
            case SymbolTarget { Symbol: { Source: { } source, Declaration: var declaration } }
                when SemanticModel.NameSpanOf(declaration) is { } span:
                return LocationOf(source, span);
            case LibraryTarget { Library: { } library }:
                return LocationOf(library.Source, new TextSpan(0, 0));
            case StateTarget { Declaration: { } span } state when SourceOf(analysis, state.Path) is { } stateSource:
                return LocationOf(stateSource, span);
            case TaskTarget { Declaration: { } span } task when SourceOf(analysis, task.Path) is { } taskSource:
                return LocationOf(taskSource, span);
            case RuleTarget or PhaseTarget:
                var name = analysis.Model.All.FirstOrDefault(o => o.IsDeclaration && o.Target.Key == target.Key);
                return name is null ? null : LocationOf(name.Source, name.Span);
            default:
                return null;
        }
    }

    /// <summary>
    /// Every place the name at a position stands for the same thing: in this document, the libraries it imports and every
    /// other document of the workspace that reads it.
    /// </summary>
    public ImmutableArray<SourceLocation> References(string path, LinePosition position, bool includeDeclaration = true)
    {
        var (analysis, offset) = At(Workspace, path, position);
        if (analysis.Model.At(path, offset) is not { } occurrence) return [];
        return [.. OccurrencesOf(analysis, occurrence.Target)
            .Where(o => includeDeclaration || !o.IsDeclaration)
            .Select(o => LocationOf(o.Source, o.Span))
            .OrderBy(l => l.Path, StringComparer.Ordinal).ThenBy(l => l.Span.Start)];
    }

    /// <summary>The occurrences of a target across the workspace, each once.</summary>
    private List<Occurrence> OccurrencesOf(DocumentAnalysis analysis, Target target)
    {
        var found = new List<Occurrence>();
        var seen = new HashSet<(string, int)>();
        void Take(SemanticModel model)
        {
            foreach (var o in model.All)
                if (o.Target.Key == target.Key && seen.Add((o.Source.Path, o.Span.Start))) found.Add(o);
        }
        Take(analysis.Model);
        // Locals, states and tasks live in one file; anything else may be read by every file that imports its file.
        if (target is SymbolTarget { Symbol: LocalSymbol } or StateTarget or TaskTarget) return found;
        var analyzed = new HashSet<string>(StringComparer.Ordinal) { analysis.Document.Path };
        foreach (var document in Workspace.Documents)
        {
            if (!analyzed.Add(document.Path) || !document.Text.Contains(target.Name, StringComparison.Ordinal)) continue;
            Take(Workspace.Analyze(document.Path).Model);
        }
        // The declaring library itself, when no document of the workspace is that file: its own uses of the name.
        if (target is SymbolTarget { Symbol.Source: { } declaring } && analyzed.Add(declaring.Path))
            Take(SemanticModel.Build(Workspace.CompileTransient(declaring)));
        return found;
    }

    /// <summary>The name at a position when it can be renamed (a declared definition, parameter, code list, visit, role, local, state or task), or null.</summary>
    public SourceLocation? PrepareRename(string path, LinePosition position)
    {
        var (analysis, offset) = At(Workspace, path, position);
        return analysis.Model.At(path, offset) is { } occurrence && CanRename(occurrence.Target) ? LocationOf(analysis.Document.Source, occurrence.Span) : null;
    }

    private static bool CanRename(Target target) => target switch
    {
        SymbolTarget { Symbol: { Declaration: not null, Source: not null } } => true,
        StateTarget { Declaration: not null } or TaskTarget { Declaration: not null } => true,
        _ => false,
    };

    /// <summary>
    /// Renames the name at a position everywhere it stands for the same thing, across imports: a library's definition
    /// renamed from a protocol changes the library and every workspace file that reads it.
    /// </summary>
    /// <exception cref="ArgumentException">Nothing renamable is at the position, or the new name is not a valid name.</exception>
    public WorkspaceEdit Rename(string path, LinePosition position, string newName)
    {
        var (analysis, offset) = At(Workspace, path, position);
        if (analysis.Model.At(path, offset) is not { } occurrence || !CanRename(occurrence.Target))
            throw new ArgumentException("Only a declared definition, function, table, parameter, code list, visit, role, alias, state or task can be renamed.", nameof(position));
        if (!IsPlainName(newName)) throw new ArgumentException($"\"{newName}\" is not a valid name: use letters, digits and _, starting with a letter, and no reserved word.", nameof(newName));
        var changes = OccurrencesOf(analysis, occurrence.Target)
            .GroupBy(o => o.Source.Path, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<TextEdit>)[.. g.OrderBy(o => o.Span.Start).Select(o => new TextEdit(o.Span, newName))], StringComparer.Ordinal);
        return new WorkspaceEdit(changes);
    }
}
