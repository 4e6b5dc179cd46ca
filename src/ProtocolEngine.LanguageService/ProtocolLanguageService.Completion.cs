using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Types;
using ProtocolEngine.LanguageService.Analysis;
using ProtocolEngine.LanguageService.Features;
using ProtocolEngine.LanguageService.Text;
using ProtocolEngine.LanguageService.Workspace;

namespace ProtocolEngine.LanguageService;

public sealed partial class ProtocolLanguageService
{
    private static readonly string[] DeclarationWords = ["import", "parameter", "roles", "arms", "visits", "codelist", "define", "criteria", "check", "table", "safety", "workflow"];
    private static readonly string[] HeaderWords = ["title", "phase", "data SDTM \"3.4\"", "sponsor", "indication", "cites"];
    private static readonly string[] CriteriaWords = ["inclusion", "exclusion", "phase", "cites", "attested by"];
    private static readonly string[] CheckWords = ["severity", "cites", "for each", "for each subject", "for study", "expect", "message", "query to", "where"];
    private static readonly string[] TableWords = ["input", "output", "hit first", "hit unique", "hit any", "hit collect", "cites", "otherwise"];
    private static readonly string[] SafetyWords = ["rule", "for each", "when", "classify as", "cites", "notify", "report to", "within", "of awareness", "complete report within", "follow up within", "in region", "calendar days", "hours"];
    private static readonly string[] WorkflowWords = ["state", "initial", "final", "on entry", "task", "gate", "for", "due", "remind after", "remind before", "every", "escalate to", "after", "requires signature meaning", "decisions", "deadline", "reason", "when", "then"];
    private static readonly string[] GuardWords = ["criteria", "criteria phase", "met", "not met", "unknown", "attested", "completed", "approved", "rejected", "decided", "event", "clock", "missed", "and", "or"];
    private static readonly string[] ActionWords = ["evaluate criteria", "randomize", "notify", "start clocks", "stop clock", "withdraw clock", "record deviation", "emit"];
    private static readonly string[] ExpressionWords =
    [
        "and", "or", "xor", "implies", "not", "exists", "in", "contains", "is null", "is not null", "true", "false", "null", "between",
        "where", "return", "sort by", "asc", "desc", "with", "without", "such that", "let", "if", "then", "else", "case", "when", "end",
        "Interval", "List", "Tuple", "before", "after", "on or before", "on or after", "during", "within", "same day as", "or less", "or more",
        "starts", "ends", "overlaps", "meets", "includes", "years between", "months between", "days between", "start of", "end of",
        "years", "months", "weeks", "days", "hours", "minutes",
    ];

