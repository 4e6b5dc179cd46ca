using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.LanguageService.Formatting;

/// <summary>Reads the syntax tree and tells the <see cref="Layout"/> where lines must start, must not break, and which columns align.</summary>
internal sealed class Annotator(Layout layout)
{
    private static readonly HashSet<string> HeaderItems = new(StringComparer.Ordinal) { "title", "phase", "data", "sponsor", "indication", "cites" };
    private static readonly HashSet<string> CheckClauses = new(StringComparer.Ordinal) { "severity", "cites", "for", "expect", "message", "query" };
    private static readonly HashSet<string> TableClauses = new(StringComparer.Ordinal) { "input", "output", "hit", "cites" };

    private int _runs;
    private List<int> _fills = [];

    public void Annotate(ProtocolFileSyntax file)
    {
        Spacing(file);
        if (file.Header is { } header) Header(header);
        foreach (var declaration in file.Declarations) Declaration(declaration);
        // A list's elements fill their lines wherever the list is (a rule, an import's value, a parameter's default).
        foreach (var element in _fills)
            if (element >= 0 && layout.Gaps[element] == Gap.Keep) layout.Gaps[element] = Gap.Fill;
    }

    // ---------------------------------------------------------------- helpers

    private int First(TextSpan span) => layout.At(span.Start);

    private int Last(TextSpan span) => layout.LastBefore(span.End);

    private void Required(int token, int indent)
    {
        if (token < 0) return;
        layout.Gaps[token] = Gap.Required;
        layout.Indents[token] = indent;
    }

    private void Required(TextSpan span, int indent) => Required(First(span), indent);

    private void Set(int token, Gap gap)
    {
        if (token >= 0) layout.Gaps[token] = gap;
    }

    /// <summary>Every token of a span after its first stays on the first one's line.</summary>
    private void Join(TextSpan span)
    {
        int first = First(span), last = Last(span);
        for (int i = first + 1; i <= last && first >= 0; i++) layout.Gaps[i] = Gap.Join;
    }

    /// <summary>Inside a span (after its first token) the author's line breaks are kept.</summary>
    private void Keep(TextSpan span)
    {
        int first = First(span), last = Last(span);
        for (int i = first + 1; i <= last && first >= 0; i++) layout.Gaps[i] = Gap.Keep;
    }

    private void Region(TextSpan span, RegionKind kind)
    {
        int first = First(span), last = Last(span);
        if (first >= 0 && last >= first) layout.Regions.Add(new Region(first, last, kind));
    }

    /// <summary>A rule expression: breaks kept, continuation lines indented from where it starts.</summary>
    private void Expression(SyntaxNode? expression)
    {
        if (expression is null || expression.Span.Length == 0) return;
        Keep(expression.Span);
        Region(expression.Span, RegionKind.Expression);
    }

    private IEnumerable<int> TokensOf(TextSpan span)
    {
        int first = layout.LastBefore(span.Start) + 1, last = Last(span);
        for (int i = first; i <= last && first >= 0; i++)
            if (!layout.Tokens[i].IsComment) yield return i;
    }

    private static bool Inside(int offset, SyntaxNode? node) => node is not null && offset >= node.Span.Start && offset < node.Span.End;

    private void Cell(int token, int run, int column)
    {
        if (token >= 0) layout.Cells[token] = (run, column);
    }

    // ---------------------------------------------------------------- declarations

    private void Header(HeaderSyntax header)
    {
        Required(header.Span, 0);
        Join(header.Span);
        foreach (var i in TokensOf(header.Span))
            if (layout.Tokens[i].Kind == SyntaxTokenKind.Keyword && HeaderItems.Contains(layout.Tokens[i].Text) && i > First(header.Span)
                && layout.Tokens[i - 1].Text != "data") Required(i, 2);
    }

