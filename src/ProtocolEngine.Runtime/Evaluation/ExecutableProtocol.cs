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

    /// <summary>The rule evaluated for a batch of subjects at once, or null when no part of it can be (<see cref="Native.BatchCriterion"/>).</summary>
    internal BatchCriterion? Batch { get; init; }
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
/// A compiled protocol with every rule compiled to a delegate by the native backend, indexed by rule id. Built once
/// per content (the protocol's and its libraries' text, where the files are, the data model) and shared by every
/// compilation of that content: it is immutable and safe to use from many threads, each with its own
/// <see cref="EvaluationContext"/>.
/// </summary>
public sealed class ExecutableProtocol
{
    // By content, not by compilation: rules are found by their rule id, which two compilations of one text share, so
    // recompiling unchanged text reuses the delegates. Weak: an executable nobody holds is built again when asked for.
    private static readonly ConcurrentDictionary<string, WeakReference<ExecutableProtocol>> ByContent = new(StringComparer.Ordinal);
    private static readonly ConditionalWeakTable<CompiledProtocol, ExecutableProtocol> ByCompilation = new();
    private static readonly ConditionalWeakTable<object, string> ModelKeys = new();
    // One build per content at a time; different protocols build in parallel.
    private static readonly ConcurrentDictionary<string, Lock> BuildLocks = new(StringComparer.Ordinal);
    private static long _modelCount;
    private readonly ConditionalWeakTable<StudyData, StudyBinding> _bindings = new();
    private readonly SlotAllocator _slots;
    private readonly ExpressionCompiler _compiler;
    private readonly List<Func<EvaluationContext, object?>> _defines = [];
    private readonly Dictionary<ParameterSymbol, object?> _parameterValues = [];
    private readonly Dictionary<string, Func<EvaluationContext, DomainRecord?, bool?>> _recordRules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ExecutableCriterion> _criteriaById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ExecutableCheck> _checksById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ExecutableSafetyRule> _safetyRulesById = new(StringComparer.Ordinal);
    private readonly Dictionary<FunctionSymbol, Func<EvaluationContext, DomainRecord?, object?>> _recordFunctions = [];

    private ExecutableProtocol(CompiledProtocol? source)
    {
        Source = source;
        _slots = new SlotAllocator();
        _compiler = new ExpressionCompiler(_slots, ParameterValue);
    }

    /// <summary>
    /// The compiled protocol this was built from (null for a lone expression): the first compilation of its content;
    /// later compilations of the same content share this executable.
    /// </summary>
    public CompiledProtocol? Source { get; }

    /// <summary>The executable form of a compiled protocol, built once per content and shared.</summary>
    /// <exception cref="ArgumentException">The protocol has errors.</exception>
    public static ExecutableProtocol For(CompiledProtocol protocol)
    {
        if (protocol.HasErrors) throw new ArgumentException($"Protocol {protocol.Name} has errors and cannot run.", nameof(protocol));
        if (ByCompilation.TryGetValue(protocol, out var known)) return known;
        var key = ContentKey(protocol);
        lock (BuildLocks.GetOrAdd(key, _ => new Lock()))
        {
            if (!ByContent.TryGetValue(key, out var weak) || !weak.TryGetTarget(out var executable))
            {
                executable = Build(protocol);
                ByContent[key] = new WeakReference<ExecutableProtocol>(executable);
            }
            ByCompilation.AddOrUpdate(protocol, executable);
            return executable;
        }
    }