    /// <summary>
    /// Completions at a position: the words of the language that fit there, the protocol's and its libraries' names, SDTM
    /// domains and variables with their labels, workflow states, tasks and roles, and inside a string compared with a coded
    /// variable the values the linked study holds (LBTESTCD, QSTESTCD, ...).
    /// </summary>
    public CompletionList Completion(string path, LinePosition position)
    {
        var (analysis, offset) = At(Workspace, path, position);
        var text = analysis.Document.Text;
        var tokens = analysis.Tokens;
        int index = TokenBefore(tokens, offset);
        var current = index >= 0 ? tokens[index] : default;

        // Inside a string: values of the variable it is compared with.
        if (index >= 0 && current.Kind == SyntaxTokenKind.String && current.Span.Start < offset && (offset < current.Span.End || !Closed(current.Text)))
        {
            var range = analysis.Document.Lines.RangeOf(TextSpan.FromBounds(current.Span.Start + 1, Closed(current.Text) ? current.Span.End - 1 : current.Span.End));
            return new CompletionList(StudyValues(analysis, tokens, index), range);
        }
        if (index >= 0 && current.IsComment && offset <= current.Span.End && offset > current.Span.Start) return Empty(analysis, offset);

        // The word being typed, if the cursor is at its end.
        var wordStart = offset;
        while (wordStart > 0 && (char.IsAsciiLetterOrDigit(text[wordStart - 1]) || text[wordStart - 1] == '_')) wordStart--;
        var replace = analysis.Document.Lines.RangeOf(TextSpan.FromBounds(wordStart, offset));
        int previous = TokenBefore(tokens, wordStart);
        var items = new List<CompletionItem>();
        var declaration = EnclosingDeclaration(analysis.Compiled.Syntax, wordStart);
        var before = previous >= 0 ? tokens[previous] : default;
        bool lineStart = previous < 0 || analysis.Document.Lines.LineOf(before.Span.End) != analysis.Document.Lines.LineOf(wordStart);

        if (previous >= 0 && before.Text == "." && previous > 0)
        {
            items.AddRange(Members(analysis, tokens, previous - 1, wordStart));
        }
        else if (previous >= 0 && before.Text == "->" && declaration is WorkflowSyntax arrowWorkflow)
        {
            items.AddRange(States(arrowWorkflow));
        }
        else if (previous >= 0 && before.Text is "import")
        {
            items.AddRange(Libraries(analysis));
        }
        else if (previous >= 0 && before.Text is "phase")
        {
            items.AddRange(analysis.Compiled.CriteriaPhases.Select(p => new CompletionItem(p, CompletionKind.Phase, "criteria phase")));
        }
        else if (previous >= 0 && IsRolePosition(tokens, previous))
        {
            items.AddRange(Roles(analysis.Compiled));
        }
        else if (previous >= 0 && before.Text is "clock" && declaration is WorkflowSyntax)
        {
            items.AddRange(analysis.Compiled.SafetyRules.Select(r => new CompletionItem(r.Id, CompletionKind.Clock, r.Title)));
        }
        else if (lineStart && (declaration is null || wordStart >= declaration.Span.End || !(declaration is DefineSyntax or ParameterSyntax or ImportSyntax)))
        {
            items.AddRange(Words(DeclarationWords, "declaration"));
            items.AddRange(BlockWords(analysis, declaration, wordStart));
            if (declaration is CheckSyntax or CriteriaSyntax or SafetySyntax or DefineSyntax) items.AddRange(Expression(analysis, wordStart));
        }
        else
        {
            items.AddRange(BlockWords(analysis, declaration, wordStart));
            if (declaration is WorkflowSyntax w && InGuard(tokens, previous))
            {
                items.AddRange(Words(GuardWords, "guard"));
                items.AddRange(w.States.SelectMany(s => s.Tasks).Select(t => new CompletionItem(t.Name.Name, CompletionKind.Task, t.IsGate ? "gate" : "task", t.Title?.Value)));
            }
            items.AddRange(Expression(analysis, wordStart));
        }
        return new CompletionList([.. items.DistinctBy(i => (i.Label, i.Kind)).Select((i, n) => i.SortText is null ? i with { SortText = n.ToString("D5", CultureInfo.InvariantCulture) } : i)], replace);
    }

    private static CompletionList Empty(DocumentAnalysis analysis, int offset) =>
        new([], analysis.Document.Lines.RangeOf(new TextSpan(offset, 0)));

    private static bool Closed(string stringToken) => stringToken.Length >= 2 && stringToken[^1] == '\'' && stringToken[^2] != '\\';

    /// <summary>The index of the last token that starts before an offset, or -1.</summary>
    private static int TokenBefore(ImmutableArray<SyntaxToken> tokens, int offset)
    {
        int lo = 0, hi = tokens.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (tokens[mid].Span.Start < offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        return found;
    }

    private static DeclarationSyntax? EnclosingDeclaration(ProtocolFileSyntax file, int offset) =>
        file.Declarations.LastOrDefault(d => d.Span.Start < offset);

    private static IEnumerable<CompletionItem> Words(IEnumerable<string> words, string detail) =>
        words.Select(w => new CompletionItem(w, CompletionKind.Keyword, detail, InsertText: w));

    private static IEnumerable<CompletionItem> BlockWords(DocumentAnalysis analysis, DeclarationSyntax? declaration, int offset) => declaration switch
    {
        null when analysis.Compiled.Syntax.Header is null => Words(["protocol", "library"], "header"),
        null => Words(HeaderWords, "header"),
        CriteriaSyntax => Words(CriteriaWords, "criteria"),
        CheckSyntax => Words(CheckWords, "check"),
        TableSyntax => Words(TableWords, "table"),
        SafetySyntax => Words(SafetyWords, "safety rule"),
        WorkflowSyntax w => Words(WorkflowWords.Concat(ActionWords), "workflow").Concat(States(w)),
        _ => [],
    };

    private static IEnumerable<CompletionItem> States(WorkflowSyntax workflow) =>
        workflow.States.Where(s => !s.Name.IsMissing).Select(s => new CompletionItem(s.Name.Name, CompletionKind.State,
            "state" + (s.IsInitial ? ", initial" : s.IsFinal ? ", final" : "")));

    private static IEnumerable<CompletionItem> Roles(CompiledProtocol compiled) =>
        compiled.Roles.Values.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new CompletionItem(r.Name, CompletionKind.Role, r.Title));