    private void Declaration(DeclarationSyntax declaration)
    {
        Required(declaration.Span, 0);
        Join(declaration.Span);
        switch (declaration)
        {
            case ImportSyntax import when !import.Overrides.IsEmpty:
                var overrides = TextSpan.FromBounds(import.Overrides[0].Span.Start, import.Span.End);
                Keep(overrides);
                Set(First(overrides), Gap.Keep);
                Region(overrides, RegionKind.Expression);
                // `Name = value`: the name and its value stay together.
                foreach (var o in import.Overrides)
                {
                    int equals = First(o.Name.Span) + 1;
                    layout.NoBreak[equals] = true;
                    if (equals + 1 < layout.Tokens.Length) layout.NoBreak[equals + 1] = true;
                }
                break;
            case ParameterSyntax parameter:
                Keep(TextSpan.FromBounds(parameter.Name.Span.Start, parameter.Span.End));
                Region(TextSpan.FromBounds(parameter.Span.Start, parameter.Span.End), RegionKind.Expression);
                if (parameter.Default is { } value) Region(value.Span, RegionKind.Expression);
                break;
            case RolesSyntax roles:
                int roleRun = ++_runs;
                foreach (var role in roles.Roles)
                {
                    Required(role.Span, 2);
                    if (role.Title is { } title) Cell(First(title.Span), roleRun, 1);
                }
                break;
            case ArmsSyntax arms:
                int armRun = ++_runs;
                foreach (var arm in arms.Arms)
                {
                    Required(arm.Span, 2);
                    Cell(First(arm.Title.Span), armRun, 1);
                    foreach (var i in TokensOf(arm.Span).Where(i => layout.Tokens[i].Text == "ratio")) Cell(i, armRun, 2);
                }
                if (arms.Randomization is { } randomization)
                {
                    Required(randomization.Span, 2);
                    Expression(randomization);
                }
                break;
            case VisitsSyntax visits:
                Visits(visits);
                break;
            case CodeListSyntax codes when !codes.Codes.IsEmpty:
                Required(codes.Codes[0].Span, 2);
                var entries = TextSpan.FromBounds(codes.Codes[0].Span.Start, codes.Span.End);
                Region(entries, RegionKind.List);
                foreach (var code in codes.Codes.Skip(1)) Set(First(code.Span), Gap.Fill);
                break;
            case DefineSyntax define:
                Set(First(define.Body.Span), Gap.Keep);
                Region(define.Span, RegionKind.Expression);
                Expression(define.Body);
                break;
            case CriteriaSyntax criteria:
                foreach (var criterion in criteria.Criteria) Criterion(criterion);
                break;
            case CheckSyntax check:
                Check(check);
                break;
            case TableSyntax table:
                Table(table);
                break;
            case SafetySyntax safety:
                foreach (var rule in safety.Rules) SafetyRule(rule);
                break;
            case WorkflowSyntax workflow:
                Workflow(workflow);
                break;
        }
    }

    private void Visits(VisitsSyntax visits)
    {
        int run = ++_runs;
        foreach (var visit in visits.Visits)
        {
            Required(visit.Span, 2);
            var tokens = TokensOf(visit.Span).ToList();
            if (visit.Label is { } label) Cell(First(label.Span), run, 1);
            foreach (var (word, column) in new[] { ("day", 2), ("number", 3), ("window", 4) })
                if (tokens.Skip(1).FirstOrDefault(i => layout.Tokens[i].Text == word && layout.Tokens[i].Kind == SyntaxTokenKind.Keyword, -1) is var at and >= 0)
                    Cell(at, run, column);
            // Signed day numbers: no space after the sign.
            for (int k = 1; k < tokens.Count - 1; k++)
                if (layout.Tokens[tokens[k]].Text is "-" or "+" && layout.Tokens[tokens[k - 1]].Text is "day" or "window" or "..")
                {
                    layout.NoSpace[tokens[k + 1]] = true;
                    layout.NoBreak[tokens[k + 1]] = true;
                }
        }
    }

    private void Criterion(CriterionSyntax criterion)
    {
        Required(criterion.Span, 2);
        int bodyStart = criterion.Rule?.Span.Start ?? criterion.AttestedBy?.Span.Start ?? criterion.Span.End;
        foreach (var i in TokensOf(TextSpan.FromBounds(criterion.Title.Span.End, bodyStart)))
            if (layout.Tokens[i].Text is "phase" or "cites" && layout.Tokens[i].Kind == SyntaxTokenKind.Keyword) Required(i, 4);
        if (criterion.Rule is { } rule)
        {
            Required(rule.Span, 4);
            Expression(rule);
        }
        else if (criterion.AttestedBy is { } role)
        {
            int by = First(role.Span) - 2;
            if (by >= 0 && layout.Tokens[by].Text == "attested") Required(by, 4);
        }
    }

