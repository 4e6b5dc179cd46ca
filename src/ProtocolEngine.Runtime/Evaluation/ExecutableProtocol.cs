using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Native;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Evaluation;

/// <summary>A criterion ready to run.</summary>
/// <param name="Criterion">The bound criterion (id, text, hash).</param>
public sealed record ExecutableCriterion(BoundCriterion Criterion)
{
    /// <summary>
    /// The compiled rule; null for attested criteria. Internal on purpose: criteria are evaluated only by
    /// <see cref="Eligibility.EligibilityEvaluator"/>, which applies the missing-data policy and the recorded determinations.
    /// </summary>
    internal Func<EvaluationContext, bool?>? Rule { get; init; }
}

/// <summary>A data check ready to run.</summary>
/// <param name="Check">The bound check.</param>
/// <param name="Where">The filter, over one record (null when none).</param>
/// <param name="Expect">The expectation, over one record (the record is null for subject and study checks).</param>
/// <param name="MessageParts">The message's placeholders, evaluated over the record.</param>
public sealed record ExecutableCheck(
    BoundCheck Check,
    Func<EvaluationContext, DomainRecord?, bool?>? Where,
    Func<EvaluationContext, DomainRecord?, bool?> Expect,
    ImmutableArray<Func<EvaluationContext, DomainRecord?, object?>?> MessageParts);

/// <summary>A safety rule ready to run over records.</summary>
/// <param name="Rule">The bound rule.</param>
/// <param name="When">Its condition over one record (null: every record).</param>
public sealed record ExecutableSafetyRule(BoundSafetyRule Rule, Func<EvaluationContext, DomainRecord?, bool?>? When);

/// <summary>
/// A compiled protocol with every rule compiled to a delegate by the native backend. Compiled once per
/// <see cref="CompiledProtocol"/> and shared: it is immutable and safe to use from many threads, each with its own
/// <see cref="EvaluationContext"/>.
/// </summary>
public sealed class ExecutableProtocol
{
    // Per compilation, not per content hash: workflow conditions are looked up by their bound expression, so two
    // compilations of the same text must not share one executable (the second's expressions would be unknown to it).
    private static readonly ConditionalWeakTable<CompiledProtocol, Lazy<ExecutableProtocol>> Cache = new();
    private readonly ConditionalWeakTable<StudyData, StudyBinding> _bindings = new();
    private readonly SlotAllocator _slots;
    private readonly ExpressionCompiler _compiler;
    private readonly List<Func<EvaluationContext, object?>> _defines = [];
    private readonly Dictionary<ParameterSymbol, object?> _parameterValues = [];
    private readonly ConcurrentDictionary<BoundExpression, Func<EvaluationContext, DomainRecord?, bool?>> _recordRules = new(ReferenceEqualityComparer.Instance);

    private ExecutableProtocol(CompiledProtocol? source)
    {
        Source = source;
        _slots = new SlotAllocator();
        _compiler = new ExpressionCompiler(_slots, ParameterValue);
    }

    /// <summary>The compiled protocol this was built from (null for a lone expression).</summary>
    public CompiledProtocol? Source { get; }

    /// <summary>The executable form of a compiled protocol, compiled once per compilation.</summary>
    /// <exception cref="ArgumentException">The protocol has errors.</exception>
    public static ExecutableProtocol For(CompiledProtocol protocol)
    {
        if (protocol.HasErrors) throw new ArgumentException($"Protocol {protocol.Name} has errors and cannot run.", nameof(protocol));
        return Cache.GetValue(protocol, p => new Lazy<ExecutableProtocol>(() => Build(p))).Value;
    }

    /// <summary>Compiles a lone expression (the conformance runner's and the expression tests' entry).</summary>
    /// <exception cref="ArgumentException">The expression has errors.</exception>
    public static (ExecutableProtocol Protocol, Func<EvaluationContext, object?> Expression) ForExpression(CompiledExpression expression)
    {
        if (expression.HasErrors) throw new ArgumentException("The expression has errors.", nameof(expression));
        var protocol = new ExecutableProtocol(null);
        var compiled = protocol._compiler.CompileBoxed(expression.Bound);
        protocol.CompletePending();
        protocol.Freeze();
        return (protocol, compiled);
    }