    private IEnumerable<CompletionItem> Libraries(DocumentAnalysis analysis)
    {
        var names = new SortedSet<string>(Workspace.LibraryNames, StringComparer.Ordinal);
        foreach (var d in Workspace.Documents)
        {
            var header = Workspace.Analyze(d.Path).Compiled.Syntax.Header;
            if (header is { IsLibrary: true } && d.Path != analysis.Document.Path) names.Add(header.Name.Text);
        }
        return names.Select(n => new CompletionItem(n, CompletionKind.Library, "library", InsertText: LibraryReference(n)));
    }

    // A library name part that is not a plain name (sdtm-checks) is written in backticks.
    private static string LibraryReference(string name) => string.Join('.', name.Split('.').Select(p => IsPlainName(p) ? p : "`" + p + "`"));

    // `for`, `or` after a role, `to` of escalate/query/report, `by` of attested, `notify`.
    private static bool IsRolePosition(ImmutableArray<SyntaxToken> tokens, int previous)
    {
        var word = tokens[previous].Text;
        var before = previous > 0 ? tokens[previous - 1].Text : "";
        return word switch
        {
            "for" => before != "" && !(before is "each"),
            "to" => before is "escalate" or "query" or "report",
            "by" => before == "attested",
            "notify" => true,
            "or" => RoleListBefore(tokens, previous),
            _ => false,
        };
    }

    // `for Investigator or SubInvestigator or |`: names and `or` back to a `for`.
    private static bool RoleListBefore(ImmutableArray<SyntaxToken> tokens, int previous)
    {
        int i = previous;
        while (i >= 0 && (tokens[i].Text == "or" || tokens[i].Kind == SyntaxTokenKind.Identifier)) i--;
        return i >= 0 && tokens[i].Text == "for" && i < previous - 1;
    }

    // After `when` on the current line of a workflow: a guard.
    private static bool InGuard(ImmutableArray<SyntaxToken> tokens, int previous)
    {
        for (int i = previous; i >= 0; i--)
        {
            if (tokens[i].Text is "when") return true;
            if (tokens[i].Text is "->" or "state" or "then") return false;
        }
        return false;
    }

