using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Types;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// A criterion evaluated for a batch of up to 256 subjects at once, node by node over arrays (one loop per operator
/// and batch instead of one compiled delegate per subject): comparisons, three-valued and/or/not, the builtin
/// operators of numbers, text and Booleans, literals, a one-per-subject domain's variables (<c>DM.AGE</c>) and
/// the variables of a column lookup's record (<c>Lab('HBA1C').LBSTRESN</c>), through definitions and memoised calls.
/// </summary>
/// <remarks>
/// <para>
/// Each node computes exactly what the compiled rule computes, in the same order: the same builtin delegates on the same
/// values (read by <see cref="RecordAccess"/>), and the same short-circuits, so the domains a subject's rule read (the
/// gap lists of an Unknown) are the compiled rule's. Anything else in the tree (a query, exists, dates, a call that is not
/// memoised) is a fallback node: a subject that reaches it, whose lookup falls back, or for whom an operator throws, is
/// evaluated by the compiled rule instead, so every cell the batch answers is the one the rule would give.
/// </para>
/// <para>Immutable and shared by threads; each worker keeps its own <see cref="BatchRun"/> (the arrays).</para>
/// </remarks>
internal sealed class BatchCriterion
{
    private readonly BatchNode<bool?> _root;
    private readonly BatchNode[] _nodes;

    private BatchCriterion(BatchNode<bool?> root, BatchNode[] nodes, HashSet<(object Symbol, string? Arguments)> footprint)
    {
        _root = root;
        _nodes = nodes;
        Footprint = footprint;
    }

    /// <summary>
    /// The definitions and memoised calls (keyed as <see cref="CachedValues"/> keys them) the compiled rule computes for a
    /// subject the batch answers: those whose bodies the nodes evaluate. A definition or call only a fallback node reaches
    /// is not among them (a subject reaching it goes to the compiled rule), nor the subject date of an exists
    /// (<see cref="CodedExistsNode"/> leaves a subject reaching it to the compiled rule when evidence is on).
    /// </summary>
    public IReadOnlySet<(object Symbol, string? Arguments)> Footprint { get; }

    private static long _answered;

    /// <summary>How many cells (subject and criterion) batch criteria have answered in this process (not fallen back): tests check the batches ran.</summary>
    internal static long Answered => Interlocked.Read(ref _answered);

    /// <summary>Counts cells answered by a batch (once per batch, not per cell).</summary>
    internal static void CountAnswered(int cells) => Interlocked.Add(ref _answered, cells);

    /// <summary>How many nodes (and so arrays per worker) the criterion has.</summary>
    public int NodeCount => _nodes.Length;

    /// <summary>True when every node can record, per subject, the evidence the compiled rule records (<see cref="BatchNode.RecordsEvidence"/>).</summary>
    public bool NodesRecordEvidence => _nodes.All(n => n.RecordsEvidence);

    /// <summary>
    /// True when the criterion is evaluated in batches with evidence on too: its nodes record evidence, and no definition or
    /// memoised call of its <see cref="Footprint"/> is reached by another criterion (set by the protocol, which sees them
    /// all). A shared one would, on the compiled path, replay in one criterion the evidence kept when another computed it,
    /// which depends on what that criterion had read before; an unshared one is computed afresh in its criterion, as the
    /// nodes record it. A shared one the batch never evaluates for a subject it answers changes nothing for that subject.
    /// </summary>
    public bool RecordsEvidence { get; internal set; }

    /// <summary>
    /// The values the compiled rule caches per subject that <paramref name="rule"/> reaches: definitions, and memoised calls
    /// by function and literal arguments (a call with other arguments stands for every call of its function).
    /// </summary>
    public static HashSet<(object Symbol, string? Arguments)> CachedValues(BoundExpression rule)
    {
        var keys = new HashSet<(object, string?)>();
        Walk(rule, ImmutableDictionary<LocalSymbol, BoundLiteral>.Empty, 0);
        return keys;

        void Walk(BoundExpression e, IReadOnlyDictionary<LocalSymbol, BoundLiteral> constants, int depth)
        {
            if (depth > 40)
            {
                keys.Add(("too deep", null));
                return;
            }
            foreach (var n in BoundTreeWalker.DescendantsAndSelf(e))
            {
                switch (n)
                {
                    case BoundDefineReference d:
                        if (keys.Add((d.Define, null)) && d.Define.Body is { } body) Walk(body, ImmutableDictionary<LocalSymbol, BoundLiteral>.Empty, depth + 1);
                        break;
                    case BoundFunctionCall fc:
                        var arguments = fc.Arguments.Select(a => a is BoundLocal l && constants.TryGetValue(l.Local, out var c) ? c : a).ToList();
                        var bound = new Dictionary<LocalSymbol, BoundLiteral>();
                        string key = "*";
                        if (arguments.Count > 0 && arguments.All(a => a is BoundLiteral) && arguments.Count == fc.Function.Parameters.Length)
                        {
                            key = string.Join("\u0001", arguments.Select(a => $"{((BoundLiteral)a).Type}:{((BoundLiteral)a).Value}"));
                            for (int i = 0; i < arguments.Count; i++) bound[fc.Function.Parameters[i]] = (BoundLiteral)arguments[i];
                        }
                        if (keys.Add((fc.Function, key)) && fc.Function.Body is { } fbody) Walk(fbody, bound, depth + 1);
                        break;
                }
            }
        }
    }

    /// <summary>True when two criteria's <see cref="CachedValues"/> share one (a call with other arguments shares its function's).</summary>
    public static bool Share(HashSet<(object Symbol, string? Arguments)> a, HashSet<(object Symbol, string? Arguments)> b)
    {
        if (a.Contains(("too deep", null)) || b.Contains(("too deep", null))) return true;
        foreach (var key in a)
        {
            if (b.Contains(key)) return true;
            if (key.Arguments is not null && (key.Arguments == "*" ? b.Any(k => ReferenceEquals(k.Symbol, key.Symbol)) : b.Contains((key.Symbol, "*")))) return true;
        }
        return false;
    }

    /// <summary>True when every table and column the nodes read is bound in this study as the compiled rule reads it (otherwise the compiled rule runs for every subject).</summary>
    public bool Applies(StudyBinding binding) => _nodes.All(n => n.Applies(binding));

    /// <summary>
    /// Evaluates the criterion for the run's subjects: <see cref="BatchRun.Values"/>, <see cref="BatchRun.Fallback"/> and
    /// <see cref="BatchRun.Reads"/> hold the result. <paramref name="slot"/> numbers the criterion among those the run
    /// evaluates, so that each keeps its own node arrays.
    /// </summary>
    // Per batch and criterion (thousands of calls in a first screening), so optimised from its first call like the
    // nodes' kernels, rather than at tier 0 until tiered compilation reaches it (docs/performance.md).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(BatchRun run, int slot)
    {
        run.Prepare(slot, _nodes.Length);
        run.BeginEvidence();
        var active = run.All;
        var values = run.Buffer<bool?>(_root.Id);
        _root.Eval(run, active, values);
        run.Values = values;
    }

    /// <summary>The batch form of a criterion's rule, or null when no part of it can be evaluated in batches.</summary>
    public static BatchCriterion? Compile(BoundExpression rule, Func<BoundCall, IReadOnlyDictionary<LocalSymbol, BoundLiteral>, ColumnLookup?> lookup, SlotAllocator slots,
        Func<ParameterSymbol, object?>? parameters = null)
    {
        var compiler = new BatchCompiler(lookup, slots) { Parameters = parameters };
        var root = compiler.Compile(rule, ImmutableDictionary<LocalSymbol, BoundLiteral>.Empty, 0);
        if (root is not BatchNode<bool?> boolean || !compiler.Useful) return null;
        return new BatchCriterion(boolean, [.. compiler.Nodes], compiler.Footprint);
    }

    /// <summary>Lowers a bound tree to batch nodes, mirroring the expression compiler's choices node by node.</summary>
    private sealed class BatchCompiler(Func<BoundCall, IReadOnlyDictionary<LocalSymbol, BoundLiteral>, ColumnLookup?> lookup, SlotAllocator slots)
    {
        /// <summary>Deeper than this (a recursive definition, an absurd nesting) is left to the compiled rule.</summary>
        private const int MaxDepth = 40;

        /// <summary>More nodes than this are not worth a batch (and keep a batched rule's steps far below any step limit).</summary>
        private const int MaxNodes = 200;

        public List<BatchNode> Nodes { get; } = [];

        /// <summary>The definitions and memoised calls the nodes evaluate (<see cref="BatchCriterion.Footprint"/>).</summary>
        public HashSet<(object Symbol, string? Arguments)> Footprint { get; } = [];

        /// <summary>The key <see cref="CachedValues"/> gives a call with these literal arguments.</summary>
        private static string CallKey(IEnumerable<BoundExpression> arguments) =>
            string.Join("\u0001", arguments.Select(a => $"{((BoundLiteral)a).Type}:{((BoundLiteral)a).Value}"));

        /// <summary>The protocol's parameter values (constants of the compiled rule), or null.</summary>
        public Func<ParameterSymbol, object?>? Parameters { get; init; }

        /// <summary>True once a node reads data (not only literals and fallbacks).</summary>
        public bool Useful { get; private set; }

        private T Add<T>(T node) where T : BatchNode
        {
            node.Id = Nodes.Count;
            Nodes.Add(node);
            return node;
        }

        private BatchNode Fallback(Type type) => Add((BatchNode)Activator.CreateInstance(typeof(FallbackNode<>).MakeGenericType(type))!);

