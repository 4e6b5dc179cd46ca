using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Types;
using ProtocolEngine.Verification.Solving;

namespace ProtocolEngine.Verification.Lowering;

internal sealed partial class SmtLowering
{
    private Sym Lower(BoundExpression e, Env env)
    {
        if (++_depth > 400)
        {
            _depth--;
            return NotCovered(e, "an expression nested too deeply");
        }
        try
        {
            return LowerCore(e, env);
        }
        finally
        {
            _depth--;
        }
    }

    private Sym LowerCore(BoundExpression e, Env env)
    {
        switch (e)
        {
            case BoundLiteral lit:
                return LowerLiteral(lit);
            case BoundQuantityLiteral q:
                return new QuantitySym(q.Value, q.Unit);
            case BoundConversion c:
                return LowerConversion(c, env);
            case BoundDefineReference d:
                return LowerDefine(d);
            case BoundParameterReference p:
                return p.Parameter.Value is { } value ? Lower(value, env) : NotCovered(e, $"parameter {p.Parameter.Name} without a value");
            case BoundLocal local:
                return env.Locals.TryGetValue(local.Local, out var bound) ? bound : NotCovered(e, $"local {local.Local.Name}");
            case BoundCodeListReference cl:
                return new CodeListSym(cl.CodeList);
            case BoundDomainReference domain:
                {
                    var slots = SlotsOf(domain.Domain);
                    if (domain.Domain.IsSingular()) return new RecordSym(domain.Domain, [("true", slots[0])]);
                    if (domain.Type is not ListType) return NotCovered(e, $"domain {domain.Domain.Name} as a single record");
                    return new ListSym(slots.Select(s => (s.Present, (Sym)new RecordSym(domain.Domain, [("true", s)]))).ToList(),
                        Uncertain: Smt.Not(Smt.Or(slots.Select(s => s.Present))));
                }
            case BoundVariableAccess access:
                return LowerVariable(access, Lower(access.Record, env));
            case BoundListMemberAccess lm:
                {
                    if (Lower(lm.Target, env) is not ListSym list) return NotCovered(e, "a property of a list that is not lowered");
                    var elements = list.Elements.Select(x => (x.Guard, Lower(lm.Access, env.With(lm.Element, x.Element)))).ToList();
                    return new ListSym(elements, Uncertain: list.Uncertain);
                }
            case BoundCall call:
                return LowerCall(call, env);
            case BoundFunctionCall f:
                return LowerFunction(f, env);
            case BoundTableCall t:
                return LowerTable(t, env);
            case BoundIf i:
                return LowerIf(i.Condition, i.Then, i.Else, e, env);
            case BoundCase c:
                return LowerCase(c, env);
            case BoundList list:
                return new ListSym(list.Elements.Select(x => ("true", Lower(x, env))).ToList());
            case BoundInterval interval:
                {
                    var low = Lower(interval.Low, env);
                    var high = Lower(interval.High, env);
                    if (low is not ScalarSym l || high is not ScalarSym h) return NotCovered(e, "an interval of values that are not numbers, text or dates");
                    (l, h) = Unify(l, h);
                    return new IntervalSym(l, interval.LowClosed, h, interval.HighClosed);
                }
            case BoundQuery q:
                return LowerQuery(q, env);
            default:
                return NotCovered(e, e.GetType().Name.Replace("Bound", "", StringComparison.Ordinal).ToLowerInvariant());
        }
    }

    private Sym LowerLiteral(BoundLiteral lit)
    {
        if (lit.Value is null)
        {
            if (lit.Type == ProtocolType.Boolean) return new BoolSym("false", "false");
            var sortOfNull = SortOf(lit.Type) ?? SmtSort.Int;
            return new ScalarSym(sortOfNull, "true", Default(sortOfNull));
        }
        if (lit.Type == ProtocolType.Boolean && lit.Value is bool b) return b ? new BoolSym("true", "false") : new BoolSym("false", "true");
        if (lit.Type == ProtocolType.Date || lit.Type == ProtocolType.DateTime)
        {
            return lit.Value is string text && DayNumber(text) is { } day
                ? new ScalarSym(SmtSort.Day, "false", Smt.Int(day))
                : NotCovered(lit, "a date or time literal that is not a whole date");
        }
        var sort = SortOf(lit.Type);
        if (sort is null) return NotCovered(lit, $"a literal of type {lit.Type.Name}");
        return new ScalarSym(sort.Value, "false", Literal(lit.Value, sort.Value));
    }

