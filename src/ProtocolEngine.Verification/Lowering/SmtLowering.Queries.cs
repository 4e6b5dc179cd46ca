using ProtocolEngine.Language.Binding;

namespace ProtocolEngine.Verification.Lowering;

internal sealed partial class SmtLowering
{
    private Sym LowerQuery(BoundQuery q, Env env)
    {
        if (q.Sources.Length != 1) return NotCovered(q, "a query over several sources");
        if (q.Aggregate is not null) return NotCovered(q, "a query's aggregate clause");
        if (q.Sort.Length > 1) return NotCovered(q, "a query sorted by several keys");
        var source = Lower(q.Sources[0].Source, env);
        var alias = q.Sources[0].Alias;

        if (q.SingularSource)
        {
            // A query over one value: the value when the where holds, null otherwise.
            var scope = Bind(q, env, alias, source);
            var keep = q.Where is null ? "true" : AsBool(Lower(q.Where, scope), q.Where).T;
            var value = q.Return is null ? source : Lower(q.Return, scope);
            return value switch
            {
                RecordSym r => new RecordSym(r.Domain, r.Choices.Select(c => (Smt.And(keep, c.Sel), c.Slot)).ToList()),
                BoolSym b => new BoolSym(Smt.And(keep, b.T), Smt.And(keep, b.F)),
                ScalarSym s => s with { N = Smt.Or(Smt.Not(keep), s.N) },
                _ => NotCovered(q, "a query over one value that is not a record or a scalar"),
            };
        }

        if (source is not ListSym list) return NotCovered(q, $"a query over a {Describe(source)}");
        if (list.Elements.FirstOrDefault().Element is RecordSym { Choices: [var first, ..] })
            _sitesPerDomain[first.Slot.Domain.Name] = _sitesPerDomain.GetValueOrDefault(first.Slot.Domain.Name) + 1;

        var elements = new List<(string Guard, Sym Element)>();
        var uncertain = new List<string> { list.Uncertain };
        var keys = q.Sort.Length == 1 ? new List<Sym>() : null;
        foreach (var (guard, element) in list.Elements)
        {
            if (guard == "false") continue;
            var scope = Bind(q, env, alias, element);
            var conditions = new List<string> { guard };
            foreach (var inclusion in q.Inclusions)
            {
                if (Lower(inclusion.Source.Source, scope) is not ListSym other)
                {
                    conditions.Add(AsBool(NotCovered(inclusion.Condition, "a with/without clause over a value that is not a list"), inclusion.Condition).T);
                    continue;
                }
                var matches = other.Elements.Select(o => Smt.And(o.Guard, AsBool(Lower(inclusion.Condition, scope.With(inclusion.Source.Alias, o.Element)), inclusion.Condition).T));
                var any = Smt.Or(matches);
                conditions.Add(inclusion.IsWithout ? Smt.Not(any) : any);
            }
            if (q.Where is not null)
            {
                var where = AsBool(Lower(q.Where, scope), q.Where);
                conditions.Add(where.T);
                // A record whose filter is null is dropped, and the result may be short for want of data.
                uncertain.Add(Smt.And(guard, where.IsNull));
            }
            var value = q.Return is null ? element : Lower(q.Return, scope);
            elements.Add((Smt.And(conditions), value));
            if (keys is not null)
            {
                var item = q.Sort[0];
                var keyScope = item.Element is null ? scope : scope.With(item.Element, value);
                var key = item.Key is null ? value : Lower(item.Key, keyScope);
                // Codes do not order text: a text sort key is not covered (its order is left free by index order).
                if (key is ScalarSym { Sort: SmtSort.String }) key = NotCoveredScalar(item.Key ?? q, "a query sorted by text");
                keys.Add(key);
            }
        }
        return new ListSym(elements, keys, q.Sort.Length == 1 && q.Sort[0].Descending, Smt.Or(uncertain));
    }

    private Env Bind(BoundQuery q, Env env, LocalSymbol alias, Sym element)
    {
        var scope = env.With(alias, element);
        foreach (var (local, value) in q.Lets) scope = scope.With(local, Lower(value, scope));
        return scope;
    }

    /// <summary>Whether element i comes before element j in the list's order (stable: equal keys keep their order).</summary>
    private static string Before(ListSym list, int i, int j)
    {
        if (list.SortKeys is null) return i < j ? "true" : "false";
        if (list.SortKeys[i] is not ScalarSym a || list.SortKeys[j] is not ScalarSym b) return i < j ? "true" : "false";
        (a, b) = Unify(a, b);
        string tie = i < j ? "true" : "false";
        string less = Less(a.Sort, a.V, b.V), equal = $"(= {a.V} {b.V})";
        string less2 = list.Descending ? Less(a.Sort, b.V, a.V) : less;
        string bothValues = Smt.And(Smt.Not(a.N), Smt.Not(b.N), Smt.Or(less2, Smt.And(equal, tie)));
        // Nulls first ascending, last descending.
        string nulls = list.Descending
            ? Smt.Or(Smt.And(Smt.Not(a.N), b.N), Smt.And(a.N, b.N, tie))
            : Smt.Or(Smt.And(a.N, Smt.Not(b.N)), Smt.And(a.N, b.N, tie));
        return Smt.Or(bothValues, nulls);
    }

    private static string Less(SmtSort sort, string a, string b) => $"(< {a} {b})";