        public BatchNode Compile(BoundExpression node, IReadOnlyDictionary<LocalSymbol, BoundLiteral> constants, int depth)
        {
            var type = RuntimeTypes.ClrType(node.Type);
            if (depth > MaxDepth || Nodes.Count > MaxNodes) return Fallback(type);
            var result = node switch
            {
                BoundLiteral l => LiteralNode(l, type),
                BoundLocal l when constants.TryGetValue(l.Local, out var constant) => Compile(constant, constants, depth + 1),
                BoundConversion c => Conversion(c, constants, depth),
                BoundCall c => Call(c, constants, depth, type),
                BoundDefineReference d when d.Define.Body is { } body && RuntimeTypes.ClrType(body.Type) == type => Evaluated(Compile(body, ImmutableDictionary<LocalSymbol, BoundLiteral>.Empty, depth + 1), (d.Define, null)),
                BoundFunctionCall fc => Memoised(fc, constants, depth, type) ?? InlinedExists(fc, constants),
                BoundIf i when Compile(i.Condition, constants, depth + 1) is BatchNode<bool?> condition && Compile(i.Then, constants, depth + 1) is var then && Compile(i.Else, constants, depth + 1) is var otherwise
                        && then.ClrType == type && otherwise.ClrType == type && CoalesceNode.Supports(type) => Add(IfNode.Create(type, condition, then, otherwise)),
                BoundVariableAccess v => Variable(v, constants, depth),
                _ => null,
            };
            return result is not null && result.ClrType == type ? result : Fallback(type);
        }

        /// <summary>Notes <paramref name="cached"/> in the footprint unless every subject reaching <paramref name="node"/> falls back.</summary>
        private BatchNode Evaluated(BatchNode node, (object, string?) cached)
        {
            if (node is not IFallbackNode) Footprint.Add(cached);
            return node;
        }

        private BatchNode? LiteralNode(BoundLiteral l, Type type)
        {
            object? value;
            if (l.Value is null) value = null;
            else if (l.Type == ProtocolType.Decimal) value = Convert.ToDecimal(l.Value, System.Globalization.CultureInfo.InvariantCulture);
            else if (l.Type == ProtocolType.Integer) value = Convert.ToInt32(l.Value, System.Globalization.CultureInfo.InvariantCulture);
            else if (l.Type == ProtocolType.Long) value = Convert.ToInt64(l.Value, System.Globalization.CultureInfo.InvariantCulture);
            else if (l.Type == ProtocolType.Boolean || l.Type == ProtocolType.String) value = l.Value;
            else return null;
            return Add((BatchNode)Activator.CreateInstance(typeof(ConstantNode<>).MakeGenericType(type), value)!);
        }

        private BatchNode? Conversion(BoundConversion c, IReadOnlyDictionary<LocalSymbol, BoundLiteral> constants, int depth)
        {
            var operand = Compile(c.Operand, constants, depth + 1);
            return c.Conversion.Kind switch
            {
                ConversionKind.Identity or ConversionKind.Widen when operand.ClrType == RuntimeTypes.ClrType(c.Type) => operand,
                ConversionKind.IntegerToDecimal when operand is BatchNode<int?> i => Add(new UnaryNode<int?, decimal?>(i, static v => v)),
                ConversionKind.IntegerToLong when operand is BatchNode<int?> i => Add(new UnaryNode<int?, long?>(i, static v => v)),
                ConversionKind.LongToDecimal when operand is BatchNode<long?> l => Add(new UnaryNode<long?, decimal?>(l, static v => v)),
                _ => null,
            };
        }

        private BatchNode? Call(BoundCall c, IReadOnlyDictionary<LocalSymbol, BoundLiteral> constants, int depth, Type type)
        {
            var key = c.Overload.Key;
            switch (key)
            {
                case "And(Boolean,Boolean)" or "Or(Boolean,Boolean)":
                    if (Compile(c.Arguments[0], constants, depth + 1) is BatchNode<bool?> a && Compile(c.Arguments[1], constants, depth + 1) is BatchNode<bool?> b)
                        return Add(new AndOrNode(a, b, key.StartsWith("And", StringComparison.Ordinal)));
                    return null;
                case "In(T,Interval<T>,String)" when ExpressionCompiler.NumericRange(c) is var (low, lowClosed, high, highClosed):
                    var x = Compile(c.Arguments[0], constants, depth + 1);
                    if (x is BatchNode<int?> integer) x = Add(new UnaryNode<int?, decimal?>(integer, static v => v));
                    if (x is VariableNode<decimal?> variable && NumberKernel.Fits(low) && NumberKernel.Fits(high))
                        return Add(new NumberRangeNode(variable, low, lowClosed, high, highClosed));
                    return x is BatchNode<decimal?> number ? Add(new UnaryNode<decimal?, bool?>(number, v => RuntimeHelpers.InRange(v, low, lowClosed, high, highClosed))) : null;
                case "Exists(List<T>)":
                    return Exists(c, constants);
                case "Equal(String,String)" or "NotEqual(String,String)":
                    // The builtin called directly: text comparisons (DM.SEX = 'M') are common and cannot throw.
                    if (Compile(c.Arguments[0], constants, depth + 1) is BatchNode<string?> left && Compile(c.Arguments[1], constants, depth + 1) is BatchNode<string?> right)
                        return Add(new TextEqualityNode(left, right, key.StartsWith("Not", StringComparison.Ordinal)));
                    return null;
                case "Equal(Decimal,Decimal)" or "NotEqual(Decimal,Decimal)" or "Less(Decimal,Decimal)" or "LessOrEqual(Decimal,Decimal)" or "Greater(Decimal,Decimal)" or "GreaterOrEqual(Decimal,Decimal)"
                        when CompareNumbers(c, key, constants, depth) is { } compare:
                    return compare;
                case "First(List<T>)" or "Last(List<T>)":
                case "Upper(String)":
                    // Upper of a text variable reads the column's upper-cased dictionary, as the compiled rule's UpperOf does.
                    return Compile(c.Arguments[0], constants, depth + 1) is VariableNode<string?> text ? Add(new UpperVariableNode(text)) : null;
                case "Count(List<T>)":
                    return null;
                case var coalesce when coalesce.StartsWith("Coalesce(T,", StringComparison.Ordinal):
                    // Lazy, as the compiled Coalesce: each argument only for the subjects every earlier one left null.
                    var parts = c.Arguments.Select(a => Compile(a, constants, depth + 1)).ToArray();
                    if (parts.Any(a => a.ClrType != type) || !CoalesceNode.Supports(type)) return null;
                    return Add(CoalesceNode.Create(type, parts));
            }
            if (BuiltinTable.DividesByLastArgument(key) || BuiltinTable.Find(key) is not { } implementation) return null;
            var parameters = implementation.Method.GetParameters();
            if (parameters.Length != c.Arguments.Length || c.Arguments.Length is 0 or > 2 || implementation.Method.ReturnType != type) return null;
            if (parameters.Any(p => p.ParameterType == typeof(EvaluationContext))) return null;
            var arguments = c.Arguments.Select(a => Compile(a, constants, depth + 1)).ToArray();
            for (int i = 0; i < arguments.Length; i++)
                if (arguments[i].ClrType != parameters[i].ParameterType) return null;
            var nodeType = arguments.Length == 1
                ? typeof(UnaryNode<,>).MakeGenericType(parameters[0].ParameterType, type)
                : typeof(BinaryNode<,,>).MakeGenericType(parameters[0].ParameterType, parameters[1].ParameterType, type);
            return Add((BatchNode)Activator.CreateInstance(nodeType, [.. arguments, implementation])!);
        }

        /// <summary>
        /// <c>exists (D X where filter)</c> over a subject-indexed domain: answered from each subject's rows by
        /// <see cref="CodedExistsNode"/> (tests decided per dictionary code, dates on day numbers), which visits the rows
        /// the compiled query visits, with or without a text key (<see cref="ExpressionCompiler.TextKey"/>).
        /// </summary>
        private BatchNode? Exists(BoundCall c, IReadOnlyDictionary<LocalSymbol, BoundLiteral> constants, IReadOnlyDictionary<LocalSymbol, BoundExpression>? arguments = null)
        {
            var coded = CodedExistsNode.Compile(c, l => constants.TryGetValue(l, out var k) ? (BoundExpression)k : arguments?.GetValueOrDefault(l), slots);
            if (coded is null) return null;
            Useful = true;
            return Add(coded);
        }

        /// <summary>
        /// A comparison of number terms, each a literal, a number variable or a variable times a literal
        /// (<c>Lab('HBA1C').LBSTRESN &gt; 10</c>, <c>Lab('ALT').LBSTRESN &gt; 3 * Lab('ALT').LBSTNRHI</c>), compared on the
        /// column's doubles where that cannot change the answer.
        /// </summary>
        private BatchNode? CompareNumbers(BoundCall c, string key, IReadOnlyDictionary<LocalSymbol, BoundLiteral> constants, int depth)
        {
            if (BuiltinTable.Find(key) is not Func<decimal?, decimal?, bool?> op) return null;
            // Compiled in the compiled call's order (left operand first); on failure the nodes added are dropped and the
            // generic path compiles the operands again.
            int mark = Nodes.Count;
            var a = Term(c.Arguments[0]);
            var b = a is null ? null : Term(c.Arguments[1]);
            if (a is null || b is null || (a.Value.Variable is null && b.Value.Variable is null))
            {
                Nodes.RemoveRange(mark, Nodes.Count - mark);
                return null;
            }
            return Add(new NumberCompareNode(a.Value, b.Value, op, NumberKernel.KindOf(key)));

            // A literal, a number variable (through definitions and memoised calls: Score('HACHTOT')), or a variable times a literal.
            NumberTerm? Term(BoundExpression e)
            {
                if (NumberLiteral(e) is { } literal) return NumberKernel.Fits(literal) ? new NumberTerm(null, literal, false, false) : null;
                if (e is BoundCall { Overload.Key: "Multiply(Decimal,Decimal)" } multiply)
                {
                    if (NumberLiteral(multiply.Arguments[0]) is { } k)
                        return NumberKernel.Fits(k) && Compile(multiply.Arguments[1], constants, depth + 1) is VariableNode<decimal?> v ? new NumberTerm(v, k, true, true) : null;
                    if (NumberLiteral(multiply.Arguments[1]) is { } k2)
                        return NumberKernel.Fits(k2) && Compile(multiply.Arguments[0], constants, depth + 1) is VariableNode<decimal?> v2 ? new NumberTerm(v2, k2, true, false) : null;
                    return null;
                }
                return Compile(e, constants, depth + 1) is VariableNode<decimal?> variable ? new NumberTerm(variable, 1m, false, false) : null;
            }
        }