    private void Check(CheckSyntax check)
    {
        var where = check.Scope switch
        {
            RecordScopeSyntax r => r.Where,
            SubjectScopeSyntax s => s.Where,
            _ => null,
        };
        foreach (var i in TokensOf(check.Span).Skip(1))
        {
            var token = layout.Tokens[i];
            if (token.Kind == SyntaxTokenKind.Keyword && CheckClauses.Contains(token.Text) && !Inside(token.Span.Start, where) && !Inside(token.Span.Start, check.Expect)
                && !(token.Text == "for" && layout.Tokens[i - 1].Text == "query")) Required(i, 2);
        }
        Expression(where);
        Expression(check.Expect);
    }

    private void Table(TableSyntax table)
    {
        var rows = table.Rows.Select(r => r.Span).ToList();
        foreach (var i in TokensOf(table.Span).Skip(1))
        {
            var token = layout.Tokens[i];
            if (token.Kind == SyntaxTokenKind.Keyword && TableClauses.Contains(token.Text) && !rows.Any(r => token.Span.Start >= r.Start && token.Span.Start < r.End))
                Required(i, 2);
        }
        int run = ++_runs;
        foreach (var row in table.Rows)
        {
            Required(row.Span, 2);
            int column = 0;
            foreach (var i in TokensOf(row.Span))
                if (layout.Tokens[i].Text == "|" && column++ > 0) Cell(i, run, column);
        }
    }

    private void SafetyRule(SafetyRuleSyntax rule)
    {
        Required(rule.Span, 2);
        if (rule.When is { } when)
        {
            Required(First(when.Span) - 1, 4);
            Expression(when);
        }
        foreach (var i in TokensOf(rule.Span).Skip(1))
        {
            var token = layout.Tokens[i];
            if (token.Kind == SyntaxTokenKind.Keyword && token.Text is "classify" or "cites" && !Inside(token.Span.Start, rule.When)) Required(i, 4);
        }
        int clauseStart = -1;
        for (int k = 0; k < rule.Obligations.Length; k++)
        {
            var obligation = rule.Obligations[k];
            int first = First(obligation.Span);
            bool continues = first > 0 && layout.Tokens[first - 1].Text == ",";
            if (!continues)
            {
                Required(first, 4);
                clauseStart = obligation.Span.Start;
            }
            else Set(first, Gap.Keep);
            bool ends = k + 1 == rule.Obligations.Length || !(First(rule.Obligations[k + 1].Span) is var next and > 0 && layout.Tokens[next - 1].Text == ",");
            if (ends && clauseStart >= 0) Region(TextSpan.FromBounds(clauseStart, obligation.Span.End), RegionKind.List);
        }
    }

    private void Workflow(WorkflowSyntax workflow)
    {
        if (workflow.Scope is RecordWorkflowScopeSyntax { When: { } start }) Expression(start);
        int states = ++_runs, transitions = ++_runs;
        foreach (var state in workflow.States)
        {
            Required(state.Span, 2);
            int first = First(state.Name.Span) + 1;
            if (first <= 0 || first > Last(state.Span)) continue;
            // The clauses: the first on the state's line, the others where the author put them, continuation lines under it.
            for (int i = first + 1; i <= Last(state.Span); i++) layout.Gaps[i] = Gap.Keep;
            Cell(first, states, 1);
            layout.Regions.Add(new Region(first, Last(state.Span), RegionKind.Clauses));
        }
        foreach (var transition in workflow.Transitions)
        {
            Required(transition.Span, 2);
            Region(transition.Span, RegionKind.Expression);
            int arrow = First(transition.From.Span) + 1;
            Cell(arrow, transitions, 1);
            if (transition.Guard is { } guard)
            {
                int when = First(guard.Span) - 1;
                if (when >= 0 && layout.Tokens[when].Text == "when") Cell(when, transitions, 2);
                Keep(guard.Span);
            }
            // After the guard, `, then` actions may continue on following lines.
            int tail = transition.Guard is { } g ? Last(g.Span) + 1 : First(transition.To.Span) + 1;
            for (int i = tail + 1; i <= Last(transition.Span); i++) layout.Gaps[i] = Gap.Keep;
        }
    }