    /// <summary>First or Last of a list: which element is chosen, one formula per element.</summary>
    private static List<string> Selection(ListSym list, bool last)
    {
        var sel = new List<string>();
        int n = list.Elements.Count;
        for (int i = 0; i < n; i++)
        {
            var parts = new List<string> { list.Elements[i].Guard };
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                parts.Add(Smt.Implies(list.Elements[j].Guard, last ? Before(list, j, i) : Before(list, i, j)));
            }
            sel.Add(Smt.And(parts));
        }
        return sel;
    }

    private readonly Dictionary<string, List<string>> _selections = new(StringComparer.Ordinal);

    private Sym Pick(ListSym list, bool last, BoundExpression at)
    {
        if (list.Elements.Count == 0) return FreeNull(at);
        // The same First or Last of the same list is one selection (two versions of a rule lower to one formula).
        var selectionKey = (last ? "L" : "F") + Key(list) + "|" + string.Join(";", list.SortKeys?.Select(Key) ?? []) + list.Descending;
        if (_selections.TryGetValue(selectionKey, out var known)) return Picked(list, known, at);
        var sel = Selection(list, last);
        // Named: First/Last formulas grow with the square of the slots, and several rules read one site.
        for (int i = 0; i < sel.Count; i++)
        {
            if (sel[i] is "true" or "false" || IsAtom(sel[i])) continue;
            var name = Fresh("Bool", "sel");
            _axioms.Add($"(= {name} {sel[i]})");
            sel[i] = name;
        }
        _selections[selectionKey] = sel;
        return Picked(list, sel, at);
    }

    private Sym Picked(ListSym list, List<string> sel, BoundExpression at)
    {
        var elements = list.Elements.Select(x => x.Element).ToList();
        if (elements.All(x => x is RecordSym))
        {
            var records = elements.Cast<RecordSym>().ToList();
            var domain = records[0].Domain;
            if (records.Any(r => r.Domain != domain)) return NotCovered(at, "First or Last over records of several domains");
            return new RecordSym(domain, records.SelectMany((r, i) => r.Choices.Select(c => (Smt.And(sel[i], c.Sel), c.Slot))).ToList());
        }
        if (elements.All(x => x is ScalarSym))
        {
            var scalars = elements.Cast<ScalarSym>().ToList();
            var sort = scalars.Any(s => s.Sort == SmtSort.Real) ? SmtSort.Real : scalars[0].Sort;
            scalars = scalars.Select(s => sort == SmtSort.Real ? ToReal(s) : s).ToList();
            string none = Smt.Not(Smt.Or(sel));
            string n = Smt.Or(none, Smt.Or(scalars.Select((s, i) => Smt.And(sel[i], s.N))));
            string v = scalars[^1].V;
            for (int i = scalars.Count - 2; i >= 0; i--) v = Smt.Ite(sel[i], scalars[i].V, v);
            return new ScalarSym(sort, n, v);
        }
        if (elements.All(x => x is BoolSym))
        {
            var bools = elements.Cast<BoolSym>().ToList();
            return new BoolSym(Smt.Or(bools.Select((b, i) => Smt.And(sel[i], b.T))), Smt.Or(bools.Select((b, i) => Smt.And(sel[i], b.F))));
        }
        return NotCovered(at, "First or Last of a list of mixed or structured values");
    }

    private Sym FreeNull(BoundExpression at) => at.Type == Language.Types.ProtocolType.Boolean
        ? new BoolSym("false", "false")
        : new ScalarSym(SortOf(at.Type) ?? SmtSort.Int, "true", Default(SortOf(at.Type) ?? SmtSort.Int));

    /// <summary>Whether an element counts as present (records always; scalars when not null).</summary>
    private static string Holds((string Guard, Sym Element) x) => x.Element switch
    {
        ScalarSym s => Smt.And(x.Guard, Smt.Not(s.N)),
        BoolSym b => Smt.And(x.Guard, Smt.Not(b.IsNull)),
        _ => x.Guard,
    };

    private Sym Aggregate(string name, ListSym list, BoundExpression at)
    {
        Bounded.Add((Owner, $"{name} over a list (exact up to the record slots of the bounded model)"));
        if (name == "Count") return new ScalarSym(SmtSort.Int, list.Uncertain, list.Elements.Count == 0 ? "0" : $"(+ 0 {string.Join(' ', list.Elements.Select(x => Smt.Ite(Holds(x), "1", "0")))})");
        if (!list.Elements.All(x => x.Element is ScalarSym)) return NotCovered(at, $"{name} of values that are not numbers");
        var scalars = list.Elements.Select(x => (Holds: Holds(x), S: (ScalarSym)x.Element)).ToList();
        if (scalars.Count == 0) return FreeNull(at);
        var sort = scalars.Any(s => s.S.Sort == SmtSort.Real) ? SmtSort.Real : scalars[0].S.Sort;
        if (sort == SmtSort.String) return NotCovered(at, $"{name} of text");
        scalars = scalars.Select(s => (s.Holds, sort == SmtSort.Real ? ToReal(s.S) : s.S)).ToList();
        string none = Smt.Not(Smt.Or(scalars.Select(s => s.Holds)));
        string zero = sort == SmtSort.Real ? "0.0" : "0";
        switch (name)
        {
            case "Sum":
                return new ScalarSym(sort, none, $"(+ {zero} {string.Join(' ', scalars.Select(s => Smt.Ite(s.Holds, s.S.V, zero)))})");
            case "Min":
            case "Max":
                {
                    var v = Fresh(Smt.SortName(sort), name.ToLowerInvariant());
                    string cmp(string a, string b) => name == "Min" ? $"(<= {a} {b})" : $"(>= {a} {b})";
                    _axioms.Add(Smt.Implies(Smt.Not(none), Smt.And(
                        Smt.And(scalars.Select(s => Smt.Implies(s.Holds, cmp(v, s.S.V)))),
                        Smt.Or(scalars.Select(s => Smt.And(s.Holds, $"(= {v} {s.S.V})"))))));
                    return new ScalarSym(sort, none, v);
                }
            default:
                return NotCovered(at, name);
        }
    }
}