        private decimal? NumberLiteral(BoundExpression e) => e switch
        {
            BoundLiteral { Value: decimal d } => d,
            // A parameter is a constant of the compiled rule (ReferenceRangeIIIFactor).
            BoundParameterReference p when p.Type == ProtocolType.Decimal && Parameters?.Invoke(p.Parameter) is decimal d => d,
            BoundConversion { Conversion.Kind: ConversionKind.IntegerToDecimal, Operand: BoundLiteral { Value: int i } } => i,
            _ => null,
        };

        /// <summary>
        /// A function whose body is an exists, called with literals, code lists and quantities (<c>HistoryWithin(Depression,
        /// 3 months)</c>, which the compiled rule calls rather than memoises): the exists with the parameters standing for the arguments.
        /// </summary>
        private BatchNode? InlinedExists(BoundFunctionCall fc, IReadOnlyDictionary<LocalSymbol, BoundLiteral> constants)
        {
            var function = fc.Function;
            if (function.Body is not BoundCall { Overload.Key: "Exists(List<T>)" } exists || function.Parameters.Length != fc.Arguments.Length) return null;
            var arguments = new Dictionary<LocalSymbol, BoundExpression>();
            for (int i = 0; i < function.Parameters.Length; i++)
            {
                var argument = fc.Arguments[i] is BoundLocal l && constants.TryGetValue(l.Local, out var k) ? k : fc.Arguments[i];
                if (argument is not (BoundLiteral or BoundCodeListReference or BoundQuantityLiteral)) return null;
                arguments[function.Parameters[i]] = argument;
            }
            // The compiled rule memoises a call of literals (ExpressionCompiler.MemoKey) even where Memoised declines it.
            if (arguments.Values.All(a => a is BoundLiteral)) Footprint.Add((function, "*"));
            return Exists(exists, ImmutableDictionary<LocalSymbol, BoundLiteral>.Empty, arguments);
        }

        /// <summary>A call with constant arguments is a cached value per subject: its body, with the parameters bound to the arguments, as the memo slot computes it.</summary>
        private BatchNode? Memoised(BoundFunctionCall fc, IReadOnlyDictionary<LocalSymbol, BoundLiteral> constants, int depth, Type type)
        {
            var function = fc.Function;
            if (function.Body is not { } body || RuntimeTypes.ClrType(body.Type) != type || RuntimeTypes.ClrType(function.ReturnType) != type) return null;
            var arguments = fc.Arguments.Select(a => a is BoundLocal l && constants.TryGetValue(l.Local, out var c) ? c : a).ToList();
            // The compiled code memoises only calls with these literal arguments (ExpressionCompiler.MemoKey) and binds
            // them as constants only when their types are the parameters' (CompileCallBoxed); anything else runs the call.
            if (arguments.Count == 0 || arguments.Any(a => a is not BoundLiteral { Value: string or int or long or decimal or bool })) return null;
            var bound = new Dictionary<LocalSymbol, BoundLiteral>();
            for (int i = 0; i < function.Parameters.Length; i++)
                if (arguments[i] is BoundLiteral literal && literal.Type == function.Parameters[i].Type) bound[function.Parameters[i]] = literal;
            if (bound.Count != function.Parameters.Length) return null;
            return Evaluated(Compile(body, bound, depth + 1), (function, CallKey(arguments)));
        }

        private BatchNode? Variable(BoundVariableAccess v, IReadOnlyDictionary<LocalSymbol, BoundLiteral> constants, int depth)
        {
            var record = Record(v.Record, constants, depth + 1);
            if (record is null || record.DomainName != v.Domain.Name) return null;
            int column = slots.Column(v.Domain.Name, v.Variable.Name);
            Useful = true;
            return v.Variable.Type switch
            {
                VariableType.Num => Add(new VariableNode<decimal?>(record, column, v.Variable.Name, RecordAccess.Decimal)),
                VariableType.Integer => Add(new VariableNode<int?>(record, column, v.Variable.Name, RecordAccess.Integer)),
                VariableType.DateTime => null,
                _ => Add(new VariableNode<string?>(record, column, v.Variable.Name, RecordAccess.String)),
            };
        }

        /// <summary>A record-valued expression the batch can follow: a one-per-subject domain's record, or a column lookup's (through definitions and memoised calls).</summary>
        private RecordNode? Record(BoundExpression node, IReadOnlyDictionary<LocalSymbol, BoundLiteral> constants, int depth)
        {
            if (depth > MaxDepth) return null;
            switch (node)
            {
                case BoundDomainReference { Type: RecordType } d:
                    return Add(new SingleRecordNode(slots.Domain(d.Domain.Name), d.Domain.Name));
                case BoundCall { Overload.Key: "First(List<T>)" or "Last(List<T>)" } c when lookup(c, constants) is { } found
                        && c.Arguments[0] is BoundQuery { Sources: [{ Source: BoundDomainReference domain }] }:
                    return Add(new LookupNode(found, slots.Domain(domain.Domain.Name), domain.Domain.Name));
                case BoundConversion { Conversion.Kind: ConversionKind.Identity } c:
                    return Record(c.Operand, constants, depth + 1);
                case BoundDefineReference { Define: var define, Define.Body: { } body }:
                    var defined = Record(body, ImmutableDictionary<LocalSymbol, BoundLiteral>.Empty, depth + 1);
                    if (defined is not null) Footprint.Add((define, null));
                    return defined;
                case BoundFunctionCall fc when fc.Function.Body is { } body && RuntimeTypes.ClrType(fc.Function.ReturnType) == typeof(DomainRecord) && RuntimeTypes.ClrType(body.Type) == typeof(DomainRecord):
                    var arguments = fc.Arguments.Select(a => a is BoundLocal l && constants.TryGetValue(l.Local, out var k) ? k : a).ToList();
                    if (arguments.Count == 0 || arguments.Any(a => a is not BoundLiteral { Value: string or int or long or decimal or bool })) return null;
                    var bound = new Dictionary<LocalSymbol, BoundLiteral>();
                    for (int i = 0; i < fc.Function.Parameters.Length; i++)
                        if (arguments[i] is BoundLiteral literal && literal.Type == fc.Function.Parameters[i].Type) bound[fc.Function.Parameters[i]] = literal;
                    if (bound.Count != fc.Function.Parameters.Length) return null;
                    var called = Record(body, bound, depth + 1);
                    if (called is not null) Footprint.Add((fc.Function, CallKey(arguments)));
                    return called;
                default:
                    return null;
            }
        }
    }
}

/// <summary>One worker's arrays for evaluating batch criteria: the subjects of the batch and every node's values.</summary>
internal sealed class BatchRun(EvaluationContext ctx)
{
    /// <summary>The most subjects in one batch.</summary>
    public const int Size = 256;

    // Each criterion's node arrays, by criterion slot then node: node numbers restart with each criterion, so arrays
    // shared between criteria would change type from one criterion to the next and be allocated again every batch.
    private object?[]?[] _buffersOf = [];
    private bool[]?[]?[] _masksOf = [];
    private DomainRecord?[]?[] _recordsOf = [];
    private object?[] _buffers = [];
    private bool[]?[] _masks = [];
    private DomainRecord?[] _records = [];

    /// <summary>The worker's context: the column lookups keep their batches in it.</summary>
    public EvaluationContext Context { get; } = ctx;

    /// <summary>A context for reading values (never the worker's own state).</summary>
    public EvaluationContext Scratch { get; } = ctx.LookupScratch();

    private EvaluationContext? _subjectScratch;

    /// <summary>A context of the worker's own for computing a subject's definition outside its rules (a subject date of <see cref="CodedExistsNode"/>).</summary>
    public EvaluationContext SubjectScratch => _subjectScratch ??= Context.SubjectScratch();

    /// <summary>The study binding.</summary>
    public StudyBinding Binding { get; } = ctx.Binding!;

    /// <summary>Subjects in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>The study index of each subject of the batch.</summary>
    public int[] Subjects { get; } = new int[Size];

    /// <summary>Every subject of the batch active.</summary>
    public bool[] All { get; } = new bool[Size];

    /// <summary>Subjects the compiled rule must evaluate instead.</summary>
    public bool[] Fallback { get; } = new bool[Size];

    /// <summary>The domain slots each subject's rule read, as <see cref="EvaluationContext.DomainsReadByRule"/> sets them.</summary>
    public ulong[] Reads { get; } = new ulong[Size];

    /// <summary>The criterion's value for each subject: its root node's array, until the next criterion.</summary>
    public bool?[] Values { get; set; } = new bool?[Size];

    private Func<EvidenceRecorder>? _newRecorder;
    private readonly EvidenceRecorder?[] _recorders = new EvidenceRecorder?[Size];

    /// <summary>True when the criteria evaluated record each subject's evidence (<see cref="Evidence"/>).</summary>
    public bool RecordsEvidence => _newRecorder is not null;

    /// <summary>Records evidence from now on, each subject of a batch into a recorder of its own made by <paramref name="newRecorder"/>.</summary>
    public void UseEvidence(Func<EvidenceRecorder> newRecorder) => _newRecorder = newRecorder;

    /// <summary>
    /// Subject <paramref name="i"/>'s recorder for the criterion being evaluated (null without evidence): the nodes call it
    /// as the compiled rule calls the context's, in the same order for that subject, so the one-item-per-fact rule and the
    /// capacity apply alike.
    /// </summary>
    public EvidenceRecorder Evidence(int i) => _recorders[i]!;

    /// <summary>Clears the batch's recorders for the next criterion.</summary>
    public void BeginEvidence()
    {
        if (_newRecorder is null) return;
        _evidenceGeneration++;
        for (int i = 0; i < Count; i++) (_recorders[i] ??= _newRecorder()).Reset();
    }