    // ---------------------------------------------------------------- spacing

    private void Spacing(ProtocolFileSyntax file)
    {
        var calls = new HashSet<int>();
        var unary = new HashSet<int>();
        var fills = new List<int>();
        foreach (var node in Descendants(file))
        {
            switch (node)
            {
                case InvocationSyntax i:
                    calls.Add(First(i.Name.Span));
                    break;
                case DefineSyntax { IsFunction: true } d:
                    calls.Add(First(d.Name.Span));
                    break;
                case UnaryExpressionSyntax { Operator: UnaryOperator.Negate or UnaryOperator.Plus } u:
                    unary.Add(First(u.Span));
                    break;
                case ListSelectorSyntax list:
                    foreach (var element in list.Elements.Skip(1)) fills.Add(First(element.Span));
                    break;
                case QuantitySyntax q:
                    int number = First(q.Span);
                    for (int k = number + 1; k <= Last(q.Span) && number >= 0; k++) layout.NoBreak[k] = true;
                    break;
            }
        }
        // Set after the structure (Spacing runs first, the declarations then set their gaps): see Annotate.
        _fills = fills;
        var tokens = layout.Tokens;
        // The angle brackets of List<T>, Interval<T>, Choice<A, B> (also around a selector's element type: List<String>{}).
        var angles = new HashSet<int>();
        var open = new Stack<int>();
        for (int i = 1; i < tokens.Length; i++)
        {
            if (tokens[i].Text == "<" && tokens[i - 1].Text is "List" or "Interval" or "Choice") open.Push(i);
            else if (tokens[i].Text == ">" && open.Count > 0)
            {
                angles.Add(open.Pop());
                angles.Add(i);
            }
        }
        for (int i = 1; i < tokens.Length; i++)
        {
            var t = tokens[i].Text;
            var p = tokens[i - 1].Text;
            bool noSpace =
                t is "," or ")" or "]" or "}" or "." or ":"
                || p is "(" or "[" or "{" or "."
                || t == "(" && (calls.Contains(i - 1) || p == "Interval")
                || t == "[" && (p == "Interval" || tokens[i - 1].Kind is SyntaxTokenKind.Identifier or SyntaxTokenKind.QuotedIdentifier || p is ")" or "]")
                || t is "<" or ">" && angles.Contains(i)
                || p == "<" && angles.Contains(i - 1)
                || t == "{" && p == ">" && angles.Contains(i - 1)
                || unary.Contains(i - 1);
            if (tokens[i].IsComment || tokens[i - 1].IsComment) noSpace = false;
            layout.NoSpace[i] = noSpace;
            layout.NoBreak[i] |= t is "," or "." or ":" || p == "." || t == "(" && calls.Contains(i - 1) || unary.Contains(i - 1)
                || t is "(" or "[" && p == "Interval" || t is "<" or ">" && angles.Contains(i);
        }
    }

    // ---------------------------------------------------------------- a walk over every syntax node

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    private static IEnumerable<SyntaxNode> Descendants(SyntaxNode root)
    {
        var stack = new Stack<SyntaxNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            foreach (var child in Children(node)) stack.Push(child);
        }
    }

    // An ImmutableArray that was never set cannot be enumerated.
    private static bool IsDefaultArray(object value) =>
        value.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>)
        && (bool)t.GetProperty("IsDefault")!.GetValue(value)!;

    private static IEnumerable<SyntaxNode> Children(SyntaxNode node)
    {
        var properties = Properties.GetOrAdd(node.GetType(), t => [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")]);
        foreach (var property in properties)
        {
            var value = property.GetValue(node);
            switch (value)
            {
                case SyntaxNode child:
                    yield return child;
                    break;
                case TimingPhrase { Offset: { } offset }:
                    yield return offset;
                    break;
                case IEnumerable list and not string when !IsDefaultArray(value):
                    foreach (var item in list)
                        if (item is SyntaxNode element) yield return element;
                    break;
            }
        }
    }
}
