using System.Collections.Immutable;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Text;

namespace ProtocolEngine.LanguageService.Workflows;

/// <summary>An edit the workflow cannot take: it names a state, transition or task the workflow lacks, or an invalid name or text.</summary>
public sealed class WorkflowEditException(string message) : Exception(message);

/// <summary>The text edits of a graph edit and the text they give.</summary>
/// <param name="Edits">The minimal edits, in the original text's offsets.</param>
/// <param name="Text">The new text.</param>
public sealed record WorkflowEditResult(ImmutableArray<TextEdit> Edits, string Text);

/// <summary>
/// Applies graph edits to protocol text as minimal text edits computed from the syntax tree: only the lines and names the
/// edit concerns change; comments, blank lines and the layout elsewhere stay. New lines follow the block's layout (its
/// indentation and aligned columns). A result whose text no longer parses is refused.
/// </summary>
public static class WorkflowEditor
{
    /// <summary>Applies one edit to one workflow of a text.</summary>
    /// <exception cref="WorkflowEditException">The edit does not fit the workflow, or its text would not parse.</exception>
    public static WorkflowEditResult Apply(string text, string workflow, WorkflowEdit edit)
    {
        var source = new SourceText(text, "edit.protocol");
        var parse = ProtocolParser.ParseFile(source);
        var syntax = parse.Root.Declarations.OfType<WorkflowSyntax>().FirstOrDefault(w => w.Name.Name == workflow)
            ?? throw new WorkflowEditException($"The text has no workflow {workflow}.");
        var editor = new Editing(text, syntax);
        var edits = edit switch
        {
            AddState a => editor.AddState(a),
            RenameState r => editor.Rename(r),
            DeleteState d => editor.Delete(d),
            AddTransition t => editor.AddTransition(t.From, t.To, t.Guard),
            DeleteTransition d => editor.DeleteTransition(d),
            SetGuard g => editor.SetGuard(g),
            SetTaskRoles r => editor.SetRoles(r),
            SetTaskDue d => editor.SetDue(d),
            AddEscalation e => editor.AddEscalation(e),
            _ => throw new WorkflowEditException($"Unknown edit {edit.GetType().Name}."),
        };
        var ordered = edits.OrderBy(e => e.Span.Start).ToImmutableArray();
        var result = TextEdit.Apply(text, ordered);
        var before = parse.Diagnostics.Count(d => d.IsError);
        var after = ProtocolParser.ParseFile(new SourceText(result, source.Path)).Diagnostics.Where(d => d.IsError).ToList();
        if (after.Count > before)
            throw new WorkflowEditException("The edit would not parse: " + after.First(d => !parse.Diagnostics.Any(p => p.Code == d.Code && p.Message == d.Message)).Message);
        return new WorkflowEditResult(ordered, result);
    }

    private sealed class Editing(string text, WorkflowSyntax workflow)
    {
        // ---------------------------------------------------------------- states

        public List<TextEdit> AddState(AddState add)
        {
            Name(add.Name);
            if (workflow.States.Any(s => s.Name.Name == add.Name)) throw new WorkflowEditException($"Workflow {workflow.Name.Name} already has a state {add.Name}.");
            if (workflow.States.IsEmpty) throw new WorkflowEditException($"Workflow {workflow.Name.Name} has no state to add one after.");
            var last = workflow.States[^1];
            var indent = IndentOf(last.Span.Start);
            var line = indent + "state " + add.Name;
            if (add.IsFinal) line = Pad(line, ClauseColumn()) + "final";
            var edits = new List<TextEdit> { Insert(NextLineStart(last.Span.End), line) };
            if (add.From is not null) edits.AddRange(AddTransition(add.From, add.Name, add.Guard, newState: add.Name));
            return edits;
        }

        public List<TextEdit> Rename(RenameState rename)
        {
            Name(rename.NewName);
            State(rename.Name);
            if (workflow.States.Any(s => s.Name.Name == rename.NewName)) throw new WorkflowEditException($"Workflow {workflow.Name.Name} already has a state {rename.NewName}.");
            var names = workflow.States.Select(s => s.Name)
                .Concat(workflow.States.Select(s => s.Deadline?.Target).OfType<IdentifierSyntax>())
                .Concat(workflow.Transitions.SelectMany(t => new[] { t.From, t.To }))
                .Where(n => n.Name == rename.Name);
            return [.. names.Select(n => Replace(n.Span, rename.NewName))];
        }