    private readonly Dictionary<ColumnLookup, int[]> _lookupRecorded = new(ReferenceEqualityComparer.Instance);
    private int _evidenceGeneration;

    /// <summary>The criterion being evaluated, as a number that changes from one criterion (or batch) to the next.</summary>
    public int EvidenceGeneration => _evidenceGeneration;

    /// <summary>
    /// For each subject of the batch, the <see cref="EvidenceGeneration"/> in which <paramref name="lookup"/>'s query evidence
    /// was last recorded: recorded once in a criterion, a second recording would add nothing (every read is already held,
    /// and batch nodes hold no rows to drop), as the compiled rule's replay of a memoised lookup adds nothing.
    /// </summary>
    public int[] LookupRecorded(ColumnLookup lookup)
    {
        if (!_lookupRecorded.TryGetValue(lookup, out var stamps)) _lookupRecorded[lookup] = stamps = new int[Size];
        return stamps;
    }

    /// <summary>The batch being evaluated, as a number that changes from one batch to the next.</summary>
    public int BatchNumber { get; private set; }

    private readonly Dictionary<object, object> _kernels = new(ReferenceEqualityComparer.Instance);

    /// <summary>The worker's state of a kernel shared by several nodes (<see cref="CodedExistsPass"/>), made by <paramref name="create"/> on first use.</summary>
    public T Kernel<T>(object key, Func<BatchRun, T> create) where T : class
    {
        if (!_kernels.TryGetValue(key, out var state)) _kernels[key] = state = create(this);
        return (T)state;
    }

    /// <summary>Starts a batch of subjects.</summary>
    public void Begin(ReadOnlySpan<int> subjects)
    {
        BatchNumber++;
        Count = subjects.Length;
        subjects.CopyTo(Subjects);
        var all = All;
        for (int i = 0; i < all.Length; i++) all[i] = i < Count;
    }

    /// <summary>Starts criterion <paramref name="slot"/>, of <paramref name="nodes"/> nodes: nothing fallen back or read yet.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Prepare(int slot, int nodes)
    {
        Zero(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Fallback.AsSpan(0, Count)));
        Zero(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Reads.AsSpan(0, Count)));
        if (_buffersOf.Length <= slot)
        {
            Array.Resize(ref _buffersOf, slot + 1);
            Array.Resize(ref _masksOf, slot + 1);
            Array.Resize(ref _recordsOf, slot + 1);
        }
        _buffers = _buffersOf[slot] ??= new object?[nodes];
        _masks = _masksOf[slot] ??= new bool[]?[nodes];
        _records = _recordsOf[slot] ??= new DomainRecord?[nodes];
        if (_buffers.Length < nodes)
        {
            Array.Resize(ref _buffersOf[slot], nodes);
            Array.Resize(ref _masksOf[slot], nodes);
            Array.Resize(ref _recordsOf[slot], nodes);
            (_buffers, _masks, _records) = (_buffersOf[slot]!, _masksOf[slot]!, _recordsOf[slot]!);
        }
    }

    /// <summary>Clears bytes 32 at a time (Span.Clear calls the runtime's memset at these sizes, which the profile showed costing more than the nodes' own loops).</summary>
    private static void Zero(Span<byte> bytes)
    {
        int i = 0;
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            for (; i + 32 <= bytes.Length; i += 32)
                System.Runtime.Intrinsics.Vector256.StoreUnsafe(System.Runtime.Intrinsics.Vector256<byte>.Zero, ref System.Runtime.InteropServices.MemoryMarshal.GetReference(bytes), (nuint)i);
        for (; i < bytes.Length; i++) bytes[i] = 0;
    }

    /// <summary>A node's values (one array per node and type, reused from batch to batch).</summary>
    public T[] Buffer<T>(int id) => _buffers[id] as T[] ?? (T[])(_buffers[id] = new T[Size]);

    /// <summary>A node's second mask of active subjects.</summary>
    public bool[] Mask(int id) => _masks[id] ??= new bool[Size];

    /// <summary>A node's record object, pointed at rows of <paramref name="table"/> to read them as the compiled rule does.</summary>
    public DomainRecord Record(int id, DomainTable table)
    {
        var record = _records[id];
        if (record is null || !ReferenceEquals(record.Table, table)) _records[id] = record = new DomainRecord(table, 0);
        return record;
    }

    /// <summary>True when subject <paramref name="i"/> is to be computed: active and not fallen back.</summary>
    public bool Live(bool[] active, int i) => active[i] && !Fallback[i];
}

/// <summary>A node of a batch criterion.</summary>
internal abstract class BatchNode
{
    /// <summary>The node's number in its criterion (its arrays in a <see cref="BatchRun"/>).</summary>
    public int Id { get; set; }

    /// <summary>The CLR type of the node's values, as the compiled rule carries them.</summary>
    public abstract Type ClrType { get; }

    /// <summary>True when the node reads this study as the compiled rule would.</summary>
    public virtual bool Applies(StudyBinding binding) => true;

    /// <summary>True when, with evidence on, the node records for each subject what the compiled rule records for its part (or falls the subject back).</summary>
    public virtual bool RecordsEvidence => false;
}

/// <summary>A node computing values of type <typeparamref name="T"/>.</summary>
internal abstract class BatchNode<T> : BatchNode
{
    public override Type ClrType => typeof(T);

    /// <summary>Computes the value of every live subject (<see cref="BatchRun.Live"/>) into <paramref name="output"/>.</summary>
    public abstract void Eval(BatchRun run, bool[] active, T[] output);
}

/// <summary>Marks <see cref="FallbackNode{T}"/>s of every type.</summary>
internal interface IFallbackNode;

/// <summary>A part the batch does not evaluate: every subject reaching it falls back to the compiled rule.</summary>
internal sealed class FallbackNode<T> : BatchNode<T>, IFallbackNode
{
    public override bool RecordsEvidence => true;

    public override void Eval(BatchRun run, bool[] active, T[] output)
    {
        for (int i = 0; i < run.Count; i++)
            if (active[i]) run.Fallback[i] = true;
    }
}

/// <summary>A literal.</summary>
internal sealed class ConstantNode<T>(T value) : BatchNode<T>
{
    /// <summary>The value every subject gets.</summary>
    public T Value => value;

    public override bool RecordsEvidence => true;

    public override void Eval(BatchRun run, bool[] active, T[] output) => output.AsSpan(0, run.Count).Fill(value);
}

/// <summary>A builtin of one argument (or a conversion).</summary>
internal sealed class UnaryNode<TA, TR>(BatchNode<TA> operand, Func<TA, TR> function) : BatchNode<TR>
{
    // The builtins read nothing but their arguments.
    public override bool RecordsEvidence => true;

    public override void Eval(BatchRun run, bool[] active, TR[] output)
    {
        var a = run.Buffer<TA>(operand.Id);
        operand.Eval(run, active, a);
        for (int i = 0; i < run.Count; i++)
        {
            if (!run.Live(active, i)) continue;
            try
            {
                output[i] = function(a[i]);
            }
            catch (Exception)
            {
                // The compiled rule fails the same way and reports it.
                run.Fallback[i] = true;
            }
        }
    }
}

/// <summary>A builtin of two arguments, both always evaluated, left first (as the compiled call evaluates them).</summary>
internal sealed class BinaryNode<TA, TB, TR>(BatchNode<TA> left, BatchNode<TB> right, Delegate function) : BatchNode<TR>
{
    public override bool RecordsEvidence => true;

    private readonly Func<TA, TB, TR> _function = (Func<TA, TB, TR>)function;

    public override void Eval(BatchRun run, bool[] active, TR[] output)
    {
        var a = run.Buffer<TA>(left.Id);
        var b = run.Buffer<TB>(right.Id);
        left.Eval(run, active, a);
        right.Eval(run, active, b);
        var f = _function;
        for (int i = 0; i < run.Count; i++)
        {
            if (!run.Live(active, i)) continue;
            try
            {
                output[i] = f(a[i], b[i]);
            }
            catch (Exception)
            {
                run.Fallback[i] = true;
            }
        }
    }
}

/// <summary>
/// Text equality or inequality, both operands always evaluated, left first: <see cref="BinaryNode{TA, TB, TR}"/> for the
/// builtins of <c>Equal(String,String)</c> and <c>NotEqual(String,String)</c> with the function called directly instead of
/// through a delegate per subject, and no exception handler (they cannot throw).
/// </summary>
internal sealed class TextEqualityNode(BatchNode<string?> left, BatchNode<string?> right, bool negated) : BatchNode<bool?>
{
    // The variable compared with a literal (DM.SEX = 'M', either way round), else null: decided per dictionary code.
    private readonly (VariableNode<string?> Variable, string? Literal)? _coded =
        left is VariableNode<string?> l && right is ConstantNode<string?> r ? (l, r.Value)
        : right is VariableNode<string?> v && left is ConstantNode<string?> c ? (v, c.Value)
        : null;

    // The outcomes by code of the text column last read (replaced whole, shared by threads).
    private CodeTable<bool?>? _outcomes;

    public override bool RecordsEvidence => true;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override void Eval(BatchRun run, bool[] active, bool?[] output)
    {
        if (_coded is var (variable, literal) && run.Binding.Columns[variable.ColumnSlot] is TextColumn text
            && CodeTable<bool?>.For(ref _outcomes, text, run.Binding.Study.SubjectCount, (Node: this, Literal: literal), static (s, value) => s.Node.Compare(value, s.Literal)) is { } outcomes)
        {
            ByCode(run, active, output, variable, outcomes);
            return;
        }
        var a = run.Buffer<string?>(left.Id);
        var b = run.Buffer<string?>(right.Id);
        left.Eval(run, active, a);
        right.Eval(run, active, b);
        var fallback = run.Fallback;
        int count = run.Count;
        for (int i = 0; i < count && i < active.Length && i < fallback.Length && i < a.Length && i < b.Length && i < output.Length; i++)
        {
            if (!active[i] || fallback[i]) continue;
            output[i] = Compare(a[i], b[i]);
        }
    }