    private IEnumerable<CompletionItem> Expression(DocumentAnalysis analysis, int offset)
    {
        var compiled = analysis.Compiled;
        foreach (var local in LocalsAt(analysis, offset))
            yield return new CompletionItem(local.Name, CompletionKind.Local, local.Type.Name, Describe(new SymbolTarget(local)));
        foreach (var symbol in SemanticModel.GlobalSymbols(compiled).DistinctBy(s => s.QualifiedName))
        {
            var (kind, detail) = symbol switch
            {
                DefineSymbol d => (CompletionKind.Definition, d.Type.Name),
                FunctionSymbol f => (CompletionKind.Function, $"({string.Join(", ", f.Parameters.Select(p => p.Type.Name))}) {f.ReturnType.Name}"),
                TableSymbol t => (CompletionKind.Function, $"table ({string.Join(", ", t.Inputs.Select(p => p.Type.Name))}) {t.CallType.Name}"),
                ParameterSymbol p => (CompletionKind.Parameter, p.Type.Name),
                CodeListSymbol c => (CompletionKind.CodeList, c.Syntax.Title?.Value ?? "code list"),
                VisitSymbol v => (CompletionKind.Visit, v.Syntax.Label?.Value ?? "visit"),
                _ => (CompletionKind.Definition, ""),
            };
            var label = symbol.Name;
            yield return new CompletionItem(label, kind, symbol.Library is null ? detail : $"{detail} · {symbol.Library}", Describe(new SymbolTarget(symbol)),
                symbol is FunctionSymbol or TableSymbol ? label + "(" : null);
        }
        if (compiled.DataModel is { } model)
            foreach (var domain in model.Domains)
                yield return new CompletionItem(domain.Name, CompletionKind.Domain, domain.Label, Describe(new DomainTarget(domain)));
        foreach (var name in BuiltinCatalog.Names.Where(BuiltinCatalog.IsCallableByName).Where(n => char.IsAsciiLetterUpper(n[0])).Order(StringComparer.Ordinal))
            yield return new CompletionItem(name, CompletionKind.Builtin, "built-in function", Describe(new BuiltinTarget(name)), name + "(");
        foreach (var item in Words(ExpressionWords, "keyword")) yield return item;
    }

    /// <summary>Query aliases, lets and parameters whose scope holds the offset (declared before it in the same rule).</summary>
    private static IEnumerable<LocalSymbol> LocalsAt(DocumentAnalysis analysis, int offset)
    {
        var declaration = EnclosingDeclaration(analysis.Compiled.Syntax, offset);
        if (declaration is null) return [];
        return analysis.Model.In(analysis.Document.Path)
            .Where(o => o.IsDeclaration && o.Target is SymbolTarget { Symbol: LocalSymbol } && o.Span.Start >= declaration.Span.Start && o.Span.End <= offset)
            .Select(o => (LocalSymbol)((SymbolTarget)o.Target).Symbol)
            .Reverse().DistinctBy(l => l.Name);
    }

    // ---------------------------------------------------------------- after a dot

    private IEnumerable<CompletionItem> Members(DocumentAnalysis analysis, ImmutableArray<SyntaxToken> tokens, int qualifierIndex, int offset)
    {
        var qualifier = tokens[qualifierIndex];
        var name = qualifier.Text.Trim('`');
        // A library: ctcae5.Grade, std.ctcae5.Grade.
        int start = qualifierIndex;
        while (start >= 2 && tokens[start - 1].Text == "." && tokens[start - 2].Kind is SyntaxTokenKind.Identifier or SyntaxTokenKind.QuotedIdentifier) start -= 2;
        var dotted = string.Join("", tokens[start..(qualifierIndex + 1)].Select(t => t.Text.Trim('`')));
        var library = analysis.Compiled.Libraries.FirstOrDefault(l => l.Alias == dotted || l.Name == dotted);
        if (library is not null)
        {
            foreach (var d in library.Defines.Values) yield return new CompletionItem(d.Name, CompletionKind.Definition, d.Type.Name, Describe(new SymbolTarget(d)));
            foreach (var f in library.Functions.Values) yield return new CompletionItem(f.Name, CompletionKind.Function, f.ReturnType.Name, Describe(new SymbolTarget(f)), f.Name + "(");
            foreach (var t in library.Tables.Values) yield return new CompletionItem(t.Name, CompletionKind.Function, t.CallType.Name, Describe(new SymbolTarget(t)), t.Name + "(");
            foreach (var c in library.CodeLists.Values) yield return new CompletionItem(c.Name, CompletionKind.CodeList, c.Syntax.Title?.Value, Describe(new SymbolTarget(c)));
            foreach (var p in library.Parameters.Values) yield return new CompletionItem(p.Name, CompletionKind.Parameter, p.Type.Name, Describe(new SymbolTarget(p)));
            yield break;
        }
        if (analysis.Compiled.Visits.TryGetValue(name, out _))
        {
            foreach (var (member, type) in new[] { ("name", "String"), ("label", "String"), ("number", "Decimal"), ("day", "Integer"), ("window", "Interval<Integer>") })
                yield return new CompletionItem(member, CompletionKind.Variable, type);
            yield break;
        }
        if (DomainOf(analysis, name, qualifier.Span.Start, offset) is { } domain)
            foreach (var v in domain.Variables)
                yield return new CompletionItem(v.Name, CompletionKind.Variable, $"{Binder.VariableType(v).Name} · {v.Label}", Describe(new VariableTarget(domain, v)));
    }

