using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Features;
using ProtocolEngine.LanguageService.Text;
using ProtocolEngine.LanguageService.Workflows;
using ProtocolEngine.LanguageService.Workspace;

namespace ProtocolEngine.Server.Designer;

/// <summary>
/// The language service's answers as the designer's endpoints send them. Positions are UTF-16 offsets into the text sent
/// (what the browser's editor counts in), with the 0-based line where a person reads it.
/// </summary>
internal static class DesignerViews
{
    public static object Span(TextSpan span) => new { start = span.Start, end = span.End };

    public static object Diagnostic(DocumentDiagnostic d) => new
    {
        code = d.Code,
        severity = d.Severity.ToString().ToLowerInvariant(),
        message = d.Message,
        line = d.Range.Start.Line,
        start = d.Span.Start,
        end = d.Span.End,
        fix = d.Fix is { } fix ? new { title = fix.Title, start = fix.Edit.Span.Start, end = fix.Edit.Span.End, newText = fix.Edit.NewText } : null,
    };

    public static object Edit(TextEdit e) => new { start = e.Span.Start, end = e.Span.End, newText = e.NewText };

    public static object Completion(CompletionList list, ProtocolDocument document)
    {
        var replace = document.Lines.SpanOf(list.Replace);
        return new
        {
            from = replace.Start,
            to = replace.End,
            items = list.Items.Select(i => new
            {
                label = i.Label,
                kind = i.Kind.ToString().ToLowerInvariant(),
                detail = i.Detail,
                documentation = i.Documentation,
                insertText = i.InsertText ?? i.Label,
                sortText = i.SortText,
            }),
        };
    }

    public static object? Hover(HoverInfo? hover, ProtocolDocument document)
    {
        if (hover is null) return null;
        var span = document.Lines.SpanOf(hover.Range);
        return new { markdown = hover.Markdown, start = span.Start, end = span.End };
    }

    /// <summary>A definition: in the edited text (offsets) or in an imported library (its file and line, and the line's text to show).</summary>
    public static object Location(SourceLocation location, string documentPath, string? libraryText) => new
    {
        inDocument = location.Path == documentPath,
        file = location.Path == documentPath ? null : LibraryName(location.Path),
        line = location.Range.Start.Line,
        character = location.Range.Start.Character,
        start = location.Span.Start,
        end = location.Span.End,
        lineText = libraryText is null ? null : LineOf(libraryText, location.Span.Start),
    };

    // A library's path relative to the shipped library root (std/ctcae5.protocol), never the server's folders.
    private static string LibraryName(string path)
    {
        var root = Runtime.Hosting.FileSourceResolver.ShippedLibraryRoot;
        return path.StartsWith(root, StringComparison.Ordinal) ? path[root.Length..].TrimStart('/', '\\').Replace('\\', '/') : Path.GetFileName(path);
    }

    private static string LineOf(string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        int start = text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1;
        if (offset == 0) start = 0;
        int end = text.IndexOf('\n', offset);
        return text[start..(end < 0 ? text.Length : end)].TrimEnd('\r');
    }

    public static object Graph(WorkflowGraph g) => new
    {
        name = g.Name,
        title = g.Title,
        scope = g.Scope,
        span = Span(g.Span),
        nameSpan = Span(g.NameSpan),
        states = g.States.Select(s => new
        {
            id = s.Id,
            name = s.Name,
            initial = s.IsInitial,
            final = s.IsFinal,
            span = Span(s.Span),
            nameSpan = Span(s.NameSpan),
            entryActions = s.EntryActions,
            tasks = s.Tasks.Select(t => new
            {
                id = t.Id,
                name = t.Name,
                gate = t.IsGate,
                title = t.Title,
                roles = t.Roles,
                due = t.Due,
                reminders = t.Reminders,
                escalations = t.Escalations.Select(e => new { role = e.Role, after = e.After }),
                signature = t.SignatureMeaning,
                decisions = t.Decisions,
                span = Span(t.Span),
            }),
            deadline = s.Deadline is { } d ? new { duration = d.Duration, target = d.Target, reason = d.Reason, span = Span(d.Span) } : null,
        }),
        transitions = g.Transitions.Select(t => new
        {
            id = t.Id,
            from = t.From,
            to = t.To,
            ordinal = t.Ordinal,
            guard = t.Guard,
            actions = t.Actions,
            span = Span(t.Span),
            guardSpan = t.GuardSpan is { } gs ? Span(gs) : null,
        }),
        clocks = g.Clocks.Select(c => new { kind = c.Kind.ToString().ToLowerInvariant(), owner = c.Owner, length = c.Length, span = Span(c.Span) }),
    };
}