    /// <summary>
    /// What the general loop gives a variable of a text column compared with a literal, read by the row's code: the record's
    /// rows and their reads as <see cref="VariableNode{T}.Eval"/> makes them (the literal reads nothing), then each live
    /// subject's outcome from its value's entry, the comparison of the value the variable would read (the code's dictionary
    /// string, null without a record or value) decided once per distinct value.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void ByCode(BatchRun run, bool[] active, bool?[] output, VariableNode<string?> variable, CodeTable<bool?> outcomes)
    {
        var rows = run.Buffer<int>(variable.Record.Id);
        variable.Record.Eval(run, active, rows);
        variable.RecordReads(run, active, rows);
        var fallback = run.Fallback;
        int count = run.Count;
        for (int i = 0; i < count && i < active.Length && i < fallback.Length && i < rows.Length && i < output.Length; i++)
            if (active[i] && !fallback[i]) output[i] = outcomes.At(rows[i]);
    }

    // Equality is symmetric, so which side the literal is on does not matter.
    private bool? Compare(string? a, string? b) => negated ? Operators.Comparison.NotEqual(a, b) : Operators.Comparison.Equal(a, b);
}

/// <summary>Three-valued and/or that evaluates the right operand only for the subjects the left does not decide (as the compiled rule short-circuits).</summary>
internal sealed class AndOrNode(BatchNode<bool?> left, BatchNode<bool?> right, bool isAnd) : BatchNode<bool?>
{
    // The right operand runs only for the subjects the left leaves undecided, so each records only what the compiled rule reaches.
    public override bool RecordsEvidence => true;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override void Eval(BatchRun run, bool[] active, bool?[] output)
    {
        var a = run.Buffer<bool?>(left.Id);
        var b = run.Buffer<bool?>(right.Id);
        left.Eval(run, active, a);
        // Without branches on the values (which vary from subject to subject, so branches would be mispredicted): each
        // value as a state (0 false, 1 true, 2 null) and the result from the operator's table. A subject the left decides
        // gets the decisive value whatever its right value holds (stale from another batch, but a valid state), and
        // results written for subjects that are not live are never read.
        int decisive = isAnd ? 0 : 1;
        var table = isAnd ? AndTable : OrTable;
        var rest = run.Mask(Id);
        var fallback = run.Fallback;
        int count = run.Count;
        bool any = false;
        for (int i = 0; i < count && i < rest.Length && i < active.Length && i < fallback.Length && i < a.Length; i++)
        {
            bool undecided = active[i] & !fallback[i] & State(a[i]) != decisive;
            rest[i] = undecided;
            any |= undecided;
        }
        if (any) right.Eval(run, rest, b);
        for (int i = 0; i < count && i < a.Length && i < b.Length && i < output.Length; i++)
            output[i] = table[State(a[i]) * 3 + State(b[i])];
    }

    private static readonly bool?[] AndTable = [false, false, false, false, true, null, false, null, null];
    private static readonly bool?[] OrTable = [false, true, null, true, true, true, null, true, null];

    private static int State(bool? value) => (value.GetValueOrDefault() ? 1 : 0) + (value.HasValue ? 0 : 2);
}

/// <summary>A node whose values are rows of one domain's table (−1 for no record).</summary>
internal abstract class RecordNode(int domainSlot, string domainName) : BatchNode<int>
{
    /// <summary>The domain slot of the rows.</summary>
    public int DomainSlot { get; } = domainSlot;

    /// <summary>The domain's name.</summary>
    public string DomainName { get; } = domainName;

    /// <summary>The bit of the domain in a set of domains read (a field: read per subject in the comparisons' loops).</summary>
    protected readonly ulong Bit = 1UL << Math.Min(domainSlot, 63);

    public override bool Applies(StudyBinding binding) => binding.Domains[DomainSlot] is { IsSubjectIndexed: true };
}

/// <summary>The subject's record of a one-per-subject domain (DM): its first row, as <see cref="EvaluationContext.SingleRecord"/> reads it.</summary>
internal sealed class SingleRecordNode(int domainSlot, string domainName) : RecordNode(domainSlot, domainName)
{
    // The domain is in the study (Applies), so reading its records records nothing.
    public override bool RecordsEvidence => true;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override void Eval(BatchRun run, bool[] active, int[] output)
    {
        var table = run.Binding.Domains[DomainSlot]!;
        ulong bit = Bit;
        for (int i = 0; i < run.Count; i++)
        {
            if (!run.Live(active, i)) continue;
            var (start, count) = table.RowsOf(run.Subjects[i]);
            output[i] = count > 0 ? start : -1;
            run.Reads[i] |= bit;
        }
    }
}

/// <summary>First or Last of a query answered by a column lookup (its batch shared with the compiled rule's calls).</summary>
internal sealed class LookupNode(ColumnLookup lookup, int domainSlot, string domainName) : RecordNode(domainSlot, domainName)
{
    public override bool RecordsEvidence => lookup.Reads is not null;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override void Eval(BatchRun run, bool[] active, int[] output)
    {
        if (run.RecordsEvidence)
        {
            EvalWithEvidence(run, active, output);
            return;
        }
        ulong bit = Bit;
        var known = lookup.KnownRows(run.Context);
        int fromKnown = 0;
        for (int i = 0; i < run.Count; i++)
        {
            if (!run.Live(active, i)) continue;
            int row;
            if (known is not null && ColumnLookup.KnownAt(known, run.Subjects[i]) is var done && ColumnLookup.IsKnown(done))
            {
                row = done;
                if (row != ColumnLookup.Fallback) fromKnown++;
            }
            else row = lookup.RowFor(run.Context, run.Subjects[i]);
            if (row == ColumnLookup.Fallback)
            {
                run.Fallback[i] = true;
                continue;
            }
            output[i] = row;
            // The compiled rule reads the subject's records of the domain to return the record (or none).
            run.Reads[i] |= bit;
        }
        if (fromKnown > 0)
        {
            ColumnLookup.CountAnswered(fromKnown);
            lookup.NoteKnownReads(run.Context, fromKnown);
        }
    }

    /// <summary>
    /// The lookup's kept rows for a node reading them itself instead of this node's array (<see cref="Row"/>), or null
    /// (with evidence on, or where the lookup keeps none): the variables' nodes then take this node's values.
    /// </summary>
    public int[]? KnownRows(BatchRun run) => run.RecordsEvidence ? null : lookup.KnownRows(run.Context);

    /// <summary>The bit <see cref="Row"/> sets in <see cref="BatchRun.Reads"/>, for a loop that reads a kept row itself (<see cref="ColumnLookup.KnownAt"/>) and calls <see cref="Row"/> only for the others.</summary>
    public ulong DomainBit => Bit;

    /// <summary>
    /// Subject <paramref name="i"/>'s row as <see cref="Eval"/> gives it, for a live subject, with its side effects (the
    /// subject fallen back, or the domain read; a kept row counted in <paramref name="fromKnown"/>, for <see cref="EndRows"/>).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Row(BatchRun run, int[] known, int i, ref int fromKnown)
    {
        int subject = run.Subjects[i];
        int row = ColumnLookup.KnownAt(known, subject);
        if (row >= -1) fromKnown++;
        else
        {
            // Not computed yet: the lookup computes its batch (and keeps it); a kept fallback stays one.
            if (!ColumnLookup.IsKnown(row)) row = lookup.RowFor(run.Context, subject);
            if (row == ColumnLookup.Fallback)
            {
                run.Fallback[i] = true;
                return row;
            }
        }
        // The compiled rule reads the subject's records of the domain to return the record (or none).
        run.Reads[i] |= Bit;
        return row;
    }

    /// <summary>Counts the kept rows <see cref="Row"/> read, as <see cref="Eval"/> counts them.</summary>
    public void EndRows(BatchRun run, int fromKnown)
    {
        if (fromKnown == 0) return;
        ColumnLookup.CountAnswered(fromKnown);
        lookup.NoteKnownReads(run.Context, fromKnown);
    }

    /// <summary>
    /// As <see cref="Eval"/>, each subject's query evidence recorded as the compiled query records it: the rows first, then
    /// every subject's evidence in one pass (<see cref="ColumnLookup.RecordBatch"/>). Nothing else records into a subject's
    /// recorder in between, so each recorder gets its entries where the compiled rule records them.
    /// </summary>
    private void EvalWithEvidence(BatchRun run, bool[] active, int[] output)
    {
        ulong bit = Bit;
        var recorded = run.LookupRecorded(lookup);
        int generation = run.EvidenceGeneration;
        bool records = lookup.Records(run.Binding);
        // The subjects whose query evidence this node records (the first recording of the lookup in the criterion).
        var record = run.Mask(Id);
        bool any = false;
        // The worker's context records no evidence while batches run, so its rows (the kept answers, or the lookup's batch)
        // are the rows without evidence, the same rows.
        var known = lookup.KnownRows(run.Context);
        int fromKnown = 0;
        for (int i = 0; i < run.Count; i++)
        {
            record[i] = false;
            if (!run.Live(active, i)) continue;
            int subject = run.Subjects[i];
            int row;
            if (known is not null && ColumnLookup.KnownAt(known, subject) is var done && ColumnLookup.IsKnown(done))
            {
                row = done;
                if (row != ColumnLookup.Fallback) fromKnown++;
            }
            else row = lookup.RowFor(run.Context, subject);
            if (row == ColumnLookup.Fallback || (recorded[i] != generation && !records))
            {
                run.Fallback[i] = true;
                continue;
            }
            if (recorded[i] != generation)
            {
                recorded[i] = generation;
                record[i] = true;
                any = true;
            }
            output[i] = row;
            run.Reads[i] |= bit;
        }
        if (any) lookup.RecordBatch(run, record);
        EndRows(run, fromKnown);
    }
}

