using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Types;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Operators;
using ProtocolEngine.Runtime.Values;
using E = System.Linq.Expressions.Expression;
using LE = System.Linq.Expressions;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// The native backend: lowers the bound tree (the IR) to System.Linq.Expressions and compiles delegates.
/// Scalars stay typed (<c>bool?</c>, <c>int?</c>, <c>decimal?</c>, <c>string</c>) so boolean and arithmetic
/// rules run without allocating; lists, intervals and tuples are runtime objects. Each operator's
/// implementation is chosen here, once, not at every evaluation. Functions and decision tables are compiled
/// to lambdas that the expression compiler inlines at each call.
/// </summary>
internal sealed class ExpressionCompiler
{
    private readonly SlotAllocator _slots;
    private readonly Dictionary<FunctionSymbol, LE.LambdaExpression> _functions = [];
    private readonly Dictionary<BoundQuery, List<BoundExpression>> _hoistedByQuery = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<TableSymbol, LE.LambdaExpression> _tables = [];
    private readonly Func<ParameterSymbol, object?> _parameterValue;
    private readonly HashSet<BoundCall> _lookupFallbacks = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<BoundCall, Dictionary<string, ColumnLookup>> _lookups = new(ReferenceEqualityComparer.Instance);

    /// <summary>How many column lookups the compiled code holds (each context keeps a batch per lookup).</summary>
    public int LookupCount { get; private set; }

    /// <summary>Every column lookup compiled, in the order numbered.</summary>
    public List<ColumnLookup> Lookups { get; } = [];

    public ExpressionCompiler(SlotAllocator slots, Func<ParameterSymbol, object?> parameterValue)
    {
        _slots = slots;
        _parameterValue = parameterValue;
    }

    /// <summary>The context parameter and the locals visible while compiling one lambda.</summary>
    private sealed class Frame(LE.ParameterExpression ctx)
    {
        public LE.ParameterExpression Ctx { get; } = ctx;
        public Dictionary<LocalSymbol, LE.ParameterExpression> Locals { get; } = [];