    private Sym LowerConversion(BoundConversion c, Env env)
    {
        var operand = Lower(c.Operand, env);
        if (c.Conversion.IsNoOp) return operand;
        switch (c.Conversion.Kind)
        {
            case ConversionKind.IntegerToDecimal:
            case ConversionKind.LongToDecimal:
                return operand is ScalarSym s ? ToReal(s) : NotCovered(c, "a conversion to Decimal");
            case ConversionKind.IntegerToLong:
            case ConversionKind.DateToDateTime:
                return operand;
            case ConversionKind.IntervalPoints:
                if (operand is IntervalSym iv && c.Conversion.Element?.Kind is ConversionKind.IntegerToDecimal or ConversionKind.LongToDecimal)
                    return iv with { Low = ToReal(iv.Low), High = ToReal(iv.High) };
                return operand is IntervalSym && c.Conversion.Element?.Kind is ConversionKind.IntegerToLong or ConversionKind.DateToDateTime ? operand
                    : NotCovered(c, "a conversion of an interval's points");
            case ConversionKind.ListElements:
                if (operand is ListSym list && c.Conversion.Element?.Kind is ConversionKind.IntegerToDecimal or ConversionKind.LongToDecimal)
                    return list with { Elements = list.Elements.Select(x => (x.Guard, x.Element is ScalarSym s ? (Sym)ToReal(s) : x.Element)).ToList() };
                return operand is ListSym && c.Conversion.Element?.Kind is ConversionKind.IntegerToLong or ConversionKind.DateToDateTime ? operand
                    : NotCovered(c, "a conversion of a list's elements");
            default:
                return NotCovered(c, $"conversion {c.Conversion.Kind}");
        }
    }

    private Sym LowerDefine(BoundDefineReference d)
    {
        var defineKey = d.Define.QualifiedName + "\n" + d.Define.DeclarationText;
        if (_defines.TryGetValue(defineKey, out var cached)) return cached;
        if (d.Define.Body is null || !_definesInProgress.Add(d.Define)) return NotCovered(d, $"definition {d.Define.QualifiedName}");
        var (owner, source) = (Owner, CurrentSource);
        CurrentSource = d.Define.Source ?? CurrentSource;
        try
        {
            var value = Materialize(Lower(d.Define.Body, Env.Empty), "def_" + Sanitize(d.Define.Name));
            _defines[defineKey] = value;
            return value;
        }
        finally
        {
            _definesInProgress.Remove(d.Define);
            (Owner, CurrentSource) = (owner, source);
        }
    }

    /// <summary>Names a Boolean or scalar by constants (so terms stay small and a witness can show definitions' values).</summary>
    private Sym Materialize(Sym value, string hint)
    {
        switch (value)
        {
            case BoolSym b when !IsAtom(b.T) || !IsAtom(b.F):
                {
                    var t = Fresh("Bool", hint + "_t");
                    var f = Fresh("Bool", hint + "_f");
                    _axioms.Add($"(= {t} {b.T})");
                    _axioms.Add($"(= {f} {b.F})");
                    return new BoolSym(t, f);
                }
            case ScalarSym s when !IsAtom(s.N) || !IsAtom(s.V):
                {
                    var n = Fresh("Bool", hint + "_null");
                    var v = Fresh(Smt.SortName(s.Sort), hint);
                    _axioms.Add($"(= {n} {s.N})");
                    _axioms.Add($"(=> (not {n}) (= {v} {s.V}))");
                    return new ScalarSym(s.Sort, n, v);
                }
            default:
                return value;
        }
    }

    private static bool IsAtom(string term) => !term.StartsWith('(') || term.StartsWith("(- ", StringComparison.Ordinal) && !term[3..].Contains('(', StringComparison.Ordinal);

    private static string Sanitize(string name) => new(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());

    private Sym LowerFunction(BoundFunctionCall f, Env env)
    {
        var function = f.Function;
        if (function.Body is null) return NotCovered(f, $"function {function.QualifiedName}");
        var args = f.Arguments.Select(a => Lower(a, env)).ToList();
        // The same call (same function, same arguments) is one site: ScreeningLab('TSH') read twice reads one record.
        var key = function.QualifiedName + "#" + function.DeclarationText.GetHashCode(StringComparison.Ordinal) + "(" + string.Join(",", args.Select(Key)) + ")";
        if (key.Length < 4000 && _calls.TryGetValue(key, out var cached)) return cached;
        var inner = Env.Empty;
        for (int i = 0; i < function.Parameters.Length && i < args.Count; i++) inner = inner.With(function.Parameters[i], args[i]);
        var source = CurrentSource;
        CurrentSource = function.Source ?? CurrentSource;
        try
        {
            var value = Lower(function.Body, inner);
            if (value is BoolSym or ScalarSym) value = Materialize(value, "fn_" + Sanitize(function.Name));
            if (key.Length < 4000) _calls[key] = value;
            return value;
        }
        finally
        {
            CurrentSource = source;
        }
    }

    /// <summary>A text key of a lowered value, for sharing identical calls.</summary>
    private static string Key(Sym sym) => sym switch
    {
        BoolSym b => $"b[{b.T}|{b.F}]",
        ScalarSym s => $"s[{s.N}|{s.V}]",
        QuantitySym q => $"q[{q.Value} {q.Unit}]",
        CodeListSym c => $"c[{c.CodeList.QualifiedName}]",
        RecordSym r => $"r[{string.Join(";", r.Choices.Select(c => c.Sel + ":" + c.Slot.Prefix))}]",
        IntervalSym i => $"i[{Key(i.Low)}{i.LowClosed}{Key(i.High)}{i.HighClosed}]",
        ListSym l => $"l[{string.Join(";", l.Elements.Select(x => x.Guard + ":" + Key(x.Element)))}]",
        _ => "?",
    };