/// <summary>A variable of a record, read by <see cref="RecordAccess"/> as the compiled rule reads it.</summary>
internal sealed class VariableNode<T>(RecordNode record, int columnSlot, string variable, Func<EvaluationContext, DomainRecord?, int, string, T> read) : BatchNode<T>
{
    /// <summary>The node giving the record's rows.</summary>
    public RecordNode Record => record;

    /// <summary>The column slot of the variable.</summary>
    public int ColumnSlot => columnSlot;

    // Reading the variable of a record records the read (RecordsReads), as RecordAccess does.
    public override bool RecordsEvidence => true;

    private static readonly ReadKind Kind = typeof(T) == typeof(decimal?) ? ReadKind.Decimal : typeof(T) == typeof(int?) ? ReadKind.Integer : ReadKind.String;

    /// <summary>
    /// With evidence on, records each live subject's read of the variable (none without a record), as <see cref="RecordAccess"/>
    /// records it: called right after the record's node, where the compiled rule reads the variable.
    /// </summary>
    public void RecordReads(BatchRun run, bool[] active, int[] rows)
    {
        if (!run.RecordsEvidence) return;
        var table = run.Binding.Domains[record.DomainSlot]!;
        // The slot's column: Applies requires it bound to this table, which is the column RecordAccess reads through.
        var column = run.Binding.Columns[columnSlot];
        EvidenceSites? of = null;
        int site = -1;
        for (int i = 0; i < run.Count && i < rows.Length; i++)
        {
            if (!run.Live(active, i) || rows[i] < 0) continue;
            var evidence = run.Evidence(i);
            if (evidence.IsLegacy)
            {
                evidence.ReadColumn(columnSlot, table, column, rows[i], variable, Kind);
                continue;
            }
            // The recorders of a worker share their sites: the read's site resolved for the first, checked for the others.
            if (!ReferenceEquals(of, evidence.Sites)) (of, site) = (evidence.Sites, evidence.ColumnSite(columnSlot, table, column, variable, Kind));
            evidence.ReadAt(site, rows[i]);
        }
    }

    /// <summary>The values of the live subjects, as <see cref="Eval"/> computes them, from rows already computed.</summary>
    public void Read(BatchRun run, bool[] active, int[] rows, T[] output)
    {
        var column = run.Binding.Columns[columnSlot];
        if (typeof(T) == typeof(decimal?) && column is NumberColumn numbers)
        {
            // What RecordAccess.Decimal reads from a number column of the bound table (without evidence), without the call.
            var values = (decimal?[])(object)output;
            for (int i = 0; i < run.Count; i++)
                if (run.Live(active, i)) values[i] = rows[i] < 0 ? null : numbers.GetDecimal(rows[i]);
            return;
        }
        if (typeof(T) == typeof(int?) && column is NumberColumn integers)
        {
            // RecordAccess.Integer over a number column: a whole number within int's range, else null.
            var values = (int?[])(object)output;
            for (int i = 0; i < run.Count; i++)
            {
                if (!run.Live(active, i)) continue;
                double v = rows[i] < 0 ? double.NaN : integers.RawAt(rows[i]);
                values[i] = !double.IsNaN(v) && v == Math.Floor(v) && v >= int.MinValue && v <= int.MaxValue ? (int)v : null;
            }
            return;
        }
        if (typeof(T) == typeof(string) && column is TextColumn text)
        {
            // RecordAccess.String over a text column.
            var values = (string?[])(object)output;
            for (int i = 0; i < run.Count; i++)
                if (run.Live(active, i)) values[i] = rows[i] < 0 ? null : text.GetString(rows[i]);
            return;
        }
        var table = run.Binding.Domains[record.DomainSlot]!;
        var current = run.Record(Id, table);
        var scratch = run.Scratch;
        for (int i = 0; i < run.Count; i++)
        {
            if (!run.Live(active, i)) continue;
            if (rows[i] < 0)
            {
                output[i] = default!;
                continue;
            }
            current.Row = rows[i];
            output[i] = read(scratch, current, columnSlot, variable);
        }
    }

    public override bool Applies(StudyBinding binding) =>
        binding.Columns[columnSlot] is not null && ReferenceEquals(binding.ColumnTables[columnSlot], binding.Domains[record.DomainSlot]);

    public override void Eval(BatchRun run, bool[] active, T[] output)
    {
        var rows = run.Buffer<int>(record.Id);
        record.Eval(run, active, rows);
        RecordReads(run, active, rows);
        Read(run, active, rows, output);
    }
}

/// <summary>
/// Number comparisons on a number column's doubles: decided on the double where no conversion to decimal could change
/// the answer, left to the decimal the compiled rule compares otherwise.
/// </summary>
/// <remarks>
/// The compiled rule compares <see cref="NumberColumn.GetDecimal"/> (the double rounded to 15 significant digits, a
/// whole number exactly) with the literal as a decimal. Both differ from the doubles compared here by less than
/// 1e-14 of their size, so when the doubles lie further apart than 1e-9 of their sizes (plus one) the decimals are
/// ordered the same way. A missing value (NaN), a value of 1e27 or more (which decimal saturates) and a value that
/// close to the literal take the decimal path.
/// </remarks>
internal static class NumberKernel
{
    /// <summary>The comparison builtins over decimals.</summary>
    public enum Comparison
    {
        /// <summary>=</summary>
        Equal,

        /// <summary>!=</summary>
        NotEqual,

        /// <summary>&lt;</summary>
        Less,

        /// <summary>&lt;=</summary>
        LessOrEqual,

        /// <summary>&gt;</summary>
        Greater,

        /// <summary>&gt;=</summary>
        GreaterOrEqual,
    }

    private const double Limit = 1e27;

    /// <summary>The comparison of a builtin's overload key (<c>Greater(Decimal,Decimal)</c>), one of the six.</summary>
    public static Comparison KindOf(string key) => key[..key.IndexOf('(', StringComparison.Ordinal)] switch
    {
        "Equal" => Comparison.Equal,
        "NotEqual" => Comparison.NotEqual,
        "Less" => Comparison.Less,
        "LessOrEqual" => Comparison.LessOrEqual,
        "Greater" => Comparison.Greater,
        "GreaterOrEqual" => Comparison.GreaterOrEqual,
        _ => throw new ArgumentException($"not a comparison: {key}", nameof(key)),
    };

    /// <summary>True when a literal is small enough for the double comparison (far from decimal's limits).</summary>
    public static bool Fits(decimal literal) => Math.Abs(literal) < 1e27m;

    /// <summary>The sign of <paramref name="value"/> − <paramref name="literal"/> when the decimals compare the same way, else 0 (compare the decimals).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int Sign(double value, double literal)
    {
        double size = Math.Abs(value);
        if (!(size < Limit)) return 0; // NaN (missing) too
        double difference = value - literal;
        if (Math.Abs(difference) <= 1e-9 * (size + Math.Abs(literal) + 1)) return 0;
        return difference > 0 ? 1 : -1;
    }

    /// <summary>The comparison's value for left − right of sign <paramref name="sign"/> (0: the decimals are equal).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool Decide(Comparison kind, int sign) => kind switch
    {
        Comparison.Equal => sign == 0,
        Comparison.NotEqual => sign != 0,
        Comparison.Less => sign < 0,
        Comparison.LessOrEqual => sign <= 0,
        Comparison.Greater => sign > 0,
        _ => sign >= 0,
    };

    /// <summary>What <see cref="Relation"/> returns when only the decimals can tell.</summary>
    public const int Undecided = 2;

    /// <summary>
    /// True when a literal is a whole number below 1e15, which its double holds exactly: a column's double equal to it
    /// is then the same decimal (<see cref="NumberConversions.ToDecimal"/> converts such whole numbers exactly).
    /// </summary>
    public static bool IsExactWhole(decimal literal) => literal == decimal.Truncate(literal) && Math.Abs(literal) < 1e15m;

    /// <summary>
    /// The sign of the decimals' <paramref name="value"/> − <paramref name="literal"/> when the doubles tell it (<see cref="Sign"/>),
    /// 0 when both are the same whole number below 1e15 and the literal <see cref="IsExactWhole"/> (a visit number of 1,
    /// a score on the bound), else <see cref="Undecided"/>.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int Relation(double value, double literal, bool literalExactWhole)
    {
        int sign = Sign(value, literal);
        if (sign != 0) return sign;
        return literalExactWhole && value == literal ? 0 : Undecided;
    }
}

/// <summary>One side of a <see cref="NumberCompareNode"/>: a literal (no variable), a number variable, or a variable times a literal.</summary>
/// <param name="Variable">The variable, or null for a literal.</param>
/// <param name="Value">The literal, or the factor of a scaled variable.</param>
/// <param name="Scaled">True for a variable times <paramref name="Value"/>.</param>
/// <param name="LiteralFirst">True when the literal is the multiplication's left operand.</param>
internal readonly record struct NumberTerm(VariableNode<decimal?>? Variable, decimal Value, bool Scaled, bool LiteralFirst);

/// <summary>A comparison of two <see cref="NumberTerm"/>s, decided on the columns' doubles where <see cref="NumberKernel"/> allows, else on the decimals the compiled rule computes.</summary>
internal sealed class NumberCompareNode(NumberTerm left, NumberTerm right, Func<decimal?, decimal?, bool?> op, NumberKernel.Comparison kind) : BatchNode<bool?>
{
    private static readonly Func<decimal?, decimal?, decimal?> Multiply = (Func<decimal?, decimal?, decimal?>)BuiltinTable.Find("Multiply(Decimal,Decimal)")!;

    /// <summary>A product's doubles stay this far below CQL's decimal range (20 digits), where the decimal product is null.</summary>
    private const double ProductLimit = 1e19;

    /// <summary>How many subjects ahead a loop over kept rows asks for the row's code (<see cref="CodeTable{T}.Prefetch"/>).</summary>
    private const int PrefetchAhead = 16;

    private readonly double _leftValue = (double)left.Value, _rightValue = (double)right.Value;

    // Each term's variable read is recorded right after its record, before the other term (the compiled call's order).
    public override bool RecordsEvidence => true;