    private static readonly Regex DomainAndAlias = new(@"\b([A-Z][A-Z0-9]{1,7})\s+([A-Za-z_][A-Za-z0-9_]*)\b", RegexOptions.CultureInvariant);

    /// <summary>The domain a name before a dot stands for: a domain itself, or an alias of its records.</summary>
    private static DomainSchema? DomainOf(DocumentAnalysis analysis, string name, int at, int offset)
    {
        var model = analysis.Compiled.DataModel;
        if (model is null) return null;
        if (model.FindDomain(name) is { } domain) return domain;
        // The alias as the compiler bound it, when the text around compiles.
        var bound = analysis.Model.In(analysis.Document.Path)
            .Where(o => o.Target is SymbolTarget { Symbol: LocalSymbol l } && l.Name == name && o.Span.Start <= at)
            .Select(o => ((LocalSymbol)((SymbolTarget)o.Target).Symbol).Type)
            .LastOrDefault();
        if (bound is RecordType record) return record.Domain;
        if (bound is ListType { ElementType: RecordType element }) return element.Domain;
        // While typing the text may not compile: the nearest `DOMAIN Alias` before the cursor in the same declaration.
        var declaration = EnclosingDeclaration(analysis.Compiled.Syntax, at);
        int from = declaration?.Span.Start ?? 0;
        var window = analysis.Document.Text[from..Math.Min(offset, analysis.Document.Text.Length)];
        foreach (Match m in DomainAndAlias.Matches(window).Reverse())
            if (m.Groups[2].Value == name && model.FindDomain(m.Groups[1].Value) is { } found) return found;
        return null;
    }

    // ---------------------------------------------------------------- inside a string

    private static readonly string[] ComparisonTokens = ["=", "!=", "~", "!~", "in", "{", ","];

    /// <summary>The values the linked study holds for the variable a string is compared with (<c>L.LBTESTCD = '</c>, <c>in {'A', '</c>).</summary>
    private ImmutableArray<CompletionItem> StudyValues(DocumentAnalysis analysis, ImmutableArray<SyntaxToken> tokens, int stringIndex)
    {
        if (Workspace.Study is not { } study) return [];
        int i = stringIndex - 1;
        // Skip back over a list's earlier elements to the `in {`.
        while (i >= 1 && tokens[i].Text == "," && tokens[i - 1].Kind == SyntaxTokenKind.String) i -= 2;
        if (i >= 0 && tokens[i].Text == "{") i--;
        if (i < 0 || !ComparisonTokens.Contains(tokens[i].Text)) return [];
        i--;
        if (i < 0 || tokens[i].Kind is not (SyntaxTokenKind.Identifier or SyntaxTokenKind.Keyword)) return [];
        var variable = tokens[i].Text;
        string? domainName = null;
        if (i >= 2 && tokens[i - 1].Text == ".")
            domainName = DomainOf(analysis, tokens[i - 2].Text, tokens[i - 2].Span.Start, tokens[i].Span.Start)?.Name;
        domainName ??= analysis.Compiled.DataModel?.Domains.FirstOrDefault(d => d.FindVariable(variable) is not null && variable.StartsWith(d.Name, StringComparison.Ordinal))?.Name;
        if (domainName is null) return [];
        return [.. study.ValuesOf(domainName, variable).Select((v, n) => new CompletionItem(v.Value, CompletionKind.Value,
            v.Label is null ? $"{v.Count} records in {study.Name}" : $"{v.Label} · {v.Count} records",
            $"`{domainName}.{variable}` = '{v.Value}'" + (v.Label is null ? "" : $": {v.Label}") + $"\n\n{v.Count} records in {study.Name}",
            SortText: n.ToString("D5", CultureInfo.InvariantCulture)))];
    }
}
