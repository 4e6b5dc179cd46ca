using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Verification.Fit;

/// <summary>
/// Whether a study holds what a protocol's criteria read: every domain, variable, and every code or term a rule compares a
/// variable with (test codes, decoded terms, categories, units); for what it lacks, the closest ones it does hold. A
/// criterion that is Unknown for every subject because it asks for a code the study never uses is found before screening.
/// </summary>
public static class DataFit
{
    /// <summary>Checks the protocol's criteria (and the definitions and functions they call) against a study.</summary>
    public static IReadOnlyList<FitFinding> Check(CompiledProtocol protocol, StudyData study)
    {
        var reads = new Dictionary<(string Domain, string? Variable, string? Value), Read>();
        foreach (var c in protocol.Criteria.Where(c => c.Rule is not null))
            new Walker(reads, c.Id, c.Source).Walk(c.Rule!, ImmutableDictionary<LocalSymbol, string>.Empty);
        var findings = new List<FitFinding>();
        foreach (var ((domain, variable, value), read) in reads.OrderBy(r => r.Key.Domain, StringComparer.Ordinal).ThenBy(r => r.Key.Variable, StringComparer.Ordinal).ThenBy(r => r.Key.Value, StringComparer.Ordinal))
        {
            var rules = read.Rules.Order(StringComparer.Ordinal).ToList();
            var table = study.GetDomain(domain);
            if (table is null)
            {
                if (variable is not null) continue; // reported once, for the domain
                var held = string.Join(", ", study.Domains.Select(d => d.Name));
                findings.Add(new FitFinding(domain, null, null, false, [], rules, At(DiagnosticCatalog.DomainNotInStudy(read.Span, domain, held.Length == 0 ? "no domains" : held), read.Source)));
                continue;
            }
            if (variable is null)
            {
                findings.Add(new FitFinding(domain, null, null, true, [], rules, null));
                continue;
            }
            var column = table.GetColumn(variable);
            if (column is null)
            {
                if (value is not null) continue; // reported once, for the variable
                var closest = Closest(variable, table.Columns.Select(c => c.Name), 5);
                findings.Add(new FitFinding(domain, variable, null, false, closest, rules,
                    At(DiagnosticCatalog.VariableNotInStudy(read.Span, domain, variable, closest.Count == 0 ? "it has no variables" : $"the closest it has: {string.Join(", ", closest)}"), read.Source)));
                continue;
            }
            if (value is null)
            {
                findings.Add(new FitFinding(domain, variable, null, true, [], rules, null));
                continue;
            }
            var values = Values(column, table.RowCount);
            // A set (a code list or a list of terms) is held when any of its members occurs.
            var members = read.Members ?? [value];
            bool found = members.Any(m => read.IgnoreCase ? values.Any(v => string.Equals(v, m, StringComparison.OrdinalIgnoreCase)) : values.Contains(m));
            if (found)
            {
                findings.Add(new FitFinding(domain, variable, value, true, [], rules, null));
                continue;
            }
            var near = Closest(members[0], values, 8);
            var sentence = near.Count == 0 ? $"{domain}.{variable} holds no values" : $"{domain}.{variable} holds {(near.Count < values.Count ? "these closest" : "only")}: {string.Join(", ", near)}";
            findings.Add(new FitFinding(domain, variable, value, false, near, rules,
                At(DiagnosticCatalog.CodeNotInStudy(read.Span, $"{domain}.{variable}", value, sentence), read.Source)));
        }
        return findings;
    }

    /// <summary>The fit findings that explain why a criterion can be Unknown: what it reads that the study does not hold.</summary>
    public static IEnumerable<FitFinding> Explaining(IEnumerable<FitFinding> findings, string criterionId) =>
        findings.Where(f => !f.Held && f.Rules.Contains(criterionId, StringComparer.Ordinal));

    private static Diagnostic At(Diagnostic d, SourceText? source) => source is null ? d : d with { Source = source };

    private static List<string> Values(Column column, int rows)
    {
        if (column is TextColumn text) return text.Dictionary.Where(v => !string.IsNullOrEmpty(v)).Distinct(StringComparer.Ordinal).ToList();
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (int r = 0; r < rows && set.Count < 10_000; r++) if (column.GetObject(r)?.ToString() is { Length: > 0 } s) set.Add(s);
        return [.. set];
    }

    /// <summary>The most alike of the candidates: sharing a prefix first, then by edit distance.</summary>
    internal static List<string> Closest(string target, IEnumerable<string> candidates, int count)
    {
        var t = target.ToUpperInvariant();
        return candidates.Distinct(StringComparer.Ordinal)
            .Select(c => (c, Prefix: CommonPrefix(t, c.ToUpperInvariant()), Distance: Levenshtein(t, c.ToUpperInvariant())))
            .OrderByDescending(x => Math.Min(x.Prefix, 4)).ThenBy(x => x.Distance).ThenBy(x => x.c, StringComparer.Ordinal)
            .Take(count).Select(x => x.c).ToList();
    }