        public List<TextEdit> Delete(DeleteState delete)
        {
            var state = State(delete.Name);
            if (state.IsInitial) throw new WorkflowEditException($"State {delete.Name} is the initial state: mark another state initial before deleting it.");
            var edits = new List<TextEdit> { RemoveLines(state.Span) };
            edits.AddRange(workflow.Transitions.Where(t => t.From.Name == delete.Name || t.To.Name == delete.Name).Select(t => RemoveLines(t.Span)));
            foreach (var other in workflow.States.Where(s => s != state && s.Deadline?.Target.Name == delete.Name))
                edits.Add(new TextEdit(TextSpan.FromBounds(EndOfPrevious(other.Deadline!.Span.Start), other.Deadline.Span.End), ""));
            return edits;
        }

        // ---------------------------------------------------------------- transitions

        public List<TextEdit> AddTransition(string from, string to, string? guard, string? newState = null)
        {
            State(from);
            if (to != newState) State(to);
            var reference = workflow.Transitions.IsEmpty ? null : workflow.Transitions[^1];
            int at = NextLineStart(reference?.Span.End ?? workflow.States[^1].Span.End);
            var indent = IndentOf(reference?.Span.Start ?? workflow.States[^1].Span.Start);
            var line = indent + from;
            line = Pad(line, reference is null ? 0 : Column(reference.From.Span.End, "->")) + "-> " + to;
            if (guard is not null) line = Pad(line, WhenColumn()) + "when " + guard.Trim();
            return [Insert(at, line)];
        }

        public List<TextEdit> DeleteTransition(DeleteTransition delete) => [RemoveLines(Transition(delete.From, delete.To, delete.Ordinal).Span)];

        public List<TextEdit> SetGuard(SetGuard set)
        {
            var transition = Transition(set.From, set.To, set.Ordinal);
            var guard = set.Guard?.Trim();
            if (guard is { Length: 0 }) guard = null;
            if (transition.Guard is { } existing)
                return guard is null
                    ? [new TextEdit(TextSpan.FromBounds(transition.To.Span.End, existing.Span.End), "")]
                    : [Replace(existing.Span, guard)];
            if (guard is null) return [];
            int lineStart = LineStart(transition.Span.Start);
            var head = text[lineStart..transition.To.Span.End];
            return [Insert(transition.To.Span.End, Pad(head, WhenColumn())[head.Length..] + "when " + guard, newLine: false)];
        }

        // ---------------------------------------------------------------- tasks

        public List<TextEdit> SetRoles(SetTaskRoles set)
        {
            if (set.Roles.Count == 0) throw new WorkflowEditException($"Task {set.Task} needs at least one role.");
            foreach (var role in set.Roles) Name(role);
            var task = Task(set.Task);
            var roles = string.Join(" or ", set.Roles);
            if (!task.Roles.IsEmpty) return [Replace(TextSpan.FromBounds(task.Roles[0].Span.Start, task.Roles[^1].Span.End), roles)];
            return [Insert((task.Title?.Span ?? task.Name.Span).End, " for " + roles, newLine: false)];
        }

        public List<TextEdit> SetDue(SetTaskDue set)
        {
            var task = Task(set.Task);
            var due = set.Due?.Trim();
            if (due is { Length: 0 }) due = null;
            if (task.Due is { } existing)
            {
                if (due is not null) return [Replace(existing.Span, due)];
                int keyword = text.LastIndexOf("due", existing.Span.Start, StringComparison.Ordinal);
                return [new TextEdit(TextSpan.FromBounds(EndOfPrevious(keyword), existing.Span.End), "")];
            }
            if (due is null) return [];
            int after = !task.Roles.IsEmpty ? task.Roles[^1].Span.End : (task.Title?.Span ?? task.Name.Span).End;
            return [Insert(after, " due " + due, newLine: false)];
        }