    private Sym LowerTable(BoundTableCall t, Env env)
    {
        var table = t.Table;
        if (table.HitPolicy is not (Language.Syntax.HitPolicy.First or Language.Syntax.HitPolicy.Unique))
            return NotCovered(t, $"decision table {table.QualifiedName} with hit policy {table.HitPolicy.ToString().ToLowerInvariant()}");
        var inner = Env.Empty;
        for (int i = 0; i < table.Inputs.Length && i < t.Arguments.Length; i++) inner = inner.With(table.Inputs[i], Lower(t.Arguments[i], env));
        var source = CurrentSource;
        CurrentSource = table.Source ?? CurrentSource;
        try
        {
            // Hit first: the first row whose conditions are all true; no row matching is null.
            Sym result = t.Type == ProtocolType.Boolean ? new BoolSym("false", "false") : new ScalarSym(SortOf(t.Type) ?? SmtSort.String, "true", Default(SortOf(t.Type) ?? SmtSort.String));
            foreach (var row in table.Rows.Reverse())
            {
                var value = Lower(row.Result, inner);
                if (row.IsOtherwise)
                {
                    result = value;
                    continue;
                }
                var conditions = row.Conditions.Where(c => c is not null).Select(c => AsBool(Lower(c!, inner), c!).T).ToList();
                result = Choose(Smt.And(conditions), value, result, t);
            }
            return Materialize(result, "tbl_" + Sanitize(table.Name));
        }
        finally
        {
            CurrentSource = source;
        }
    }

    private static string Default(SmtSort sort) => sort == SmtSort.Real ? "0.0" : "0";

    /// <summary>if c then a else b, for Booleans and scalars.</summary>
    private Sym Choose(string c, Sym a, Sym b, BoundExpression at)
    {
        if (a is BoolSym ba && b is BoolSym bb) return new BoolSym(Smt.Ite(c, ba.T, bb.T), Smt.Ite(c, ba.F, bb.F));
        if (a is ScalarSym sa && b is ScalarSym sb)
        {
            (sa, sb) = Unify(sa, sb);
            return new ScalarSym(sa.Sort, Smt.Ite(c, sa.N, sb.N), Smt.Ite(c, sa.V, sb.V));
        }
        if (a is RecordSym ra && b is RecordSym rb && ra.Domain == rb.Domain)
            return new RecordSym(ra.Domain, [.. ra.Choices.Select(x => (Smt.And(c, x.Sel), x.Slot)), .. rb.Choices.Select(x => (Smt.And(Smt.Not(c), x.Sel), x.Slot))]);
        if (a is ListSym la && b is ListSym lb && la.SortKeys is null && lb.SortKeys is null)
            return new ListSym([.. la.Elements.Select(x => (Smt.And(c, x.Guard), x.Element)), .. lb.Elements.Select(x => (Smt.And(Smt.Not(c), x.Guard), x.Element))], Uncertain: Smt.Ite(c, la.Uncertain, lb.Uncertain));
        return NotCovered(at, $"a choice between a {Describe(a)} and a {Describe(b)}");
    }

    private Sym LowerIf(BoundExpression condition, BoundExpression then, BoundExpression @else, BoundExpression at, Env env)
    {
        var c = AsBool(Lower(condition, env), condition);
        return Choose(c.T, Lower(then, env), Lower(@else, env), at);
    }

    private Sym LowerCase(BoundCase c, Env env)
    {
        var result = Lower(c.Else, env);
        var comparand = c.Comparand is null ? null : Lower(c.Comparand, env);
        foreach (var item in c.Items.Reverse())
        {
            string condition;
            if (comparand is null) condition = AsBool(Lower(item.When, env), item.When).T;
            else condition = EqualSym(comparand, Lower(item.When, env), item.When, nullSafe: false).T;
            result = Choose(condition, Lower(item.Then, env), result, c);
        }
        return result;
    }

    private Sym LowerVariable(BoundVariableAccess access, Sym record)
    {
        if (record is not RecordSym r) return NotCovered(access, $"variable {access.Domain.Name}.{access.Variable.Name} of a value that is not a record");
        if (SortOf(access.Type) is null) return NotCovered(access, $"variable {access.Domain.Name}.{access.Variable.Name} of type {access.Type.Name}");
        if (r.Choices.Count == 0) return new ScalarSym(SortOf(access.Type)!.Value, "true", Default(SortOf(access.Type)!.Value));
        var values = r.Choices.Select(c => (c.Sel, Value: SlotVariable(c.Slot, access.Variable, access.Type))).ToList();
        if (values.Count == 1 && values[0].Sel == "true") return values[0].Value;
        // Null when no record is chosen, or the chosen record's value is null.
        string n = Smt.Or(r.N, Smt.Or(values.Select(v => Smt.And(v.Sel, v.Value.N))));
        string v = values[^1].Value.V;
        for (int i = values.Count - 2; i >= 0; i--) v = Smt.Ite(values[i].Sel, values[i].Value.V, v);
        return new ScalarSym(values[0].Value.Sort, n, v);
    }
}