    // A literal side that is a whole number a double holds exactly (unused for a variable's side).
    private readonly bool _leftExactWhole = NumberKernel.IsExactWhole(left.Value), _rightExactWhole = NumberKernel.IsExactWhole(right.Value);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override void Eval(BatchRun run, bool[] active, bool?[] output)
    {
        var leftColumn = left.Variable is { } l ? run.Binding.Columns[l.ColumnSlot] as NumberColumn : null;
        var rightColumn = right.Variable is { } r ? run.Binding.Columns[r.ColumnSlot] as NumberColumn : null;
        bool numbers = (left.Variable is null || leftColumn is not null) && (right.Variable is null || rightColumn is not null);
        // A column lookup's kept rows read in the comparison's own loop (without evidence, where reading the variable records nothing).
        if (numbers && left.Variable?.Record is LookupNode leftLookup && leftLookup.KnownRows(run) is { } leftKnown)
        {
            if (!left.Scaled && right.Variable is null)
            {
                VariableWithLiteral(run, active, output, null, leftLookup, leftKnown, leftColumn!, _rightValue, flip: false);
                return;
            }
            if (right.Variable?.Record is LookupNode rightLookup && rightLookup.KnownRows(run) is { } rightKnown)
            {
                TwoVariables(run, active, output, null, null, (leftLookup, leftKnown, rightLookup, rightKnown), leftColumn!, rightColumn!);
                return;
            }
        }
        if (numbers && left.Variable is null && !right.Scaled && right.Variable?.Record is LookupNode lookup && lookup.KnownRows(run) is { } known)
        {
            VariableWithLiteral(run, active, output, null, lookup, known, rightColumn!, _leftValue, flip: true);
            return;
        }
        var leftRows = Rows(run, active, left);
        var rightRows = Rows(run, active, right);
        if (!numbers)
        {
            // A number variable held as text: read as the compiled rule reads it.
            var a = Values(run, active, left, leftRows);
            var b = Values(run, active, right, rightRows);
            for (int i = 0; i < run.Count; i++)
            {
                if (!run.Live(active, i)) continue;
                if (!Decimal(left, a?[i], out var x) || !Decimal(right, b?[i], out var y)) run.Fallback[i] = true;
                else output[i] = op(x, y);
            }
            return;
        }
        if (left.Variable is not null && !left.Scaled && right.Variable is null)
        {
            VariableWithLiteral(run, active, output, leftRows!, null, null, leftColumn!, _rightValue, flip: false);
            return;
        }
        if (right.Variable is not null && !right.Scaled && left.Variable is null)
        {
            VariableWithLiteral(run, active, output, rightRows!, null, null, rightColumn!, _leftValue, flip: true);
            return;
        }
        if (left.Variable is not null && right.Variable is not null)
        {
            TwoVariables(run, active, output, leftRows!, rightRows!, default, leftColumn!, rightColumn!);
            return;
        }
        var leftReader = leftColumn is null ? default : new NumberReader(leftColumn);
        var rightReader = rightColumn is null ? default : new NumberReader(rightColumn);
        for (int i = 0; i < run.Count; i++)
        {
            if (!run.Live(active, i)) continue;
            int leftRow = leftRows?[i] ?? 0, rightRow = rightRows?[i] ?? 0;
            if (Double(left, leftReader, leftRow, _leftValue, out double x) && Double(right, rightReader, rightRow, _rightValue, out double y)
                && NumberKernel.Sign(x, y) is var sign and not 0)
            {
                output[i] = NumberKernel.Decide(kind, sign);
                continue;
            }
            Exact(run, i, output, leftRow, rightRow, leftColumn, rightColumn);
        }
    }

    /// <summary>
    /// The common shape, a variable compared with a literal (<c>Lab('HBA1C').LBSTRESN &gt; 10</c>, or <c>10 &lt; ...</c> when
    /// <paramref name="flip"/>), as the general loop decides it, without its per-subject tests of the terms' shapes: over a
    /// dictionary-coded column, each subject's outcome is its value's, decided once per distinct value (<see cref="CodeTable{T}"/>).
    /// </summary>
    /// <remarks>The rows are <paramref name="rows"/>, or, when null, read from <paramref name="lookup"/>'s kept rows <paramref name="known"/> (<see cref="LookupNode.Row"/>).</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void VariableWithLiteral(BatchRun run, bool[] active, bool?[] output, int[]? rows, LookupNode? lookup, int[]? known, NumberColumn column, double literal, bool flip)
    {
        var fallback = run.Fallback;
        int count = run.Count;
        if (CodeTable<bool?>.For(ref _outcomes, column, run.Binding.Study.SubjectCount, (Node: this, Flip: flip), static (s, v) => s.Node.LiteralOutcome(v, s.Flip)) is { } outcomes)
        {
            ByCode(run, active, output, rows, lookup, known, outcomes);
            return;
        }
        // A plain column: the outcome when the variable lies clearly above or below the literal (NumberKernel.Sign of left − right).
        bool above = NumberKernel.Decide(kind, flip ? -1 : 1), below = NumberKernel.Decide(kind, flip ? 1 : -1), equal = NumberKernel.Decide(kind, 0);
        bool exactWhole = flip ? _leftExactWhole : _rightExactWhole;
        var reader = new NumberReader(column);
        int fromKnown = 0;
        for (int i = 0; i < count && i < active.Length && i < fallback.Length && i < output.Length; i++)
        {
            if (!active[i] || fallback[i]) continue;
            int row;
            if (rows is not null) row = rows[i];
            else if ((row = lookup!.Row(run, known!, i, ref fromKnown)) == ColumnLookup.Fallback) continue;
            double value = row < 0 ? double.NaN : reader.At(row);
            if (LiteralDecided(value, literal, exactWhole, above, below, equal, out bool decided))
            {
                output[i] = decided;
                continue;
            }
            if (flip) Exact(run, i, output, 0, row, null, column);
            else Exact(run, i, output, row, 0, column, null);
        }
        lookup?.EndRows(run, fromKnown);
    }

    /// <summary>
    /// The outcome of each live subject from its row's entry in <paramref name="outcomes"/>: the row in <paramref name="rows"/>,
    /// or, when null, the one <paramref name="lookup"/> keeps in <paramref name="known"/> (<see cref="ByCodeFromKnown"/>).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void ByCode(BatchRun run, bool[] active, bool?[] output, int[]? rows, LookupNode? lookup, int[]? known, CodeTable<bool?> outcomes)
    {
        if (rows is null)
        {
            ByCodeFromKnown(run, active, output, lookup!, known!, outcomes);
            return;
        }
        var fallback = run.Fallback;
        for (int i = 0; i < run.Count && i < active.Length && i < fallback.Length && i < output.Length && i < rows.Length; i++)
            if (active[i] && !fallback[i]) output[i] = outcomes.At(rows[i]);
    }

    /// <summary>
    /// The outcome of each live subject whose row <paramref name="lookup"/> keeps (or computes), from its value's entry in
    /// <paramref name="outcomes"/>, with <see cref="LookupNode.Row"/>'s side effects: shared by the comparisons over a lookup's variable.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void ByCodeFromKnown(BatchRun run, bool[] active, bool?[] output, LookupNode lookup, int[] known, CodeTable<bool?> outcomes)
    {
        var fallback = run.Fallback;
        var subjects = run.Subjects;
        var reads = run.Reads;
        ulong bit = lookup.DomainBit;
        int count = run.Count;
        int fromKnown = 0;
        for (int i = 0; i < count && i < active.Length && i < fallback.Length && i < output.Length && i < subjects.Length && i < reads.Length; i++)
        {
            if (i + PrefetchAhead < count && i + PrefetchAhead < subjects.Length) outcomes.Prefetch(ColumnLookup.KnownAt(known, subjects[i + PrefetchAhead]));
            if (!active[i] || fallback[i]) continue;
            int row = ColumnLookup.KnownAt(known, subjects[i]);
            if (row >= -1)
            {
                // A kept row (or none): LookupNode.Row's work, inline.
                fromKnown++;
                reads[i] |= bit;
            }
            else if ((row = lookup.Row(run, known, i, ref fromKnown)) == ColumnLookup.Fallback) continue;
            output[i] = outcomes.At(row);
        }
        lookup.EndRows(run, fromKnown);
    }

    /// <summary>
    /// The variable against the literal on the doubles, as <see cref="Double"/> then <see cref="NumberKernel.Sign"/> (and a value
    /// equal to a whole literal, the same decimal): false when only the decimals can tell.
    /// </summary>
    /// <remarks><paramref name="above"/>, <paramref name="below"/> and <paramref name="equal"/> are the outcomes for a variable above, below and equal to the literal.</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool LiteralDecided(double value, double literal, bool exactWhole, bool above, bool below, bool equal, out bool outcome)
    {
        // Sign(literal, v) is −Sign(v, literal) for a literal that fits.
        if (Math.Abs(value) < 1e27 && Math.Abs(value - literal) > 1e-9 * (Math.Abs(value) + Math.Abs(literal) + 1))
        {
            outcome = value > literal ? above : below;
            return true;
        }
        // Equal to a whole literal: the same decimal (a score on the bound).
        if (exactWhole && value == literal)
        {
            outcome = equal;
            return true;
        }
        outcome = false;
        return false;
    }

    /// <summary>
    /// What <see cref="VariableWithLiteral"/> gives a subject whose variable is <paramref name="value"/> (NaN: missing or no
    /// record): the doubles' answer, else the decimals' (<see cref="Exact"/>, which a literal and an unscaled variable never fall back).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private bool? LiteralOutcome(double value, bool flip)
    {
        bool above = NumberKernel.Decide(kind, flip ? -1 : 1), below = NumberKernel.Decide(kind, flip ? 1 : -1), equal = NumberKernel.Decide(kind, 0);
        if (LiteralDecided(value, flip ? _leftValue : _rightValue, flip ? _leftExactWhole : _rightExactWhole, above, below, equal, out bool decided)) return decided;
        decimal? variable = double.IsNaN(value) ? null : NumberConversions.ToDecimal(value);
        return flip ? op(left.Value, variable) : op(variable, right.Value);
    }