    // The content hash names the text; the paths name the files runtime errors point at; the data model decides the
    // types the rules were bound against (a study's define.xml refines SDTMIG), so each model object keys its own.
    private static string ContentKey(CompiledProtocol protocol)
    {
        var model = protocol.DataModel is null ? "-" : ModelKeys.GetValue(protocol.DataModel, _ => Interlocked.Increment(ref _modelCount).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return string.Join("|", protocol.Libraries.Select(l => l.Source.Path).Order(StringComparer.Ordinal).Prepend(protocol.Source.Path).Prepend(model).Prepend(protocol.ContentHash));
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

    /// <summary>
    /// Lets a batch criterion run with evidence on when its nodes record evidence and the definitions and memoised calls they
    /// evaluate (<see cref="BatchCriterion.Footprint"/>) no other criterion reaches (see <see cref="BatchCriterion.RecordsEvidence"/>).
    /// </summary>
    private static void MarkBatchesRecordingEvidence(IReadOnlyList<ExecutableCriterion> criteria)
    {
        var cached = criteria.Select(c => c.Criterion.Rule is { } rule ? BatchCriterion.CachedValues(rule) : []).ToList();
        for (int j = 0; j < criteria.Count; j++)
        {
            if (criteria[j].Batch is not { NodesRecordEvidence: true } batch) continue;
            bool shared = false;
            for (int k = 0; k < criteria.Count && !shared; k++)
                shared = k != j && BatchCriterion.Share([.. batch.Footprint], cached[k]);
            batch.RecordsEvidence = !shared;
        }
    }

    private static ExecutableProtocol Build(CompiledProtocol protocol)
    {
        var p = new ExecutableProtocol(protocol);
        p.Criteria = [.. protocol.Criteria.Select(c => new ExecutableCriterion(c)
        {
            Rule = c.Rule is null ? null : p._compiler.CompileBoolean(c.Rule),
            Batch = c.Rule is null ? null : BatchCriterion.Compile(c.Rule, p._compiler.LookupOf, p._slots, p.ParameterValue),
        })];
        foreach (var c in p.Criteria) p._criteriaById.TryAdd(c.Criterion.RuleId, c);
        MarkBatchesRecordingEvidence(p.Criteria);
        p.Checks = [.. protocol.Checks.Select(c => new ExecutableCheck(
            c,
            c.Where is null ? null : p._compiler.CompileBooleanForRecord(c.Where, c.Alias),
            p._compiler.CompileBooleanForRecord(c.Expect, c.Alias),
            [.. c.Message.Select(part => part.Value is null ? null : p._compiler.CompileForRecord(part.Value, c.Alias))]))];
        p.SafetyRules = [.. protocol.SafetyRules.Select(r => new ExecutableSafetyRule(r, r.When is null ? null : p._compiler.CompileBooleanForRecord(r.When, r.Alias)))];
        foreach (var c in p.Checks) p._checksById.TryAdd(c.Check.RuleId, c);
        foreach (var rule in p.SafetyRules) p._safetyRulesById.TryAdd(rule.Rule.RuleId, rule);
        foreach (var workflow in protocol.Workflows)
        {
            if (workflow is { StartWhen: { } start, StartIdentity: { } id }) p._recordRules.TryAdd(id.Id, p._compiler.CompileBooleanForRecord(start, workflow.Alias));
            foreach (var t in workflow.Transitions)
                foreach (var guard in BoundGuards.Conditions(t.Guard))
                    p._recordRules.TryAdd(guard.Identity.Id, p._compiler.CompileBooleanForRecord(guard.Condition, workflow.Alias));
        }
        // The Boolean functions of one record of a workflow's domain (Serious(A), Expected(A), Susar(A), ...): what the
        // rules propose about the record, shown to the person who decides. Compiled here, before the slots are fixed.
        foreach (var workflow in protocol.Workflows)
        {
            if (workflow.Alias is not { } alias) continue;
            foreach (var f in protocol.Functions.Values.Concat(protocol.Libraries.SelectMany(l => l.Functions.Values)))
            {
                if (f.Parameters.Length != 1 || !f.Parameters[0].Type.Equals(alias.Type) || !f.ReturnType.Equals(Language.Types.ProtocolType.Boolean) || f.Body is null) continue;
                if (p._recordFunctions.ContainsKey(f)) continue;
                var call = new BoundFunctionCall(f.Syntax, f, [new BoundLocal(f.Syntax, f.Parameters[0])]);
                p._recordFunctions[f] = p._compiler.CompileForRecord(call, f.Parameters[0]);
            }
        }
        p.Strata = protocol.Randomization is { } r ? [.. r.Strata.Select(s => p._compiler.CompileBoxed(s))] : [];
        // Every definition of the protocol runs (reports and `explain` show them), not only those rules reach.
        foreach (var define in protocol.Defines.Values) p._slots.Define(define);
        p.CompletePending();
        p.Freeze();
        return p;
    }

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
        LookupCount = _compiler.LookupCount;
        ColumnLookup.FormGroups(_compiler.Lookups, _slots);
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

    /// <summary>A compiled workflow condition (a start condition or a data guard) by rule id, over the instance's record.</summary>
    /// <exception cref="ArgumentException">The protocol has no workflow condition of that id.</exception>
    public Func<EvaluationContext, DomainRecord?, bool?> RecordRule(string ruleId) =>
        TryGetRecordRule(ruleId, out var rule) ? rule : throw new ArgumentException($"The protocol has no workflow condition {ruleId}.", nameof(ruleId));

    /// <summary>Finds a compiled workflow condition by rule id.</summary>
    public bool TryGetRecordRule(string ruleId, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Func<EvaluationContext, DomainRecord?, bool?> rule) =>
        _recordRules.TryGetValue(ruleId, out rule);

    /// <summary>A criterion by rule id (<c>criterion:INCL01</c>), or null.</summary>
    public ExecutableCriterion? FindCriterion(string ruleId) => _criteriaById.GetValueOrDefault(ruleId);

    /// <summary>A check by rule id (<c>check:AE01</c>), or null.</summary>
    public ExecutableCheck? FindCheck(string ruleId) => _checksById.GetValueOrDefault(ruleId);

    /// <summary>A safety rule by rule id (<c>safety:SeriousAE</c>), or null.</summary>
    public ExecutableSafetyRule? FindSafetyRule(string ruleId) => _safetyRulesById.GetValueOrDefault(ruleId);

    /// <summary>
    /// The Boolean functions of one record of a workflow's domain (for example <c>Serious(A AE)</c>), compiled over the
    /// record: what the rules propose about a record for a person to confirm.
    /// </summary>
    public IReadOnlyDictionary<FunctionSymbol, Func<EvaluationContext, DomainRecord?, object?>> RecordFunctions => _recordFunctions;

    internal Func<EvaluationContext, object?>[] Defines { get; private set; } = [];

    internal int DefineCount { get; private set; }

    internal int DomainSlotCount { get; private set; }

    /// <summary>How many column lookups (<see cref="Native.ColumnLookup"/>) the compiled rules hold.</summary>
    internal int LookupCount { get; private set; }

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
    internal StudyBinding Bind(StudyData study) => _bindings.GetValue(study, s => new StudyBinding(s, _slots.Domains, _slots.Columns, _slots.KeptCount));

    /// <summary>A context to evaluate rules with: one per thread; "now" is fixed for the whole run.</summary>
    public EvaluationContext CreateContext(StudyData? study, CqlDateTime now, EvaluationLimits? limits = null) =>
        new(this, study is null ? null : Bind(study), now, limits ?? EvaluationLimits.Default);
}