        /// <summary>Parts of a query filter that do not depend on the record (see <see cref="Hoist"/>), with the variables caching them.</summary>
        public Dictionary<BoundExpression, (LE.ParameterExpression Has, LE.ParameterExpression Value)> Hoisted { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>Function parameters known to be literals (the body of a memoised call): calls made with them can be memoised too.</summary>
        public Dictionary<LocalSymbol, BoundLiteral> Constants { get; } = [];

        /// <summary>Operands of a long chain already computed into a variable (see <see cref="CompileChain"/>).</summary>
        public Dictionary<BoundExpression, LE.ParameterExpression> Precompiled { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>
        /// Text-key conjuncts of a prefiltered query (<c>L.LBTESTCD = code</c>) with the variable saying the current row's
        /// dictionary code is the key's: the conjunct is then true, read from the code instead of comparing strings (see <see cref="PrefilteredForEach"/>).
        /// </summary>
        public Dictionary<BoundExpression, LE.ParameterExpression> KeyHeld { get; } = new(ReferenceEqualityComparer.Instance);
    }

    private static LE.ParameterExpression NewContext() => E.Parameter(typeof(EvaluationContext), "ctx");

    // ---------------------------------------------------------------- entry points

    /// <summary>Compiles an expression to a delegate returning its value boxed.</summary>
    public Func<EvaluationContext, object?> CompileBoxed(BoundExpression body)
    {
        var frame = new Frame(NewContext());
        var lambda = E.Lambda<Func<EvaluationContext, object?>>(Box(Compile(body, frame)), "rule", [frame.Ctx]);
        return lambda.Compile();
    }

    /// <summary>Compiles a function call to a delegate returning its value boxed, calling the function itself (the body of a memoised call).</summary>
    /// <remarks>
    /// The body is compiled with the parameters bound to the call's literal arguments, so the calls it makes with
    /// them (ScreeningLab(code) inside AboveRangeIII('ALT')) are memoised in turn.
    /// </remarks>
    public Func<EvaluationContext, object?> CompileCallBoxed(BoundFunctionCall call)
    {
        var frame = new Frame(NewContext());
        var function = call.Function;
        for (int i = 0; i < function.Parameters.Length; i++)
            if (call.Arguments[i] is BoundLiteral literal && literal.Type == function.Parameters[i].Type) frame.Constants[function.Parameters[i]] = literal;
        LE.Expression value;
        if (frame.Constants.Count == function.Parameters.Length && function.Body is { } body)
            value = E.Block(E.Call(frame.Ctx, typeof(EvaluationContext).GetMethod(nameof(EvaluationContext.Step))!), Coerce(Compile(body, frame), Clr(function.ReturnType)));
        else
            value = FunctionCall(call, frame);
        var lambda = E.Lambda<Func<EvaluationContext, object?>>(Box(value), function.Name, [frame.Ctx]);
        return lambda.Compile();
    }

    private LE.Expression FunctionCall(BoundFunctionCall fc, Frame f) =>
        E.Invoke(FunctionLambda(fc.Function), [f.Ctx, .. fc.Arguments.Select((a, i) => Coerce(Compile(a, f), Clr(fc.Function.Parameters[i].Type)))]);

    /// <summary>
    /// A call whose arguments are all literals has one value per subject, so it is computed once and cached like a
    /// definition (its evidence replayed on later uses); the key is the arguments as text.
    /// </summary>
    private static BoundFunctionCall WithConstants(BoundFunctionCall call, Frame f) =>
        call with { Arguments = [.. call.Arguments.Select(a => a is BoundLocal l && f.Constants.TryGetValue(l.Local, out var c) ? c : a)] };

    private static string? MemoKey(BoundFunctionCall call, Frame f)
    {
        BoundExpression Resolve(BoundExpression a) => a is BoundLocal l && f.Constants.TryGetValue(l.Local, out var c) ? c : a;
        var arguments = call.Arguments.Select(Resolve).ToList();
        if (arguments.Count == 0 || arguments.Any(a => a is not BoundLiteral { Value: string or int or long or decimal or bool })) return null;
        return string.Join(", ", arguments.Select(a => ((BoundLiteral)a).Value switch
        {
            string text => "'" + text.Replace("'", "\\'") + "'",
            IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            var other => other!.ToString(),
        }));
    }

    /// <summary>Compiles a Boolean rule to a typed delegate (no boxing).</summary>
    public Func<EvaluationContext, bool?> CompileBoolean(BoundExpression body)
    {
        var frame = new Frame(NewContext());
        var lambda = E.Lambda<Func<EvaluationContext, bool?>>(Coerce(Compile(body, frame), typeof(bool?)), "rule", [frame.Ctx]);
        return lambda.Compile();
    }

    /// <summary>Compiles a rule over one record (a check's or safety rule's alias) returning its value boxed.</summary>
    public Func<EvaluationContext, DomainRecord?, object?> CompileForRecord(BoundExpression body, LocalSymbol? alias)
    {
        var frame = new Frame(NewContext());
        var record = E.Parameter(typeof(DomainRecord), alias?.Name ?? "record");
        if (alias is not null) frame.Locals[alias] = record;
        var lambda = E.Lambda<Func<EvaluationContext, DomainRecord?, object?>>(Box(Compile(body, frame)), "rule", [frame.Ctx, record]);
        return lambda.Compile();
    }

    /// <summary>Compiles a Boolean rule over one record to a typed delegate (no boxing on the hot path).</summary>
    public Func<EvaluationContext, DomainRecord?, bool?> CompileBooleanForRecord(BoundExpression body, LocalSymbol? alias)
    {
        var frame = new Frame(NewContext());
        var record = E.Parameter(typeof(DomainRecord), alias?.Name ?? "record");
        if (alias is not null) frame.Locals[alias] = record;
        var lambda = E.Lambda<Func<EvaluationContext, DomainRecord?, bool?>>(Coerce(Compile(body, frame), typeof(bool?)), "rule", [frame.Ctx, record]);
        return lambda.Compile();
    }

    // ---------------------------------------------------------------- dispatch

    private LE.Expression Compile(BoundExpression node, Frame f) => Compile(node, f, chains: true);

    private LE.Expression Compile(BoundExpression node, Frame f, bool chains)
    {
        if (f.Precompiled.Count > 0 && f.Precompiled.TryGetValue(node, out var precompiled)) return precompiled;
        // Nesting is bounded by the compiler; this only turns a caller's unexpectedly small stack into an exception.
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        if (f.Hoisted.Count > 0 && f.Hoisted.TryGetValue(node, out var hoisted))
        {
            // Computed at first use in this query and reused for the other records; with evidence on, computed
            // each time so every record's evidence holds the values it was decided on.
            f.Hoisted.Remove(node);
            var type = Clr(node.Type);
            var direct = Coerce(Compile(node, f), type);
            var again = Coerce(Compile(node, f), type);
            f.Hoisted[node] = hoisted;
            var evidenceOn = E.NotEqual(E.Property(f.Ctx, nameof(EvaluationContext.Evidence)), E.Constant(null, typeof(EvidenceRecorder)));
            return E.Condition(evidenceOn, direct,
                E.Condition(hoisted.Has, hoisted.Value,
                    E.Block(E.Assign(hoisted.Value, again), E.Assign(hoisted.Has, E.Constant(true)), hoisted.Value)));
        }
        if (f.KeyHeld.Count > 0 && f.KeyHeld.TryGetValue(node, out var held))
        {
            // With evidence on, the comparison runs so the evidence records the value read; without, the row's code
            // already says the comparison is true (the column exists, so no missing variable is noted either).
            f.KeyHeld.Remove(node);
            var full = Coerce(Compile(node, f), typeof(bool?));
            f.KeyHeld[node] = held;
            var evidenceOff = E.Equal(E.Property(f.Ctx, nameof(EvaluationContext.Evidence)), E.Constant(null, typeof(EvidenceRecorder)));
            return E.Condition(E.AndAlso(held, evidenceOff), E.Constant(true, typeof(bool?)), full);
        }
        if (chains && IsLongChain(node)) return CompileChain(node, f);
        var result = node switch
        {
            BoundLiteral l => Literal(l),
            BoundQuantityLiteral q => E.Constant(new CqlQuantity(q.Value, q.Unit), typeof(CqlQuantity)),
            BoundCall c => Call(c, f),
            BoundConversion c => Conversion(c, f),
            BoundTypeOperator t => TypeOperator(t, f),
            BoundDefineReference d => Coerce(E.Call(f.Ctx, typeof(EvaluationContext).GetMethod(nameof(EvaluationContext.GetDefine))!, E.Constant(_slots.Define(d.Define))), Clr(d.Type)),
            BoundFunctionCall fc when MemoKey(fc, f) is { } key => Coerce(E.Call(f.Ctx, typeof(EvaluationContext).GetMethod(nameof(EvaluationContext.GetDefine))!, E.Constant(_slots.Memo(WithConstants(fc, f), key))), Clr(fc.Type)),
            BoundFunctionCall fc => FunctionCall(fc, f),
            BoundTableCall tc => E.Invoke(TableLambda(tc.Table), [f.Ctx, .. tc.Arguments.Select((a, i) => Coerce(Compile(a, f), Clr(tc.Table.Inputs[i].Type)))]),
            BoundParameterReference p => E.Constant(_parameterValue(p.Parameter), Clr(p.Type)),
            BoundLocal l when f.Constants.TryGetValue(l.Local, out var constant) => Compile(constant, f),
            BoundLocal l => f.Locals.TryGetValue(l.Local, out var local) ? local : throw new InvalidOperationException($"Local {l.Local.Name} is not in scope."),
            BoundDomainReference d => DomainReference(d, f),
            BoundVariableAccess v => VariableAccess(v, f),
            BoundMemberAccess m => Coerce(E.Call(typeof(Members).GetMethod(nameof(Members.Get))!, Box(Compile(m.Target, f)), E.Constant(m.Member)), Clr(m.Type)),
            BoundListMemberAccess lm => ListMemberAccess(lm, f),
            BoundCodeListReference c => E.Constant(new CodeListValue(c.CodeList.Name, c.CodeList.CodeSystem, c.CodeList.Codes), typeof(CodeListValue)),
            BoundVisitReference v => E.Constant(VisitValue(v.Visit), typeof(CqlTuple)),
            BoundIf i => E.Condition(IsTrue(Compile(i.Condition, f)), Coerce(Compile(i.Then, f), Clr(i.Type)), Coerce(Compile(i.Else, f), Clr(i.Type)), Clr(i.Type)),
            BoundCase c => Case(c, f),
            BoundList l => ListSelector(l, f),
            BoundTuple t => TupleSelector(t, f),
            BoundInterval iv => E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.Interval))!, Box(Compile(iv.Low, f)), E.Constant(iv.LowClosed), Box(Compile(iv.High, f)), E.Constant(iv.HighClosed)),
            BoundTypeExtent t => E.Constant(TypeExtent(t), Clr(t.Type)),
            BoundQuery q => Query(q, f),
            BoundError e => throw new InvalidOperationException($"A rule with errors cannot run (at {e.Syntax.Span})."),
            _ => throw new NotSupportedException($"The native backend does not compile {node.GetType().Name}."),
        };
        return Coerce(result, Clr(node.Type));
    }

    private static Type Clr(ProtocolType type) => RuntimeTypes.ClrType(type);

    // ---------------------------------------------------------------- long chains

    /// <summary>Chains at least this long are compiled as a sequence of steps rather than as one nested expression.</summary>
    private const int ChainThreshold = 64;

    /// <summary>
    /// The operand a node evaluates first, always and exactly once, as a plain value: the first argument of a call
    /// (except the calls whose first argument is compiled in a special way) or the operand of a conversion.
    /// <c>a or b or c ...</c> and <c>x + y + z ...</c> are chains along these operands.
    /// </summary>
    private static BoundExpression? FirstOperand(BoundExpression node) => node switch
    {
        BoundCall { Arguments.Length: > 0, Overload.Key: not ("Upper(String)" or "Exists(List<T>)" or "First(List<T>)") } c => c.Arguments[0],
        BoundConversion c => c.Operand,
        _ => null,
    };

    private static bool IsLongChain(BoundExpression node)
    {
        int length = 0;
        for (var n = FirstOperand(node); n is not null && length < ChainThreshold; n = FirstOperand(n)) length++;
        return length >= ChainThreshold;
    }

    /// <summary>
    /// Compiles a long chain from its innermost operand outwards, each step computed into a variable that the next
    /// step reads: <c>t = a; t = t or b; t = t or c; ...</c>. The result evaluates the same operands in the same order
    /// (the first operand of each step is always evaluated first), but its expression tree is flat, so neither this
    /// compiler nor Expression.Compile recurses along the chain's length.
    /// </summary>
    private LE.Expression CompileChain(BoundExpression top, Frame f)
    {
        var spine = new List<BoundExpression>();
        for (BoundExpression? n = top; n is not null; n = FirstOperand(n)) spine.Add(n);
        var temps = new Dictionary<Type, LE.ParameterExpression>();
        var steps = new List<LE.Expression>();
        for (int i = spine.Count - 1; i >= 1; i--)
        {
            var compiled = Compile(spine[i], f, chains: false);
            if (i + 1 < spine.Count) f.Precompiled.Remove(spine[i + 1]);
            if (!temps.TryGetValue(compiled.Type, out var temp)) temps[compiled.Type] = temp = E.Variable(compiled.Type, "step");
            steps.Add(E.Assign(temp, compiled));
            // Read only by the node above, which is compiled next; then forgotten, so the variable can be reused.
            f.Precompiled[spine[i]] = temp;
        }
        var result = Compile(top, f, chains: false);
        f.Precompiled.Remove(spine[1]);
        steps.Add(result);
        return E.Block(result.Type, temps.Values, steps);
    }

    // ---------------------------------------------------------------- coercion

    internal static LE.Expression Box(LE.Expression e) =>
        e.Type == typeof(object) ? e
        : Nullable.GetUnderlyingType(e.Type) is { } underlying ? E.Call(BoxNullableMethod.MakeGenericMethod(underlying), e)
        : E.Convert(e, typeof(object));

    private static readonly MethodInfo BoxNullableMethod = typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.BoxNullable))!;
    private static readonly MethodInfo NotingZero = typeof(CheckedDivision).GetMethod(nameof(CheckedDivision.NotingZero))!;

    internal static LE.Expression Coerce(LE.Expression e, Type target)
    {
        if (e.Type == target) return e;
        if (target == typeof(object)) return Box(e);
        if (e.Type == typeof(object))
        {
            if (Nullable.GetUnderlyingType(target) is { } underlying)
                return E.Call(typeof(RuntimeTypes).GetMethod(nameof(RuntimeTypes.UnboxValue))!.MakeGenericMethod(underlying), e);
            return E.TypeAs(e, target);
        }
        if (target.IsAssignableFrom(e.Type)) return E.Convert(e, target);
        if (Nullable.GetUnderlyingType(target) == e.Type) return E.Convert(e, target);
        throw new InvalidOperationException($"Cannot carry a {e.Type.Name} where a {target.Name} is expected.");
    }

    private static LE.Expression IsTrue(LE.Expression condition) =>
        condition.Type == typeof(bool?) ? E.Equal(condition, E.Constant(true, typeof(bool?))) : E.Equal(Coerce(condition, typeof(bool?)), E.Constant(true, typeof(bool?)));

    // ---------------------------------------------------------------- literals and constants

    private static LE.Expression Literal(BoundLiteral l)
    {
        var type = Clr(l.Type);
        if (l.Value is null) return E.Constant(null, type);
        object value = l.Type switch
        {
            _ when l.Type == ProtocolType.Date => CqlDate.TryParseIso((string)l.Value, out var d) ? d! : throw new InvalidOperationException($"Bad date literal {l.Value}."),
            _ when l.Type == ProtocolType.DateTime => ParseDateTimeLiteral((string)l.Value),
            _ when l.Type == ProtocolType.Time => CqlTime.TryParseIso((string)l.Value, out var t) ? t! : throw new InvalidOperationException($"Bad time literal {l.Value}."),
            _ when l.Type == ProtocolType.Decimal => System.Convert.ToDecimal(l.Value, CultureInfo.InvariantCulture),
            _ when l.Type == ProtocolType.Long => System.Convert.ToInt64(l.Value, CultureInfo.InvariantCulture),
            _ when l.Type == ProtocolType.Integer => System.Convert.ToInt32(l.Value, CultureInfo.InvariantCulture),
            _ => l.Value,
        };
        return E.Constant(value, type);
    }

    private static CqlDateTime ParseDateTimeLiteral(string text)
    {
        // @2014-01-01T is a DateTime of day precision: the trailing T only says "a DateTime, not a Date".
        var trimmed = text.EndsWith('T') ? text[..^1] : text;
        return CqlDateTime.TryParseIso(trimmed, out var dt) ? dt! : throw new InvalidOperationException($"Bad date-time literal {text}.");
    }

    private static object? TypeExtent(BoundTypeExtent t)
    {
        var type = t.Type;
        if (type == ProtocolType.Integer) return t.IsMaximum ? int.MaxValue : int.MinValue;
        if (type == ProtocolType.Long) return t.IsMaximum ? long.MaxValue : long.MinValue;
        if (type == ProtocolType.Decimal) return t.IsMaximum ? Points.MaxDecimal : Points.MinDecimal;
        if (type == ProtocolType.Quantity) return new CqlQuantity(t.IsMaximum ? Points.MaxDecimal : Points.MinDecimal, "1");
        if (type == ProtocolType.Date) return Points.MaxValueLike(new CqlDate(1, 1, 1, DateTimePrecision.Day)) is var max && t.IsMaximum ? max : Points.MinValueLike(new CqlDate(1, 1, 1, DateTimePrecision.Day));
        if (type == ProtocolType.DateTime) return t.IsMaximum ? Points.MaxValueLike(new CqlDateTime(1, 1, 1, 0, 0, 0, 0, DateTimePrecision.Millisecond, null)) : Points.MinValueLike(new CqlDateTime(1, 1, 1, 0, 0, 0, 0, DateTimePrecision.Millisecond, null));
        if (type == ProtocolType.Time) return t.IsMaximum ? Points.MaxValueLike(new CqlTime(0, 0, 0, 0, DateTimePrecision.Millisecond)) : Points.MinValueLike(new CqlTime(0, 0, 0, 0, DateTimePrecision.Millisecond));
        if (type == ProtocolType.String) throw new CqlRuntimeException("String has no minimum or maximum value.");
        return null;
    }

    private static CqlTuple VisitValue(VisitSymbol v) => new(
        ["name", "label", "number", "day", "window"],
        [v.Name, v.Syntax.Label?.Value ?? v.Name, v.Number, v.Day, new CqlInterval(v.WindowStart, true, v.WindowEnd, true)]);

    // ---------------------------------------------------------------- calls

    private LE.Expression Call(BoundCall c, Frame f)
    {
        if (c.Overload.Key is "First(List<T>)" or "Last(List<T>)" && !_lookupFallbacks.Contains(c) && LookupOf(c, f.Constants) is { } lookup)
        {
            // The lookup answers for a batch of subjects at once; the compiled query runs when it cannot (ColumnLookup.Fallback).
            _lookupFallbacks.Add(c);
            var query = Box(Call(c, f));
            _lookupFallbacks.Remove(c);
            var row = E.Variable(typeof(int), "lookupRow");
            return Coerce(E.Block(typeof(object), [row],
                E.Assign(row, E.Call(E.Constant(lookup), typeof(ColumnLookup).GetMethod(nameof(ColumnLookup.Row))!, f.Ctx)),
                E.Condition(E.Equal(row, E.Constant(ColumnLookup.Fallback)), query,
                    E.Call(E.Constant(lookup), typeof(ColumnLookup).GetMethod(nameof(ColumnLookup.Record))!, f.Ctx, row))), Clr(c.Type));
        }
        switch (c.Overload.Key)
        {
            case "And(Boolean,Boolean)":
                return ShortCircuit(c, f, isAnd: true);
            case "Or(Boolean,Boolean)":
                return ShortCircuit(c, f, isAnd: false);
            case var key when key.StartsWith("Coalesce(T,", StringComparison.Ordinal):
                return LazyCoalesce(c, f);
            case "In(T,Interval<T>,String)" when NumericRange(c) is { } range:
                return E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.InRange))!,
                    c.Arguments[0].Type == ProtocolType.Integer
                        ? E.Convert(Coerce(Compile(c.Arguments[0], f), typeof(int?)), typeof(decimal?))
                        : Coerce(Compile(c.Arguments[0], f), typeof(decimal?)),
                    E.Constant(range.Low), E.Constant(range.LowClosed), E.Constant(range.High), E.Constant(range.HighClosed));
            case "Upper(String)":
                return UpperOf(c.Arguments[0], f);
            case "Exists(List<T>)" when Fusable(c.Arguments[0]):
                return Query((BoundQuery)c.Arguments[0], f, QueryMode.Exists);
            case "First(List<T>)" when Fusable(c.Arguments[0]):
                return Coerce(Query((BoundQuery)c.Arguments[0], f, QueryMode.First), Clr(c.Type));
            case "Exists(List<T>)":
                return E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.Exists))!, f.Ctx, Coerce(Compile(c.Arguments[0], f), typeof(IReadOnlyList<object?>)));
            case "Count(List<T>)":
                return Coerce(E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.Count))!, f.Ctx, Coerce(Compile(c.Arguments[0], f), typeof(IReadOnlyList<object?>))), Clr(c.Type));
        }
        var implementation = BuiltinTable.Find(c.Overload.Key)
            ?? throw new InvalidOperationException($"No runtime implementation for builtin {c.Overload.Key}.");
        var method = implementation.Method;
        var parameters = method.GetParameters();
        var args = new List<LE.Expression>();
        int offset = 0;
        if (parameters.Length > 0 && parameters[0].ParameterType == typeof(EvaluationContext))
        {
            args.Add(f.Ctx);
            offset = 1;
        }
        for (int i = 0; i < c.Arguments.Length; i++)
            args.Add(Coerce(Compile(c.Arguments[i], f), parameters[i + offset].ParameterType));
        if (BuiltinTable.DividesByLastArgument(c.Overload.Key))
            args[^1] = E.Call(NotingZero.MakeGenericMethod(args[^1].Type), f.Ctx, args[^1]);
        LE.Expression call = method.IsStatic && implementation.Target is null
            ? E.Call(method, args)
            : E.Invoke(E.Constant(implementation), args);
        return Coerce(call, Clr(c.Type));
    }

    /// <summary>
    /// Coalesce that evaluates an argument only when every earlier one is null: the same value as the eager
    /// function (arguments have no effects), but the evidence names only what decided, and it costs less.
    /// </summary>
    private LE.Expression LazyCoalesce(BoundCall c, Frame f)
    {
        if (c.Arguments.Length > ChainThreshold)
        {
            // Many arguments: one after another (value = a; if (value != null) goto end; ...), not nested.
            var value = E.Variable(typeof(object), "coalesced");
            var end = E.Label("coalesceEnd");
            var steps = new List<LE.Expression>();
            foreach (var argument in c.Arguments)
            {
                steps.Add(E.Assign(value, Coerce(Compile(argument, f), typeof(object))));
                steps.Add(E.IfThen(E.NotEqual(value, E.Constant(null)), E.Goto(end)));
            }
            steps.Add(E.Label(end));
            steps.Add(value);
            return Coerce(E.Block(typeof(object), [value], steps), Clr(c.Type));
        }
        LE.Expression result = Coerce(Compile(c.Arguments[^1], f), typeof(object));
        for (int i = c.Arguments.Length - 2; i >= 0; i--)
            result = E.Coalesce(Coerce(Compile(c.Arguments[i], f), typeof(object)), result);
        return Coerce(result, Clr(c.Type));
    }

    /// <summary>
    /// Upper of a text variable reads the column's upper-cased dictionary; Upper of a Coalesce is the Coalesce of
    /// the Uppers (the same value, as Upper(null) is null), so <c>Upper(Coalesce(M.MHDECOD, M.MHTERM))</c> allocates nothing.
    /// </summary>
    private LE.Expression UpperOf(BoundExpression argument, Frame f)
    {
        if (argument is BoundVariableAccess v && v.Variable.Type is not (VariableType.Num or VariableType.Integer or VariableType.DateTime))
            return E.Call(typeof(RecordAccess).GetMethod(nameof(RecordAccess.UpperString))!, f.Ctx, Coerce(Compile(v.Record, f), typeof(DomainRecord)),
                E.Constant(_slots.Column(v.Domain.Name, v.Variable.Name)), E.Constant(v.Variable.Name));
        if (argument is BoundCall { Overload.Key: var key } coalesce && key.StartsWith("Coalesce(T,", StringComparison.Ordinal) && coalesce.Arguments.All(a => a.Type == ProtocolType.String)
            && coalesce.Arguments.Length <= ChainThreshold)
        {
            LE.Expression result = UpperOf(coalesce.Arguments[^1], f);
            for (int i = coalesce.Arguments.Length - 2; i >= 0; i--) result = E.Coalesce(UpperOf(coalesce.Arguments[i], f), result);
            return result;
        }
        return E.Call(typeof(Strings).GetMethod(nameof(Strings.Upper))!, Coerce(Compile(argument, f), typeof(string)));
    }

    /// <summary>
    /// <c>x in Interval[10, 23]</c> with a number x and literal bounds compares x with the bounds directly instead of
    /// building and converting an interval for every record (the same value: null when x is null).
    /// </summary>
    internal static (decimal Low, bool LowClosed, decimal High, bool HighClosed)? NumericRange(BoundCall c)
    {
        if (c.Arguments[2] is not BoundLiteral { Value: null }) return null;
        if (c.Arguments[0].Type != ProtocolType.Decimal && c.Arguments[0].Type != ProtocolType.Integer) return null;
        var interval = c.Arguments[1] is BoundConversion conversion ? conversion.Operand : c.Arguments[1];
        if (interval is not BoundInterval { Low: BoundLiteral { Value: var low }, High: BoundLiteral { Value: var high } } bounds) return null;
        static decimal? Number(object? v) => v switch { int i => i, decimal d => d, _ => null };
        return Number(low) is decimal lo && Number(high) is decimal hi ? (lo, bounds.LowClosed, hi, bounds.HighClosed) : null;
    }

    /// <summary>Three-valued and/or that skips the right operand when the left decides.</summary>
    private LE.Expression ShortCircuit(BoundCall c, Frame f, bool isAnd)
    {
        var a = E.Variable(typeof(bool?), "a");
        var b = E.Variable(typeof(bool?), "b");
        var decisive = E.Constant(!isAnd, typeof(bool?));
        var decisiveValue = E.Constant(!isAnd, typeof(bool?));
        var otherwise = E.Constant(isAnd, typeof(bool?));
        var nullValue = E.Constant(null, typeof(bool?));
        var left = Coerce(Compile(c.Arguments[0], f), typeof(bool?));
        var right = Coerce(Compile(c.Arguments[1], f), typeof(bool?));
        return E.Block(typeof(bool?), [a, b],
            E.Assign(a, left),
            E.Condition(E.Equal(a, decisive), decisiveValue,
                E.Block(typeof(bool?),
                    E.Assign(b, right),
                    E.Condition(E.Equal(b, decisive), decisiveValue,
                        E.Condition(E.OrElse(E.Equal(a, nullValue), E.Equal(b, nullValue)), nullValue, otherwise, typeof(bool?)),
                        typeof(bool?))),
                typeof(bool?)));
    }

    // ---------------------------------------------------------------- conversions

    private LE.Expression Conversion(BoundConversion c, Frame f) => ApplyConversion(c.Conversion, Compile(c.Operand, f));

    private static LE.Expression ApplyConversion(Language.Types.Conversion conversion, LE.Expression operand)
    {
        var target = Clr(conversion.To);
        switch (conversion.Kind)
        {
            case ConversionKind.Identity:
            case ConversionKind.Widen:
                return Coerce(operand, target);
            case ConversionKind.Narrow:
                return E.Call(typeof(RuntimeTypes).GetMethod(nameof(RuntimeTypes.As))!, Box(operand), E.Constant(conversion.To, typeof(ProtocolType))) is var asCall
                    ? Coerce(asCall, target) : operand;
            case ConversionKind.IntegerToLong:
                return E.Convert(Coerce(operand, typeof(int?)), typeof(long?));
            case ConversionKind.IntegerToDecimal:
                return E.Convert(Coerce(operand, typeof(int?)), typeof(decimal?));
            case ConversionKind.LongToDecimal:
                return E.Convert(Coerce(operand, typeof(long?)), typeof(decimal?));
            case ConversionKind.IntegerToQuantity:
                return E.Call(typeof(Operators.Conversions).GetMethod(nameof(Operators.Conversions.ToQuantity), [typeof(int?)])!, Coerce(operand, typeof(int?)));
            case ConversionKind.DecimalToQuantity:
                return E.Call(typeof(Operators.Conversions).GetMethod(nameof(Operators.Conversions.ToQuantity), [typeof(decimal?)])!, Coerce(operand, typeof(decimal?)));
            case ConversionKind.DateToDateTime:
                return E.Call(typeof(Operators.Conversions).GetMethod(nameof(Operators.Conversions.ToDateTime), [typeof(CqlDate)])!, Coerce(operand, typeof(CqlDate)));
            case ConversionKind.CodeToConcept:
                return E.Call(typeof(Operators.Conversions).GetMethod(nameof(Operators.Conversions.ToConcept), [typeof(CqlCode)])!, Coerce(operand, typeof(CqlCode)));
            case ConversionKind.ListElements:
                return conversion.Element!.IsNoOp ? Coerce(operand, target)
                    : E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.MapList))!, Coerce(operand, typeof(IReadOnlyList<object?>)), ElementConverter(conversion.Element!));
            case ConversionKind.IntervalPoints:
                return conversion.Element!.IsNoOp ? Coerce(operand, target)
                    : E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.MapInterval))!, Coerce(operand, typeof(CqlInterval)), ElementConverter(conversion.Element!));
            default:
                throw new NotSupportedException($"Conversion {conversion.Kind}.");
        }
    }

    /// <summary>A delegate converting one boxed element (used for lists and interval bounds).</summary>
    private static LE.Expression ElementConverter(Language.Types.Conversion element)
    {
        var x = E.Parameter(typeof(object), "x");
        var body = Box(ApplyConversion(element, Coerce(x, Clr(element.From))));
        return E.Constant(E.Lambda<Func<object?, object?>>(body, x).Compile());
    }

    private LE.Expression TypeOperator(BoundTypeOperator t, Frame f) => t.Operator switch
    {
        Language.Syntax.TypeOperator.Is => E.Convert(E.Call(typeof(RuntimeTypes).GetMethod(nameof(RuntimeTypes.Is))!, Box(Compile(t.Operand, f)), E.Constant(t.TargetType, typeof(ProtocolType))), typeof(bool?)),
        Language.Syntax.TypeOperator.As => Coerce(E.Call(typeof(RuntimeTypes).GetMethod(nameof(RuntimeTypes.As))!, Box(Compile(t.Operand, f)), E.Constant(t.TargetType, typeof(ProtocolType))), Clr(t.Type)),
        _ => Coerce(E.Call(typeof(RuntimeTypes).GetMethod(nameof(RuntimeTypes.Cast))!, Box(Compile(t.Operand, f)), E.Constant(t.TargetType, typeof(ProtocolType))), Clr(t.Type)),
    };

    // ---------------------------------------------------------------- data

    private LE.Expression DomainReference(BoundDomainReference d, Frame f)
    {
        int slot = _slots.Domain(d.Domain.Name);
        if (d.Type is RecordType)
            return E.Call(f.Ctx, typeof(EvaluationContext).GetMethod(nameof(EvaluationContext.SingleRecord))!, E.Constant(slot));
        return E.Call(f.Ctx, typeof(EvaluationContext).GetMethod(nameof(EvaluationContext.SubjectRecords))!, E.Constant(slot));
    }

    private LE.Expression VariableAccess(BoundVariableAccess v, Frame f)
    {
        int slot = _slots.Column(v.Domain.Name, v.Variable.Name);
        var method = v.Variable.Type switch
        {
            VariableType.Num => nameof(RecordAccess.Decimal),
            VariableType.Integer => nameof(RecordAccess.Integer),
            VariableType.DateTime => nameof(RecordAccess.DateTime),
            _ => nameof(RecordAccess.String),
        };
        var record = Coerce(Compile(v.Record, f), typeof(DomainRecord));
        return E.Call(typeof(RecordAccess).GetMethod(method)!, f.Ctx, record, E.Constant(slot), E.Constant(v.Variable.Name));
    }

    private LE.Expression ListMemberAccess(BoundListMemberAccess lm, Frame f)
    {
        var list = E.Variable(typeof(IReadOnlyList<object?>), "list");
        var result = E.Variable(typeof(List<object?>), "result");
        var element = E.Variable(Clr(lm.Element.Type), lm.Element.Name);
        f.Locals[lm.Element] = element;
        var access = Box(Compile(lm.Access, f));
        f.Locals.Remove(lm.Element);
        return E.Block(typeof(IReadOnlyList<object?>), [list, result, element],
            E.Assign(list, E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.SourceElements))!, Box(Compile(lm.Target, f)))),
            E.Assign(result, E.New(typeof(List<object?>))),
            ForEach(list, item => E.Block(
                E.Assign(element, Coerce(item, element.Type)),
                E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.AddFlattened))!, result, access)), f),
            E.Convert(result, typeof(IReadOnlyList<object?>)));
    }

    // ---------------------------------------------------------------- selectors

    /// <summary>
    /// The branches one after another (<c>if (when) { result = then; goto end; } ... result = else; end:</c>) rather
    /// than nested conditionals, so a case of any number of branches compiles without recursing along them.
    /// </summary>
    private LE.Expression Case(BoundCase c, Frame f)
    {
        var type = Clr(c.Type);
        var result = E.Variable(type, "caseResult");
        var end = E.Label("caseEnd");
        var comparand = E.Variable(typeof(object), "comparand");
        var steps = new List<LE.Expression>();
        if (c.Comparand is not null) steps.Add(E.Assign(comparand, Box(Compile(c.Comparand, f))));
        foreach (var item in c.Items)
        {
            var matches = c.Comparand is null
                ? IsTrue(Compile(item.When, f))
                : E.Equal(E.Call(typeof(Cql).GetMethod(nameof(Cql.Equal))!, comparand, Box(Compile(item.When, f))), E.Constant(true, typeof(bool?)));
            steps.Add(E.IfThen(matches, E.Block(E.Assign(result, Coerce(Compile(item.Then, f), type)), E.Goto(end))));
        }
        steps.Add(E.Assign(result, Coerce(Compile(c.Else, f), type)));
        steps.Add(E.Label(end));
        steps.Add(result);
        return c.Comparand is null ? E.Block(type, [result], steps) : E.Block(type, [result, comparand], steps);
    }

    private LE.Expression ListSelector(BoundList l, Frame f) =>
        E.Convert(E.NewArrayInit(typeof(object), l.Elements.Select(e => Box(Compile(e, f)))), typeof(IReadOnlyList<object?>));

    private LE.Expression TupleSelector(BoundTuple t, Frame f)
    {
        LE.Expression Value(string name, Type type)
        {
            var element = t.Elements.FirstOrDefault(e => e.Name == name);
            return element.Value is null ? E.Constant(null, type) : Coerce(Compile(element.Value, f), type);
        }
        if (t.Type == ProtocolType.Code)
            return E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.Code))!, Value("code", typeof(string)), Value("system", typeof(string)), Value("version", typeof(string)), Value("display", typeof(string)));
        if (t.Type == ProtocolType.Concept)
            return E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.Concept))!, Value("codes", typeof(IReadOnlyList<object?>)), Value("display", typeof(string)));
        if (t.Type == ProtocolType.Quantity)
            return E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.Quantity))!, Value("value", typeof(decimal?)), Value("unit", typeof(string)));
        if (t.Type == ProtocolType.Ratio)
            return E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.Ratio))!, Value("numerator", typeof(CqlQuantity)), Value("denominator", typeof(CqlQuantity)));
        return E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.Tuple))!,
            E.Constant(t.Elements.Select(e => e.Name).ToArray()),
            E.NewArrayInit(typeof(object), t.Elements.Select(e => Box(Compile(e.Value, f)))));
    }

    // ---------------------------------------------------------------- loops and queries

    /// <summary>for (i = 0; i &lt; list.Count; i++) { ctx.Step(); body(list[i]) }.</summary>
    private static LE.Expression ForEach(LE.Expression list, Func<LE.Expression, LE.Expression> body, Frame f, LE.LabelTarget? continueLabel = null)
    {
        var i = E.Variable(typeof(int), "i");
        var count = E.Variable(typeof(int), "count");
        var item = E.Variable(typeof(object), "item");
        var breakLabel = E.Label("break");
        var next = continueLabel ?? E.Label("next");
        var indexer = typeof(IReadOnlyList<object?>).GetProperty("Item")!;
        var countProperty = typeof(IReadOnlyCollection<object?>).GetProperty("Count")!;
        return E.Block([i, count, item],
            E.Assign(i, E.Constant(0)),
            E.Assign(count, E.Property(list, countProperty)),
            E.Loop(
                E.Block(
                    E.IfThen(E.GreaterThanOrEqual(i, count), E.Break(breakLabel)),
                    E.Assign(item, E.Property(list, indexer, i)),
                    E.Assign(i, E.Increment(i)),
                    E.Call(f.Ctx, typeof(EvaluationContext).GetMethod(nameof(EvaluationContext.Step))!),
                    body(item),
                    E.Label(next)),
                breakLabel));
    }

    /// <summary>What a query's value is used for: its elements, or only its first element or whether it has one (then the loops stop early and no list is built).</summary>
    private enum QueryMode { Collect, First, Exists }

    /// <summary>A query that First or exists can consume as it runs: no sorting, distinct, aggregate, return clause or singular source.</summary>
    private static bool Fusable(BoundExpression argument) =>
        argument is BoundQuery { Aggregate: null, Return: null, ReturnDistinct: false, SingularSource: false } q && q.Sort.IsEmpty;

    private LE.Expression Query(BoundQuery q, Frame f, QueryMode mode = QueryMode.Collect)
    {
        var resultType = mode switch { QueryMode.First => typeof(object), QueryMode.Exists => typeof(bool?), _ => Clr(q.Type) };
        var elements = E.Variable(typeof(QueryResultList), "elements");
        var uncertain = E.Variable(typeof(bool), "uncertain");
        var found = E.Variable(typeof(object), "found");
        var done = E.Label("done");
        LE.Expression uncertainFlag = mode == QueryMode.Collect ? E.Property(elements, nameof(QueryResultList.Uncertain)) : uncertain;
        var aliasVars = q.Sources.Select(s => E.Variable(Clr(s.Alias.Type), s.Alias.Name)).ToList();
        for (int k = 0; k < q.Sources.Length; k++) f.Locals[q.Sources[k].Alias] = aliasVars[k];
        var letVars = q.Lets.Select(l => E.Variable(Clr(l.Local.Type), l.Local.Name)).ToList();
        for (int k = 0; k < q.Lets.Length; k++) f.Locals[q.Lets[k].Local] = letVars[k];

        var variables = new List<LE.ParameterExpression> { elements, uncertain, found };
        variables.AddRange(aliasVars);
        variables.AddRange(letVars);
        var hoisted = Hoist(q, f);
        foreach (var (has, value) in hoisted) variables.AddRange([has, value]);
        // Every variable is set at the start: a block's variables are not zeroed when it is entered, and the expression
        // compiler reuses the slot of an earlier block's variable, so the second of `exists A and exists B` would
        // otherwise start with the first's uncertainty.
        var body = new List<LE.Expression>
        {
            mode == QueryMode.Collect ? E.Assign(elements, E.New(typeof(QueryResultList))) : E.Assign(found, E.Constant(null)),
            E.Assign(uncertain, E.Constant(false)),
        };
        foreach (var (has, _) in hoisted) body.Add(E.Assign(has, E.Constant(false)));

        // The innermost loop body: lets, inclusions, where, then collect the element (or the return value).
        bool aggregating = q.Aggregate is not null;
        LE.Expression Inner()
        {
            var skip = E.Label("skip");
            var steps = new List<LE.Expression> { E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.BeginRow))!, f.Ctx) };
            for (int k = 0; k < q.Lets.Length; k++) steps.Add(E.Assign(letVars[k], Coerce(Compile(q.Lets[k].Value, f), letVars[k].Type)));
            foreach (var inclusion in q.Inclusions)
            {
                var found = Inclusion(inclusion, f);
                var pass = inclusion.IsWithout ? E.Not(found) : found;
                steps.Add(E.IfThen(E.Not(pass), E.Block(E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.DiscardRow))!, f.Ctx), E.Goto(skip))));
            }
            if (q.Where is not null)
            {
                // A record whose filter is null (not false) is dropped as CQL says, and the result remembers it may be short.
                var condition = E.Variable(typeof(bool?), "condition");
                steps.Add(E.Block([condition],
                    E.Assign(condition, Coerce(Compile(q.Where, f), typeof(bool?))),
                    E.IfThen(E.Not(E.Equal(condition, E.Constant(true, typeof(bool?)))),
                        E.Block(
                            // The evidence keeps an undecidable record (it is why the result may be Unknown) and drops a rejected one.
                            E.IfThenElse(E.Equal(condition, E.Constant(null, typeof(bool?))),
                                E.Block(
                                    E.Assign(uncertainFlag, E.Constant(true)),
                                    E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.CommitRow))!, f.Ctx)),
                                E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.DiscardRow))!, f.Ctx)),
                            E.Goto(skip)))));
            }
            steps.Add(E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.CommitRow))!, f.Ctx));
            LE.Expression element = aggregating
                ? ElementOfSources(q, aliasVars)
                : q.Return is not null ? Box(Compile(q.Return, f)) : ElementOfSources(q, aliasVars);
            if (mode == QueryMode.Collect)
                steps.Add(E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.AddChecked))!, f.Ctx, elements, element));
            else if (mode == QueryMode.First)
                steps.Add(E.Block(E.Assign(found, element), E.Goto(done)));
            else // exists looks for a non-null element
                steps.Add(E.Block(E.Assign(found, element), E.IfThen(E.NotEqual(found, E.Constant(null)), E.Goto(done))));
            steps.Add(E.Label(skip));
            return E.Block(steps);
        }

        // Nested loops over the sources, innermost last.
        LE.Expression Loops(int k)
        {
            if (k == q.Sources.Length) return Inner();
            var source = q.Sources[k];
            var list = E.Variable(typeof(IReadOnlyList<object?>), "source" + k);
            var prefilter = q.Sources.Length == 1 && q.Lets.IsEmpty && q.Inclusions.IsEmpty ? TextKey(q.Where, source.Alias) : null;
            var loop = prefilter is var (column, key, keys, conjunct)
                ? PrefilteredForEach(list, column, key, keys, conjunct, item => E.Block(E.Assign(aliasVars[k], Coerce(item, aliasVars[k].Type)), Loops(k + 1)), f)
                : ForEach(list, item => E.Block(E.Assign(aliasVars[k], Coerce(item, aliasVars[k].Type)), Loops(k + 1)), f);
            var compiledSource = Compile(source.Source, f);
            var steps = new List<LE.Expression>
            {
                // A domain's records are a list already (never null): no need to ask what the source is for every subject.
                E.Assign(list, source.Source is BoundDomainReference && typeof(IReadOnlyList<object?>).IsAssignableFrom(compiledSource.Type)
                    ? Coerce(compiledSource, typeof(IReadOnlyList<object?>))
                    : E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.SourceElements))!, Box(compiledSource))),
            };
            if (source.Source is BoundDomainReference domain)
                steps.Add(E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.Searched))!, f.Ctx, E.Constant(domain.Domain.Name),
                    E.Property(list, typeof(IReadOnlyCollection<object?>).GetProperty("Count")!)));
            steps.Add(mode == QueryMode.Collect
                ? E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.NoteSource))!, elements, list)
                : E.IfThen(E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.IsUncertain))!, list), E.Assign(uncertain, E.Constant(true))));
            steps.Add(loop);
            return E.Block([list], steps);
        }
        body.Add(Loops(0));
        if (mode != QueryMode.Collect)
        {
            body.Add(E.Label(done));
            body.Add(mode == QueryMode.First
                ? found
                : E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.ExistsOutcome))!, f.Ctx, E.NotEqual(found, E.Constant(null)), uncertain));
            foreach (var s in q.Sources) f.Locals.Remove(s.Alias);
            foreach (var l in q.Lets) f.Locals.Remove(l.Local);
            Unhoist(q, f);
            return E.Block(resultType, variables, body);
        }

        LE.Expression result = E.Convert(elements, typeof(IReadOnlyList<object?>));
        if (aggregating)
        {
            result = Aggregate(q, f, result, aliasVars, letVars);
        }
        else
        {
            if (q.ReturnDistinct) result = E.Call(typeof(Lists).GetMethod(nameof(Lists.Distinct))!, result);
            foreach (var item in q.Sort.Reverse()) result = Sort(q, item, result, f);
            if (q.SingularSource) result = E.Call(typeof(Lists).GetMethod(nameof(Lists.First))!, result);
        }
        body.Add(Coerce(result, resultType));

        foreach (var s in q.Sources) f.Locals.Remove(s.Alias);
        foreach (var l in q.Lets) f.Locals.Remove(l.Local);
        Unhoist(q, f);
        return E.Block(resultType, variables, body);
    }

    /// <summary>
    /// Finds the parts of a query's filter that do not depend on its records (<c>Interval[ScreeningDate - period,
    /// ScreeningDate]</c> inside <c>MH M where ...</c>) so they are computed once per query instead of once per
    /// record. They are computed lazily, at first use, so a part the filter never reaches is never computed.
    /// </summary>
    private List<(LE.ParameterExpression Has, LE.ParameterExpression Value)> Hoist(BoundQuery q, Frame f)
    {
        var result = new List<(LE.ParameterExpression, LE.ParameterExpression)>();
        if (q.Where is null) return result;
        var variant = new HashSet<LocalSymbol>(q.Sources.Select(s => s.Alias).Concat(q.Lets.Select(l => l.Local)));
        var varies = VariesWith(q.Where, variant);
        var found = new List<BoundExpression>();
        // Top-down in the filter's order, with an explicit stack (a filter may be a chain of any length).
        var pending = new Stack<BoundExpression>();
        pending.Push(q.Where);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (f.Hoisted.ContainsKey(node)) continue;
            if (!varies.Contains(node))
            {
                if (WorthHoisting(node)) found.Add(node);
                continue;
            }
            // Only into nodes that bind no names of their own: a nested query's filter depends on its own records.
            if (node is BoundCall or BoundConversion or BoundIf or BoundInterval or BoundFunctionCall or BoundMemberAccess)
                foreach (var child in BoundTreeWalker.Children(node).Reverse()) pending.Push(child);
        }
        foreach (var node in found)
        {
            var has = E.Variable(typeof(bool), "hoisted");
            var value = E.Variable(Clr(node.Type), "hoistedValue");
            f.Hoisted[node] = (has, value);
            result.Add((has, value));
        }
        _hoistedByQuery[q] = found;
        return result;
    }

    /// <summary>The nodes of a tree that read one of <paramref name="variant"/>'s locals, found in one pass from the leaves up.</summary>
    private static HashSet<BoundExpression> VariesWith(BoundExpression root, HashSet<LocalSymbol> variant)
    {
        var varies = new HashSet<BoundExpression>(ReferenceEqualityComparer.Instance);
        var done = new HashSet<BoundExpression>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(BoundExpression Node, bool Expanded)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            if (!expanded)
            {
                if (done.Contains(node)) continue;
                stack.Push((node, true));
                foreach (var child in BoundTreeWalker.Children(node)) stack.Push((child, false));
                continue;
            }
            if (!done.Add(node)) continue;
            if (node is BoundLocal l && variant.Contains(l.Local) || BoundTreeWalker.Children(node).Any(varies.Contains)) varies.Add(node);
        }
        return varies;
    }

    private void Unhoist(BoundQuery q, Frame f)
    {
        if (_hoistedByQuery.Remove(q, out var nodes))
            foreach (var node in nodes) f.Hoisted.Remove(node);
    }

    private static bool WorthHoisting(BoundExpression node) => node switch
    {
        BoundLiteral or BoundQuantityLiteral or BoundLocal or BoundParameterReference or BoundCodeListReference or BoundDefineReference or BoundVisitReference or BoundTypeExtent => false,
        BoundConversion c => WorthHoisting(c.Operand),
        _ => true,
    };

    /// <summary>
    /// A conjunct <c>Alias.VAR = key</c> or <c>Alias.VAR in {'A', 'B'}</c> of a filter, with VAR a text variable and
    /// the key a literal or a value fixed before the loop (a function parameter): the query can skip rows whose VAR
    /// holds another value. Keys is one expression for =, the literals for in.
    /// </summary>
    /// <summary>
    /// A column lookup for <c>First</c> or <c>Last</c> of a query over one domain whose filter holds a constant text key
    /// (<c>L.LBTESTCD = 'ALT'</c>, or a parameter of a memoised call known to be a literal) and otherwise reads only the
    /// record: no other record, definition, function, query or clock (see <see cref="ColumnLookup"/>). Null when the
    /// query is of any other shape.
    /// </summary>
    /// <summary>
    /// The column lookup of <c>First</c>/<c>Last</c> of a query with a constant text key, or null: one per query and key,
    /// shared by every place that compiles it (a rule, a memoised call's body, a batch criterion), so they share its batches.
    /// </summary>
    internal ColumnLookup? LookupOf(BoundCall c, IReadOnlyDictionary<LocalSymbol, BoundLiteral> constants)
    {
        if (c.Arguments[0] is not BoundQuery { Sources.Length: 1, Lets.IsEmpty: true, Inclusions.IsEmpty: true, Aggregate: null, Return: null, ReturnDistinct: false, SingularSource: false } q
            || q.Sources[0].Source is not BoundDomainReference { Type: not RecordType } domain)
            return null;
        var alias = q.Sources[0].Alias;
        if (TextKey(q.Where, alias) is not { } textKey || textKey.Keys is not null || textKey.Column.Domain.Name != domain.Domain.Name) return null;
        var (column, keyExpression, _, conjunct) = textKey;
        var key = keyExpression switch
        {
            BoundLiteral { Value: string text } => text,
            BoundLocal l when constants.TryGetValue(l.Local, out var constant) && constant.Value is string text => text,
            _ => null,
        };
        if (key is null) return null;
        if (_lookups.TryGetValue(c, out var byKey) && byKey.TryGetValue(key, out var known)) return known;
        BoundExpression? rest;
        if (ReferenceEquals(q.Where, conjunct)) rest = null;
        else if (q.Where is BoundCall { Overload.Key: "And(Boolean,Boolean)" } and && ReferenceEquals(and.Arguments[0], conjunct)) rest = and.Arguments[1];
        else if (q.Where is BoundCall { Overload.Key: "And(Boolean,Boolean)" } and2 && ReferenceEquals(and2.Arguments[1], conjunct)) rest = and2.Arguments[0];
        else return null;
        if (rest is not null && !ReadsOnlyTheRecord(rest, alias)) return null;
        // Sorting one record (or none) never reads its key; with more the lookup falls back, so the key may be anything
        // that reads only the element.
        foreach (var item in q.Sort)
            if (item.Key is not null && !BoundTreeWalker.DescendantsAndSelf(item.Key).OfType<BoundLocal>().All(l => l.Local == alias || l.Local == item.Element))
                return null;
        var pick = !q.Sort.IsEmpty ? ColumnLookup.Pick.Only : c.Overload.Key == "First(List<T>)" ? ColumnLookup.Pick.First : ColumnLookup.Pick.Last;
        var filter = rest is null ? null : CompileBooleanForRecord(rest, alias);
        var comparison = rest is null ? null : NumberComparison(rest, alias);
        var lookup = new ColumnLookup(LookupCount++, _slots.Kept(), _slots.Domain(domain.Domain.Name), column.Variable.Name, key, filter, pick)
        {
            Comparison = comparison,
            // What the compiled query reads, to record the same evidence when the lookup answers with evidence on.
            Reads = column.Variable.Type is not (VariableType.Num or VariableType.Integer or VariableType.DateTime) && (rest is null || comparison is not null)
                ? new ColumnLookup.QueryReads(domain.Domain.Name, _slots.Column(domain.Domain.Name, column.Variable.Name),
                    comparison is null ? -1 : _slots.Column(domain.Domain.Name, comparison.Variable), KeyFirst: rest is null || !ReferenceEquals(q.Where is BoundCall { Arguments: [_, var second] } ? second : null, conjunct))
                : null,
        };
        Lookups.Add(lookup);
        if (!_lookups.TryGetValue(c, out byKey)) _lookups[c] = byKey = new Dictionary<string, ColumnLookup>(StringComparer.Ordinal);
        byKey[key] = lookup;
        return lookup;
    }

    /// <summary>
    /// A filter that compares a number variable of the record with a number literal (<c>L.VISITNUM = 1</c>): the lookup
    /// then compares the column's values with the literal through the same builtin, without running the compiled filter.
    /// </summary>
    private static ColumnLookup.NumberComparison? NumberComparison(BoundExpression rest, LocalSymbol alias)
    {
        if (rest is not BoundCall { Overload.Key: "Equal(Decimal,Decimal)" or "NotEqual(Decimal,Decimal)" or "Less(Decimal,Decimal)" or "LessOrEqual(Decimal,Decimal)" or "Greater(Decimal,Decimal)" or "GreaterOrEqual(Decimal,Decimal)" } call
            || BuiltinTable.Find(call.Overload.Key) is not Func<decimal?, decimal?, bool?> op)
            return null;
        static decimal? Literal(BoundExpression e) => e switch
        {
            BoundLiteral { Value: decimal d } => d,
            BoundConversion { Conversion.Kind: ConversionKind.IntegerToDecimal, Operand: BoundLiteral { Value: int i } } => i,
            _ => null,
        };
        static string? Variable(BoundExpression e, LocalSymbol alias) =>
            e is BoundVariableAccess { Record: BoundLocal l, Variable.Type: VariableType.Num } v && l.Local == alias ? v.Variable.Name : null;
        var kind = NumberKernel.KindOf(call.Overload.Key);
        if (Variable(call.Arguments[0], alias) is { } left && Literal(call.Arguments[1]) is { } right) return new ColumnLookup.NumberComparison(left, op, right, VariableFirst: true, kind);
        if (Literal(call.Arguments[0]) is { } first && Variable(call.Arguments[1], alias) is { } second) return new ColumnLookup.NumberComparison(second, op, first, VariableFirst: false, kind);
        return null;
    }

    /// <summary>True when an expression reads nothing but the record <paramref name="alias"/> and constants.</summary>
    private static bool ReadsOnlyTheRecord(BoundExpression node, LocalSymbol alias) =>
        BoundTreeWalker.DescendantsAndSelf(node).All(n => n switch
        {
            BoundLocal l => l.Local == alias,
            BoundQuery or BoundDefineReference or BoundFunctionCall or BoundTableCall or BoundDomainReference or BoundListMemberAccess => false,
            BoundCall call => !(call.Overload.ReadsTheScreeningDate || call.Overload.Key.StartsWith("Message(", StringComparison.Ordinal)),
            _ => true,
        });

    /// <summary>
    /// The conjunct of a filter <c>Alias.VAR = key and ...</c> (or <c>Alias.VAR in {...} and ...</c>) that lets a query
    /// over the alias's domain skip rows by VAR's dictionary code (<see cref="PrefilteredForEach"/>), or null; batch
    /// criteria read the same rows by the same choice.
    /// </summary>
    internal static (BoundVariableAccess Column, BoundExpression? Key, string[]? Keys, BoundExpression Conjunct)? TextKey(BoundExpression? where, LocalSymbol alias)
    {
        if (where is null) return null;
        // The conjuncts of a chain of `and`, left to right, with an explicit stack (the chain may be of any length).
        var pending = new Stack<BoundExpression>();
        pending.Push(where);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is BoundCall { Overload.Key: "And(Boolean,Boolean)" } and)
            {
                pending.Push(and.Arguments[1]);
                pending.Push(and.Arguments[0]);
                continue;
            }
            if (ConjunctTextKey(node, alias) is var (column, key, keys)) return (column, key, keys, node);
        }
        return null;
    }

    private static (BoundVariableAccess Column, BoundExpression? Key, string[]? Keys)? ConjunctTextKey(BoundExpression where, LocalSymbol alias)
    {
        if (where is not BoundCall call) return null;
        static bool IsAliasColumn(BoundExpression e, LocalSymbol alias, out BoundVariableAccess access)
        {
            access = null!;
            if (e is not BoundVariableAccess { Record: BoundLocal { Local: var record } } a || record != alias || a.Type != ProtocolType.String) return false;
            access = a;
            return true;
        }
        if (call.Overload.Key == "In(T,List<T>)" && IsAliasColumn(call.Arguments[0], alias, out var member)
            && call.Arguments[1] is BoundList list && list.Elements.All(e => e is BoundLiteral { Value: string }))
            return (member, null, [.. list.Elements.Select(e => (string)((BoundLiteral)e).Value!)]);
        if (call.Overload.Key != "Equal(String,String)") return null;
        foreach (var (a, b) in new[] { (call.Arguments[0], call.Arguments[1]), (call.Arguments[1], call.Arguments[0]) })
            if (IsAliasColumn(a, alias, out var access) && (b is BoundLiteral { Value: string } || b is BoundLocal local && local.Local != alias))
                return (access, b, null);
        return null;
    }

    /// <summary>
    /// The loop over a domain's records that visits only the rows the text key may accept: the rows holding the key's
    /// code, read from the table's per-subject code index, or (when the index cannot answer) every row, skipping by
    /// dictionary code the rows the key rejects. Either way the rows visited are the same, in the same order.
    /// </summary>
    private LE.Expression PrefilteredForEach(LE.ParameterExpression list, BoundVariableAccess column, BoundExpression? key, string[]? keys, BoundExpression conjunct, Func<LE.Expression, LE.Expression> body, Frame f)
    {
        var filter = new TextPrefilter(_slots.Column(column.Domain.Name, column.Variable.Name), _slots.Kept());
        bool single = key is not null;
        var codeType = single ? typeof(int) : typeof(int[]);
        var plan = E.Variable(typeof(TextPrefilter.ScanPlan), "plan");
        var textColumn = E.Variable(typeof(TextColumn), "textColumn");
        var code = E.Variable(codeType, "code");
        var index = E.Variable(typeof(SubjectCodeIndex), "index");
        var start = E.Variable(typeof(int), "start");
        var p = E.Variable(typeof(int), "p");
        var end = E.Variable(typeof(int), "end");
        var i = E.Variable(typeof(int), "i");
        var item = E.Variable(typeof(object), "item");
        var held = E.Variable(typeof(bool), "keyHeld");
        var breakLabel = E.Label("break");
        var indexer = typeof(IReadOnlyList<object?>).GetProperty("Item")!;
        var noIndex = E.Equal(index, E.Constant(null, typeof(SubjectCodeIndex)));
        // The rows the index gives hold the key; a scanned row holds it when its code is the key's (not missing).
        f.KeyHeld[conjunct] = held;
        var compiledBody = body(item);
        f.KeyHeld.Remove(conjunct);
        return E.Block([plan, textColumn, code, index, start, p, end, i, item, held],
            E.Assign(plan, single
                ? E.Call(E.Constant(filter), typeof(TextPrefilter).GetMethod(nameof(TextPrefilter.Plan))!, f.Ctx, Coerce(Compile(key!, f), typeof(string)), list)
                : E.Call(E.Constant(filter), typeof(TextPrefilter).GetMethod(nameof(TextPrefilter.PlanSet))!, f.Ctx, E.Constant(keys), list)),
            E.Assign(textColumn, E.Property(plan, nameof(TextPrefilter.ScanPlan.Column))),
            E.Assign(code, E.Property(plan, single ? nameof(TextPrefilter.ScanPlan.Code) : nameof(TextPrefilter.ScanPlan.Codes))),
            E.Assign(start, E.Property(plan, nameof(TextPrefilter.ScanPlan.Start))),
            E.Assign(index, E.Property(plan, nameof(TextPrefilter.ScanPlan.Index))),
            E.Assign(p, E.Property(plan, nameof(TextPrefilter.ScanPlan.From))),
            E.Assign(end, E.Property(plan, nameof(TextPrefilter.ScanPlan.To))),
            E.Loop(
                E.Block(
                    E.IfThen(E.GreaterThanOrEqual(p, end), E.Break(breakLabel)),
                    E.Assign(i, E.Condition(noIndex, p, E.Subtract(E.Call(index, typeof(SubjectCodeIndex).GetMethod(nameof(SubjectCodeIndex.RowAt))!, start, p), start))),
                    E.Assign(p, E.Increment(p)),
                    E.IfThen(
                        E.Not(E.AndAlso(noIndex, E.Call(typeof(TextPrefilter).GetMethod(single ? nameof(TextPrefilter.Rejects) : nameof(TextPrefilter.RejectsAll))!, textColumn, code, E.Add(start, i)))),
                        E.Block(
                            E.Assign(item, E.Property(list, indexer, i)),
                            E.Assign(held, E.OrElse(E.Not(noIndex),
                                E.Call(typeof(TextPrefilter).GetMethod(single ? nameof(TextPrefilter.Holds) : nameof(TextPrefilter.HoldsAny))!, textColumn, code, E.Add(start, i)))),
                            E.Call(f.Ctx, typeof(EvaluationContext).GetMethod(nameof(EvaluationContext.Step))!),
                            compiledBody))),
                breakLabel));
    }

    private static LE.Expression ElementOfSources(BoundQuery q, List<LE.ParameterExpression> aliases) =>
        q.Sources.Length == 1
            ? Box(aliases[0])
            : E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.Tuple))!,
                E.Constant(q.Sources.Select(s => s.Alias.Name).ToArray()), E.NewArrayInit(typeof(object), aliases.Select(Box)));

    /// <summary>True when some element of the inclusion's source satisfies its condition.</summary>
    private LE.Expression Inclusion(BoundQueryInclusion inclusion, Frame f)
    {
        var found = E.Variable(typeof(bool), "found");
        var alias = E.Variable(Clr(inclusion.Source.Alias.Type), inclusion.Source.Alias.Name);
        f.Locals[inclusion.Source.Alias] = alias;
        var condition = IsTrue(Compile(inclusion.Condition, f));
        f.Locals.Remove(inclusion.Source.Alias);
        var list = E.Variable(typeof(IReadOnlyList<object?>), "withSource");
        var done = E.Label("done");
        return E.Block(typeof(bool), [found, alias, list],
            E.Assign(found, E.Constant(false)),
            E.Assign(list, E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.SourceElements))!, Box(Compile(inclusion.Source.Source, f)))),
            ForEach(list, item => E.Block(
                E.Assign(alias, Coerce(item, alias.Type)),
                E.IfThen(E.AndAlso(E.Not(found), condition), E.Assign(found, E.Constant(true)))), f),
            found);
    }

    private LE.Expression Sort(BoundQuery q, BoundSortItem item, LE.Expression list, Frame f)
    {
        // The key is compiled once into its own delegate taking the context: a lambda nested in the rule would be
        // re-created (and re-bound) on every evaluation. A key that reads the enclosing query's other variables
        // (rare) stays nested.
        var sortLocals = new HashSet<LocalSymbol>();
        if (item.Element is not null) sortLocals.Add(item.Element);
        if (q.Return is null && q.Sources.Length == 1) sortLocals.Add(q.Sources[0].Alias);
        bool standalone = item.Key is null || BoundTreeWalker.DescendantsAndSelf(item.Key).OfType<BoundLocal>().All(l => sortLocals.Contains(l.Local));
        var element = E.Parameter(typeof(object), "element");
        var keyFrame = standalone ? new Frame(NewContext()) : new Frame(f.Ctx);
        if (!standalone) foreach (var (local, variable) in f.Locals) keyFrame.Locals[local] = variable;
        foreach (var (local, constant) in f.Constants) keyFrame.Constants[local] = constant;
        LE.Expression key;
        if (item.Key is null)
        {
            key = element;
        }
        else
        {
            var typedElement = E.Variable(Clr(item.Element!.Type), "sortElement");
            keyFrame.Locals[item.Element!] = typedElement;
            var assignments = new List<LE.Expression> { E.Assign(typedElement, Coerce(element, typedElement.Type)) };
            var extra = new List<LE.ParameterExpression> { typedElement };
            // Without a return clause, the alias is the element itself, so keys may name it (sort by L.LBDTC).
            if (q.Return is null && q.Sources.Length == 1)
            {
                var alias = E.Variable(Clr(q.Sources[0].Alias.Type), q.Sources[0].Alias.Name);
                keyFrame.Locals[q.Sources[0].Alias] = alias;
                extra.Add(alias);
                assignments.Add(E.Assign(alias, Coerce(element, alias.Type)));
            }
            assignments.Add(Box(Compile(item.Key, keyFrame)));
            key = E.Block(typeof(object), extra, assignments);
        }
        if (standalone)
        {
            var compiled = E.Lambda<Func<EvaluationContext, object?, object?>>(key, "sortKey", [keyFrame.Ctx, element]).Compile();
            return E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.SortBy))!, f.Ctx, list, E.Constant(compiled), E.Constant(item.Descending));
        }
        var selector = E.Lambda<Func<object?, object?>>(key, element);
        return E.Call(typeof(Lists).GetMethod(nameof(Lists.SortBy))!, list, selector, E.Constant(item.Descending));
    }

    private LE.Expression Aggregate(BoundQuery q, Frame f, LE.Expression collected, List<LE.ParameterExpression> aliases, List<LE.ParameterExpression> lets)
    {
        var aggregate = q.Aggregate!;
        var accumulator = E.Variable(Clr(aggregate.Accumulator.Type), aggregate.Accumulator.Name);
        f.Locals[aggregate.Accumulator] = accumulator;
        var list = E.Variable(typeof(IReadOnlyList<object?>), "collected");
        var steps = new List<LE.Expression>
        {
            E.Assign(list, aggregate.Distinct ? E.Call(typeof(Lists).GetMethod(nameof(Lists.Distinct))!, collected) : collected),
            E.Assign(accumulator, aggregate.Starting is null ? E.Constant(null, accumulator.Type) : Coerce(Compile(aggregate.Starting, f), accumulator.Type)),
        };
        steps.Add(ForEach(list, item =>
        {
            var bind = new List<LE.Expression>();
            if (q.Sources.Length == 1) bind.Add(E.Assign(aliases[0], Coerce(item, aliases[0].Type)));
            else
                for (int k = 0; k < q.Sources.Length; k++)
                    bind.Add(E.Assign(aliases[k], Coerce(E.Call(typeof(Members).GetMethod(nameof(Members.Get))!, item, E.Constant(q.Sources[k].Alias.Name)), aliases[k].Type)));
            for (int k = 0; k < q.Lets.Length; k++) bind.Add(E.Assign(lets[k], Coerce(Compile(q.Lets[k].Value, f), lets[k].Type)));
            bind.Add(E.Assign(accumulator, Coerce(Compile(aggregate.Value, f), accumulator.Type)));
            return E.Block(bind);
        }, f));
        steps.Add(accumulator);
        f.Locals.Remove(aggregate.Accumulator);
        return E.Block(accumulator.Type, [accumulator, list], steps);
    }

    // ---------------------------------------------------------------- functions and tables

    private LE.LambdaExpression FunctionLambda(FunctionSymbol function)
    {
        if (_functions.TryGetValue(function, out var lambda)) return lambda;
        var frame = new Frame(NewContext());
        var parameters = function.Parameters.Select(p => E.Parameter(Clr(p.Type), p.Name)).ToList();
        for (int i = 0; i < parameters.Count; i++) frame.Locals[function.Parameters[i]] = parameters[i];
        var body = Coerce(Compile(function.Body ?? throw new InvalidOperationException($"Function {function.Name} is not bound."), frame), Clr(function.ReturnType));
        // Each call counts as a step, so deep call chains are bounded like loops.
        var counted = E.Block(E.Call(frame.Ctx, typeof(EvaluationContext).GetMethod(nameof(EvaluationContext.Step))!), body);
        lambda = E.Lambda(counted, function.Name, [frame.Ctx, .. parameters]);
        _functions[function] = lambda;
        return lambda;
    }

    private LE.LambdaExpression TableLambda(TableSymbol table)
    {
        if (_tables.TryGetValue(table, out var lambda)) return lambda;
        var frame = new Frame(NewContext());
        var inputs = table.Inputs.Select(p => E.Parameter(Clr(p.Type), p.Name)).ToList();
        for (int i = 0; i < inputs.Count; i++) frame.Locals[table.Inputs[i]] = inputs[i];
        var resultType = Clr(table.CallType);
        var rowType = Clr(table.ResultType);
        LE.Expression body;
        if (table.HitPolicy == HitPolicy.First)
        {
            // Row after row: each either answers, says "unknown" (null) or lets the next row try. The rows follow one
            // another rather than nest, so a table of any length compiles without recursing along its rows.
            var answer = E.Variable(rowType, "answer");
            var c = E.Variable(typeof(bool?), "c");
            var done = E.Label("answered");
            var steps = new List<LE.Expression>();
            bool answered = false;
            foreach (var row in table.Rows)
            {
                var result = Coerce(Compile(row.Result, frame), rowType);
                if (row.IsOtherwise)
                {
                    steps.Add(E.Assign(answer, result));
                    answered = true;
                    break;
                }
                steps.Add(E.Assign(c, RowCondition(row, frame)));
                steps.Add(E.IfThen(E.Equal(c, E.Constant(true, typeof(bool?))), E.Block(E.Assign(answer, result), E.Goto(done))));
                steps.Add(E.IfThen(E.Equal(c, E.Constant(null, typeof(bool?))), E.Block(E.Assign(answer, E.Constant(null, rowType)), E.Goto(done))));
            }
            if (!answered) steps.Add(E.Assign(answer, E.Constant(null, rowType)));
            steps.Add(E.Label(done));
            steps.Add(answer);
            body = E.Block(rowType, [answer, c], steps);
        }
        else
        {
            var matches = E.Variable(typeof(List<object?>), "matches");
            var unknown = E.Variable(typeof(bool), "unknown");
            var steps = new List<LE.Expression> { E.Assign(matches, E.New(typeof(List<object?>))), E.Assign(unknown, E.Constant(false)) };
            LE.Expression otherwise = E.Constant(null, typeof(object));
            bool hasOtherwise = false;
            foreach (var row in table.Rows)
            {
                if (row.IsOtherwise)
                {
                    otherwise = Box(Compile(row.Result, frame));
                    hasOtherwise = true;
                    continue;
                }
                var c = E.Variable(typeof(bool?), "c");
                steps.Add(E.Block([c],
                    E.Assign(c, RowCondition(row, frame)),
                    E.IfThenElse(E.Equal(c, E.Constant(true, typeof(bool?))),
                        E.Call(matches, typeof(List<object?>).GetMethod("Add")!, Box(Compile(row.Result, frame))),
                        E.IfThen(E.Equal(c, E.Constant(null, typeof(bool?))), E.Assign(unknown, E.Constant(true))))));
            }
            steps.Add(Coerce(E.Call(typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.ResolveTable))!,
                E.Constant(table.HitPolicy), matches, unknown, otherwise, E.Constant(hasOtherwise), E.Constant(table.Name)), resultType));
            body = E.Block(resultType, [matches, unknown], steps);
        }
        lambda = E.Lambda(Coerce(body, resultType), table.Name, [frame.Ctx, .. inputs]);
        _tables[table] = lambda;
        return lambda;
    }

    /// <summary>The three-valued conjunction of a row's condition cells (true when all cells are "-").</summary>
    private LE.Expression RowCondition(BoundTableRow row, Frame frame)
    {
        LE.Expression? condition = null;
        foreach (var cell in row.Conditions)
        {
            if (cell is null) continue;
            var compiled = Coerce(Compile(cell, frame), typeof(bool?));
            condition = condition is null ? compiled : E.Call(typeof(Logic).GetMethod(nameof(Logic.And))!, condition, compiled);
        }
        return condition ?? E.Constant(true, typeof(bool?));
    }
}