    /// <summary>The outcomes by code of the column <see cref="VariableWithLiteral"/> last read.</summary>
    private CodeTable<bool?>? _outcomes;

    /// <summary>
    /// Two variables, either or both times a literal (<c>Lab('ALT').LBSTRESN &gt; 3 * Lab('ALT').LBSTNRHI</c>), as the general
    /// loop decides them (<see cref="Double"/> of each term, then <see cref="NumberKernel.Sign"/>), without its per-subject
    /// tests of the terms' shapes and calls: an unscaled term is multiplied by 1, which changes no double.
    /// </summary>
    /// <remarks>The rows are <paramref name="leftRows"/> and <paramref name="rightRows"/>, or, when null, read from the lookups' kept rows (<paramref name="lookups"/>).</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void TwoVariables(BatchRun run, bool[] active, bool?[] output, int[]? leftRows, int[]? rightRows,
        (LookupNode Left, int[] LeftKnown, LookupNode Right, int[] RightKnown) lookups, NumberColumn leftColumn, NumberColumn rightColumn)
    {
        bool above = NumberKernel.Decide(kind, 1), below = NumberKernel.Decide(kind, -1);
        double leftFactor = left.Scaled ? _leftValue : 1, rightFactor = right.Scaled ? _rightValue : 1;
        double leftLimit = left.Scaled ? ProductLimit : 1e27, rightLimit = right.Scaled ? ProductLimit : 1e27;
        var leftReader = new NumberReader(leftColumn);
        var rightReader = new NumberReader(rightColumn);
        var fallback = run.Fallback;
        int count = run.Count;
        int leftFromKnown = 0, rightFromKnown = 0;
        var subjects = run.Subjects;
        // Rows from the lookups' kept rows (no record nodes' rows): those of the subjects a few ahead asked for as the loop goes.
        bool kept = leftRows is null || rightRows is null;
        for (int i = 0; i < count && i < active.Length && i < fallback.Length && i < output.Length; i++)
        {
            if (kept && i + PrefetchAhead < count && i + PrefetchAhead < subjects.Length)
            {
                int ahead = subjects[i + PrefetchAhead];
                leftReader.Prefetch(ColumnLookup.KnownAt(lookups.LeftKnown, ahead));
                rightReader.Prefetch(ColumnLookup.KnownAt(lookups.RightKnown, ahead));
            }
            if (!active[i] || fallback[i]) continue;
            int leftRow, rightRow;
            if (leftRows is not null && rightRows is not null) (leftRow, rightRow) = (leftRows[i], rightRows[i]);
            else
            {
                // As the two record nodes in turn: a subject the left falls back is not asked of the right.
                if ((leftRow = lookups.Left.Row(run, lookups.LeftKnown, i, ref leftFromKnown)) == ColumnLookup.Fallback) continue;
                if ((rightRow = lookups.Right.Row(run, lookups.RightKnown, i, ref rightFromKnown)) == ColumnLookup.Fallback) continue;
            }
            double x = (leftRow < 0 ? double.NaN : leftReader.At(leftRow)) * leftFactor;
            double y = (rightRow < 0 ? double.NaN : rightReader.At(rightRow)) * rightFactor;
            // Both terms within their limits (NaN is not), and apart by more than NumberKernel.Sign's margin.
            if (Math.Abs(x) < leftLimit && Math.Abs(y) < rightLimit && Math.Abs(x - y) > 1e-9 * (Math.Abs(x) + Math.Abs(y) + 1))
            {
                output[i] = x > y ? above : below;
                continue;
            }
            Exact(run, i, output, leftRow, rightRow, leftColumn, rightColumn);
        }
        lookups.Left?.EndRows(run, leftFromKnown);
        lookups.Right?.EndRows(run, rightFromKnown);
    }

    /// <summary>Subject <paramref name="i"/>'s comparison on the decimals the compiled rule computes (the doubles could not decide it).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Exact(BatchRun run, int i, bool?[] output, int leftRow, int rightRow, NumberColumn? leftColumn, NumberColumn? rightColumn)
    {
        decimal? a = left.Variable is null ? null : leftRow < 0 ? null : leftColumn!.GetDecimal(leftRow);
        decimal? b = right.Variable is null ? null : rightRow < 0 ? null : rightColumn!.GetDecimal(rightRow);
        if (!Decimal(left, a, out var p) || !Decimal(right, b, out var q)) run.Fallback[i] = true;
        else output[i] = op(p, q);
    }

    private static int[]? Rows(BatchRun run, bool[] active, NumberTerm term)
    {
        if (term.Variable is not { } variable) return null;
        var rows = run.Buffer<int>(variable.Record.Id);
        variable.Record.Eval(run, active, rows);
        variable.RecordReads(run, active, rows);
        return rows;
    }

    private static decimal?[]? Values(BatchRun run, bool[] active, NumberTerm term, int[]? rows)
    {
        if (term.Variable is not { } variable) return null;
        var values = run.Buffer<decimal?>(variable.Id);
        variable.Read(run, active, rows!, values);
        return values;
    }

    /// <summary>The term's double when the kernel may compare it: present, finite, far from decimal's and CQL's limits.</summary>
    private static bool Double(NumberTerm term, in NumberReader column, int row, double literal, out double value)
    {
        if (term.Variable is null)
        {
            value = literal;
            return true;
        }
        value = row < 0 ? double.NaN : column.At(row);
        if (!term.Scaled) return Math.Abs(value) < 1e27;
        value *= literal;
        return Math.Abs(value) < ProductLimit;
    }

    /// <summary>The term's decimal as the compiled rule computes it from the variable's value; false when the arithmetic throws.</summary>
    private static bool Decimal(NumberTerm term, decimal? variable, out decimal? value)
    {
        if (term.Variable is null) value = term.Value;
        else if (!term.Scaled) value = variable;
        else
        {
            try
            {
                value = term.LiteralFirst ? Multiply(term.Value, variable) : Multiply(variable, term.Value);
            }
            catch (Exception)
            {
                // The compiled rule fails the same way and reports it.
                value = null;
                return false;
            }
        }
        return true;
    }
}

/// <summary><c>x in Interval[low, high]</c> for a number variable and literal bounds, on the column's doubles where <see cref="NumberKernel"/> allows.</summary>
internal sealed class NumberRangeNode(VariableNode<decimal?> variable, decimal low, bool lowClosed, decimal high, bool highClosed) : BatchNode<bool?>
{
    private readonly double _low = (double)low, _high = (double)high;
    private readonly bool _lowExactWhole = NumberKernel.IsExactWhole(low), _highExactWhole = NumberKernel.IsExactWhole(high);

    /// <summary>The outcomes by code of the column last read.</summary>
    private CodeTable<bool?>? _outcomes;

    public override bool RecordsEvidence => true;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override void Eval(BatchRun run, bool[] active, bool?[] output)
    {
        var lookup = variable.Record as LookupNode;
        var known = run.Binding.Columns[variable.ColumnSlot] is NumberColumn ? lookup?.KnownRows(run) : null;
        int[]? rows = null;
        if (known is null)
        {
            rows = run.Buffer<int>(variable.Record.Id);
            variable.Record.Eval(run, active, rows);
            variable.RecordReads(run, active, rows);
        }
        if (run.Binding.Columns[variable.ColumnSlot] is not NumberColumn numbers)
        {
            var values = run.Buffer<decimal?>(variable.Id);
            variable.Read(run, active, rows!, values);
            for (int i = 0; i < run.Count; i++)
                if (run.Live(active, i)) output[i] = RuntimeHelpers.InRange(values[i], low, lowClosed, high, highClosed);
            return;
        }
        var fallback = run.Fallback;
        int count = run.Count;
        if (CodeTable<bool?>.For(ref _outcomes, numbers, run.Binding.Study.SubjectCount, this, static (node, v) => node.Outcome(v)) is { } outcomes)
        {
            // Each subject's outcome is its value's, decided once per distinct value of the column.
            NumberCompareNode.ByCode(run, active, output, rows, lookup, known, outcomes);
            return;
        }
        var reader = new NumberReader(numbers);
        int fromKnown = 0;
        for (int i = 0; i < count && i < active.Length && i < fallback.Length && i < output.Length; i++)
        {
            if (!active[i] || fallback[i]) continue;
            int row;
            if (rows is not null) row = rows[i];
            // The column lookup's kept rows read here rather than through the record node's array (without evidence).
            else if ((row = lookup!.Row(run, known!, i, ref fromKnown)) == ColumnLookup.Fallback) continue;
            output[i] = Outcome(row < 0 ? double.NaN : reader.At(row));
        }
        lookup?.EndRows(run, fromKnown);
    }

    /// <summary>The outcome for a variable of <paramref name="v"/> (NaN: missing or no record): on the doubles where they decide, else on the decimal the compiled rule reads.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool? Outcome(double v)
    {
        double lowValue = _low, highValue = _high;
        // NumberKernel.Relation against each bound, without branches on the value: each decided when the value is
        // finite (not missing) and clearly apart from the bound, or the bound's own whole number.
        double toLow = v - lowValue, toHigh = v - highValue, size = Math.Abs(v);
        bool onLow = _lowExactWhole & v == lowValue, onHigh = _highExactWhole & v == highValue;
        bool decided = (size < 1e27) & (onLow | Math.Abs(toLow) > 1e-9 * (size + Math.Abs(lowValue) + 1)) & (onHigh | Math.Abs(toHigh) > 1e-9 * (size + Math.Abs(highValue) + 1));
        // On a bound (the same whole number), inside when that bound is closed.
        if (decided) return (toLow > 0 | (onLow & lowClosed)) & (toHigh < 0 | (onHigh & highClosed));
        return RuntimeHelpers.InRange(double.IsNaN(v) ? null : NumberConversions.ToDecimal(v), low, lowClosed, high, highClosed);
    }
}