    private static ExecutableProtocol Build(CompiledProtocol protocol)
    {
        var p = new ExecutableProtocol(protocol);
        p.Criteria = [.. protocol.Criteria.Select(c => new ExecutableCriterion(c) { Rule = c.Rule is null ? null : p._compiler.CompileBoolean(c.Rule) })];
        p.Checks = [.. protocol.Checks.Select(c => new ExecutableCheck(
            c,
            c.Where is null ? null : p._compiler.CompileBooleanForRecord(c.Where, c.Alias),
            p._compiler.CompileBooleanForRecord(c.Expect, c.Alias),
            [.. c.Message.Select(part => part.Value is null ? null : p._compiler.CompileForRecord(part.Value, c.Alias))]))];
        p.SafetyRules = [.. protocol.SafetyRules.Select(r => new ExecutableSafetyRule(r, r.When is null ? null : p._compiler.CompileBooleanForRecord(r.When, r.Alias)))];
        foreach (var workflow in protocol.Workflows)
        {
            if (workflow.StartWhen is { } start) p._recordRules[start] = p._compiler.CompileBooleanForRecord(start, workflow.Alias);
            foreach (var t in workflow.Transitions)
                foreach (var guard in Guards(t.Guard))
                    p._recordRules[guard.Condition] = p._compiler.CompileBooleanForRecord(guard.Condition, workflow.Alias);
        }
        p.Strata = protocol.Randomization is { } r ? [.. r.Strata.Select(s => p._compiler.CompileBoxed(s))] : [];
        // Every definition of the protocol runs (reports and `explain` show them), not only those rules reach.
        foreach (var define in protocol.Defines.Values) p._slots.Define(define);
        p.CompletePending();
        p.Freeze();
        return p;
    }

    private static IEnumerable<BoundExpressionGuard> Guards(BoundGuard? guard) => guard switch
    {
        BoundExpressionGuard e => [e],
        BoundBinaryGuard b => Guards(b.Left).Concat(Guards(b.Right)),
        _ => [],
    };

    // Definitions referenced while compiling others are compiled until none are left.
    private void CompletePending()
    {
        for (int i = _defines.Count; i < _slots.Defines.Count; i++)
        {
            var define = _slots.Defines[i];
            _defines.Add(define.Call is { } call
                ? _compiler.CompileCallBoxed(call)
                : _compiler.CompileBoxed(define.Body ?? throw new InvalidOperationException($"Definition {define.Name} is not bound.")));
        }
    }

    private void Freeze()
    {
        Defines = [.. _defines];
        DefineCount = Defines.Length;
        DomainSlotCount = _slots.Domains.Count;
    }

    private object? ParameterValue(ParameterSymbol parameter)
    {
        if (_parameterValues.TryGetValue(parameter, out var value)) return value;
        // Parameters are constants: evaluate once, without subject data.
        if (parameter.Value is null) return _parameterValues[parameter] = null;
        var compiled = new ExpressionCompiler(new SlotAllocator(), ParameterValue).CompileBoxed(parameter.Value);
        var ctx = new EvaluationContext(this, null, CqlDateTime.FromDateTime(DateTime.UtcNow, DateTimePrecision.Millisecond, 0), EvaluationLimits.Default);
        value = compiled(ctx);
        _parameterValues[parameter] = value;
        return value;
    }

    /// <summary>The compiled criteria, in protocol order.</summary>
    public ImmutableArray<ExecutableCriterion> Criteria { get; private set; } = [];

    /// <summary>The compiled checks.</summary>
    public ImmutableArray<ExecutableCheck> Checks { get; private set; } = [];

    /// <summary>The compiled safety rules.</summary>
    public ImmutableArray<ExecutableSafetyRule> SafetyRules { get; private set; } = [];

    /// <summary>The compiled stratification factors of the randomisation.</summary>
    public ImmutableArray<Func<EvaluationContext, object?>> Strata { get; private set; } = [];

    /// <summary>A compiled workflow condition (a start condition or an expression guard), over the instance's record.</summary>
    public Func<EvaluationContext, DomainRecord?, bool?> RecordRule(BoundExpression condition) =>
        _recordRules.TryGetValue(condition, out var rule) ? rule : throw new ArgumentException("That expression is not a compiled workflow condition of this protocol.", nameof(condition));

    internal Func<EvaluationContext, object?>[] Defines { get; private set; } = [];

    internal int DefineCount { get; private set; }

    internal int DomainSlotCount { get; private set; }

    internal string DefineName(int slot) => _slots.Defines[slot].Name;

    /// <summary>Evaluates a definition of the protocol for the context's current subject (cached per subject).</summary>
    /// <exception cref="ArgumentException">The protocol has no definition of that name.</exception>
    public object? EvaluateDefine(EvaluationContext ctx, string name)
    {
        int slot = _slots.Defines.FindIndex(d => d.Name == name && d.Library is null);
        if (slot < 0) throw new ArgumentException($"The protocol has no definition {name}.", nameof(name));
        return ctx.GetDefine(slot);
    }

    internal string DomainName(int slot) => _slots.Domains[slot];

    /// <summary>The domains the rules read.</summary>
    public IReadOnlyList<string> DomainsRead => _slots.Domains;

    /// <summary>Resolves the rules' data slots against a study (once per study).</summary>
    public StudyBinding Bind(StudyData study) => _bindings.GetValue(study, s => new StudyBinding(s, _slots.Domains, _slots.Columns));

    /// <summary>A context to evaluate rules with: one per thread; "now" is fixed for the whole run.</summary>
    public EvaluationContext CreateContext(StudyData? study, CqlDateTime now, EvaluationLimits? limits = null) =>
        new(this, study is null ? null : Bind(study), now, limits ?? EvaluationLimits.Default);
}