        public List<TextEdit> AddEscalation(AddEscalation add)
        {
            Name(add.Role);
            var task = Task(add.Task);
            var clause = " escalate to " + add.Role + (add.After is { Length: > 0 } after ? " after " + after.Trim() : "");
            return [Insert(task.Span.End, clause, newLine: false)];
        }

        // ---------------------------------------------------------------- lookups

        private StateSyntax State(string name) =>
            workflow.States.FirstOrDefault(s => s.Name.Name == name) ?? throw new WorkflowEditException($"Workflow {workflow.Name.Name} has no state {name}.");

        private TransitionSyntax Transition(string from, string to, int ordinal) =>
            workflow.Transitions.Where(t => t.From.Name == from && t.To.Name == to).Skip(ordinal - 1).FirstOrDefault()
            ?? throw new WorkflowEditException($"Workflow {workflow.Name.Name} has no transition {from} -> {to}" + (ordinal > 1 ? $" #{ordinal}." : "."));

        private TaskSyntax Task(string name) =>
            workflow.States.SelectMany(s => s.Tasks).FirstOrDefault(t => t.Name.Name == name)
            ?? throw new WorkflowEditException($"Workflow {workflow.Name.Name} has no task or gate {name}.");

        private static void Name(string name)
        {
            if (!ProtocolLanguageService.IsPlainName(name))
                throw new WorkflowEditException($"\"{name}\" is not a valid name: use letters, digits and _, starting with a letter, and no reserved word.");
        }

        // ---------------------------------------------------------------- layout of new text

        // The column of the first clause of the states (they are aligned in a formatted block), or none.
        private int ClauseColumn()
        {
            foreach (var s in workflow.States)
            {
                int after = s.Name.Span.End;
                int next = after;
                while (next < text.Length && text[next] == ' ') next++;
                if (next < text.Length && text[next] is not ('\n' or '\r') && next < s.Span.End) return next - LineStart(s.Span.Start);
            }
            return 0;
        }

        private int WhenColumn()
        {
            foreach (var t in workflow.Transitions.Reverse())
                if (t.Guard is { } g)
                {
                    int when = text.LastIndexOf("when", g.Span.Start, StringComparison.Ordinal);
                    if (when > t.To.Span.End) return when - LineStart(t.Span.Start);
                }
            return 0;
        }

        private int Column(int from, string token)
        {
            int at = text.IndexOf(token, from, StringComparison.Ordinal);
            return at < 0 ? 0 : at - LineStart(from);
        }

        // Pads a line to a column (one space at least) so the next word lands in it.
        private static string Pad(string line, int column) => line.Length + 1 >= column ? line + " " : line + new string(' ', column - line.Length);

        private string IndentOf(int offset)
        {
            int start = LineStart(offset), end = start;
            while (end < text.Length && text[end] is ' ' or '\t') end++;
            return text[start..end];
        }

        private int LineStart(int offset)
        {
            while (offset > 0 && text[offset - 1] is not ('\n' or '\r')) offset--;
            return offset;
        }

        private int NextLineStart(int offset)
        {
            while (offset < text.Length && text[offset] is not ('\n' or '\r')) offset++;
            if (offset < text.Length && text[offset] == '\r') offset++;
            if (offset < text.Length && text[offset] == '\n') offset++;
            return offset;
        }

        private int EndOfPrevious(int offset)
        {
            while (offset > 0 && char.IsWhiteSpace(text[offset - 1])) offset--;
            return offset;
        }

        private string NewLine => text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";

        private TextEdit Insert(int at, string content, bool newLine = true)
        {
            if (!newLine) return new TextEdit(new TextSpan(at, 0), content);
            // At the end of a text without a final line break, the new line needs one before it.
            bool ended = at == 0 || text[at - 1] is '\n' or '\r';
            return new TextEdit(new TextSpan(at, 0), ended ? content + NewLine : NewLine + content);
        }

        private static TextEdit Replace(TextSpan span, string content) => new(span, content);

        // Whole lines: from the start of the span's first line to the start of the line after its last.
        private TextEdit RemoveLines(TextSpan span) => new(TextSpan.FromBounds(LineStart(span.Start), NextLineStart(span.End)), "");
    }
}