    private static int CommonPrefix(string a, string b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n]) n++;
        return n;
    }

    private static int Levenshtein(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }

    private sealed class Read(TextSpan span, SourceText? source, bool ignoreCase)
    {
        public TextSpan Span { get; } = span;
        public SourceText? Source { get; } = source;
        public bool IgnoreCase { get; set; } = ignoreCase;
        public List<string>? Members { get; set; }
        public HashSet<string> Rules { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Walks a rule, following definitions and functions (with literal arguments bound), collecting reads and compared codes.</summary>
    private sealed class Walker(Dictionary<(string, string?, string?), Read> reads, string rule, SourceText source)
    {
        private readonly HashSet<object> _visiting = [];
        private SourceText _source = source;

        public void Walk(BoundExpression e, ImmutableDictionary<LocalSymbol, string> literals)
        {
            switch (e)
            {
                case BoundDomainReference d:
                    Add(d.Domain.Name, null, null, d.Syntax.Span, false);
                    return;
                case BoundVariableAccess v:
                    Add(v.Domain.Name, v.Variable.Name, null, v.Syntax.Span, false);
                    Walk(v.Record, literals);
                    return;
                case BoundCall call when call.Overload.Name is "Equal" or "NotEqual" or "Equivalent" or "In" or "InCodeList" && call.Arguments.Length >= 2:
                    {
                        var (variable, ignoreCase) = VariableOf(call.Arguments[0]);
                        if (variable is not null)
                        {
                            var values = Literals(call.Arguments[1], literals).ToList();
                            bool ic = ignoreCase || call.Overload.Name == "Equivalent";
                            if (values.Count == 1 && call.Arguments[1] is not BoundCodeListReference) Add(variable.Domain.Name, variable.Variable.Name, values[0], call.Arguments[1].Syntax.Span, ic);
                            else if (values.Count > 0)
                            {
                                var name = call.Arguments[1] is BoundCodeListReference cl ? $"any of code list {cl.CodeList.Name}" : $"any of {{{string.Join(", ", values)}}}";
                                // Code lists match displays too, ignoring case.
                                if (call.Arguments[1] is BoundCodeListReference withDisplays) values.AddRange(withDisplays.CodeList.Codes.Where(c => c.Display is not null).Select(c => c.Display!));
                                Add(variable.Domain.Name, variable.Variable.Name, name, call.Arguments[1].Syntax.Span, ic || call.Arguments[1] is BoundCodeListReference, values);
                            }
                        }
                        var (right, rightCase) = VariableOf(call.Arguments[1]);
                        if (right is not null && call.Overload.Name is "Equal" or "NotEqual")
                            foreach (var value in Literals(call.Arguments[0], literals))
                                Add(right.Domain.Name, right.Variable.Name, value, call.Arguments[0].Syntax.Span, rightCase);
                        break;
                    }
                case BoundDefineReference d when d.Define.Body is not null && _visiting.Add(d.Define):
                    Enter(d.Define.Source, () => Walk(d.Define.Body, ImmutableDictionary<LocalSymbol, string>.Empty));
                    _visiting.Remove(d.Define);
                    return;
                case BoundFunctionCall f when f.Function.Body is not null && _visiting.Add(f.Function):
                    {
                        foreach (var a in f.Arguments) Walk(a, literals);
                        var inner = ImmutableDictionary<LocalSymbol, string>.Empty;
                        for (int i = 0; i < f.Function.Parameters.Length && i < f.Arguments.Length; i++)
                            if (Literals(f.Arguments[i], literals).ToList() is [var single]) inner = inner.SetItem(f.Function.Parameters[i], single);
                        Enter(f.Function.Source, () => Walk(f.Function.Body, inner));
                        _visiting.Remove(f.Function);
                        return;
                    }
            }
            foreach (var child in BoundTreeWalker.Children(e)) Walk(child, literals);
        }

        private void Enter(SourceText? source, Action walk)
        {
            var saved = _source;
            _source = source ?? _source;
            walk();
            _source = saved;
        }

        private void Add(string domain, string? variable, string? value, TextSpan span, bool ignoreCase, List<string>? members = null)
        {
            var key = (domain, variable, value);
            if (!reads.TryGetValue(key, out var read)) reads[key] = read = new Read(span, _source, ignoreCase) { Members = members };
            read.IgnoreCase |= ignoreCase;
            read.Rules.Add(rule);
            if (variable is not null && !reads.ContainsKey((domain, null, null))) reads[(domain, null, null)] = new Read(span, _source, false) { Rules = { rule } };
            if (value is not null && !reads.ContainsKey((domain, variable, null))) reads[(domain, variable, null)] = new Read(span, _source, false) { Rules = { rule } };
        }

        /// <summary>The variable a comparison's side reads (through Upper, Lower or Coalesce), and whether case is ignored.</summary>
        private static (BoundVariableAccess? Variable, bool IgnoreCase) VariableOf(BoundExpression e) => e switch
        {
            BoundVariableAccess v => (v, false),
            BoundConversion c => VariableOf(c.Operand),
            BoundCall { Overload.Name: "Upper" or "Lower" } call => (VariableOf(call.Arguments[0]).Variable, true),
            BoundCall { Overload.Name: "Coalesce" } call when call.Arguments.Length > 0 => VariableOf(call.Arguments[0]),
            _ => (null, false),
        };

        private static IEnumerable<string> Literals(BoundExpression e, ImmutableDictionary<LocalSymbol, string> literals) => e switch
        {
            BoundLiteral { Value: string s } => [s],
            BoundLocal l when literals.TryGetValue(l.Local, out var bound) => [bound],
            BoundList list => list.Elements.SelectMany(x => Literals(x, literals)),
            BoundConversion c => Literals(c.Operand, literals),
            BoundCodeListReference cl => cl.CodeList.Codes.Select(c => c.Code),
            _ => [],
        };
    }
}
