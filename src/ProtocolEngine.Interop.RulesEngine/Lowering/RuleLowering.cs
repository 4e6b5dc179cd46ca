using System.Globalization;
using System.Text;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Lowering;

namespace ProtocolEngine.Interop.RulesEngine.Lowering;

/// <summary>
/// The RulesEngine target of the one lowering (<see cref="ExpressionLowering"/>): a rule becomes one Dynamic LINQ
/// expression (the expression language of Microsoft RulesEngine's lambda rules) over the subject parameter <c>s</c>
/// (<see cref="RulesEngineSubject"/>). Booleans are ints 0/1/2 (and = Math.Min, or = Math.Max, not = 2 − x), so a
/// RulesEngine user can never read Unknown as false by accident. Only types Dynamic LINQ predefines are used (Math,
/// Convert, String, StringComparison), so the workflow runs under RulesEngine's default settings, without custom types.
/// What RulesEngine cannot express although SQL can (Boolean variables, text order, dates in a list, Integer negation,
/// an expression too long once inlined) it refuses through the same <see cref="NotLowerable"/>.
/// </summary>
internal sealed class RuleLowering : LoweringTarget
{
    private readonly ExpressionLowering _pass;
    private int _params;

    public RuleLowering() => _pass = new ExpressionLowering(this);

    /// <summary>The variables the lowered rules read, per domain (the keys every record of the input must have).</summary>
    public SortedDictionary<string, SortedSet<string>> Reads { get; } = new(StringComparer.Ordinal);

    /// <summary>The variables the last rule lowered reads, as DOMAIN.VARIABLE (what a user's input must hold for it).</summary>
    public SortedSet<string> RuleReads { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>A criterion's rule as a 0/1/2 expression.</summary>
    public string LowerRule(BoundExpression rule)
    {
        RuleReads = new(StringComparer.Ordinal);
        return _pass.LowerRule(rule);
    }

    /// <summary>A C# / Dynamic LINQ string literal: quotes, backslashes and every character outside printable ASCII escaped.</summary>
    public static string Literal(string value)
    {
        var b = new StringBuilder("\"");
        foreach (char c in value)
        {
            if (c == '"') b.Append("\\\"");
            else if (c == '\\') b.Append("\\\\");
            else if (c < 0x20 || c > 0x7E) b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else b.Append(c);
        }
        return b.Append('"').ToString();
    }

    // Every number is a decimal?, literals too: Dynamic LINQ has no lifting between decimal and decimal? in a conditional or == null.
    private static string Number(decimal d) => $"decimal?({d.ToString(CultureInfo.InvariantCulture)}m)";

    /// <summary>
    /// The longest expression a rule may have once written out: definitions and functions are inlined and a comparison
    /// reads each operand twice (for its null test), so nesting can grow a rule exponentially; past this it is refused.
    /// </summary>
    public const int MaxExpressionLength = 100_000;

    public override string OnlyDemographics => "(only DM is the subject's record)";

    public override string DatesNote => "(dates are only sorted and tested for null)";

    public override string TextOrderDependsOn => "the culture";

    public override void Check(Sym lowered, BoundExpression at)
    {
        if (lowered is ScalarSym { Text.Length: > MaxExpressionLength })
            throw new NotLowerable(at.Syntax, "an expression longer than 100,000 characters once written out (definitions and functions are inlined)");
    }

    public override void CheckVariable(ValueKind kind, BoundVariableAccess at)
    {
        if (kind == ValueKind.Bool) throw new NotLowerable(at.Syntax, "Boolean variables");
    }

    // Text order in .NET depends on the culture; ISO dates and numbers sort the same everywhere.
    public override void CheckSortKey(ScalarSym key, BoundExpression at)
    {
        if (key.Kind == ValueKind.Text) throw new NotLowerable(at.Syntax, "sorting by text (culture-dependent order)");
    }

    public override void CheckListMembership(ScalarSym value, ListSym list, BoundCall at)
    {
        if (list.Elements.Any(e => e.Kind == ValueKind.Date) || value.Kind == ValueKind.Date) throw new NotLowerable(at.Syntax, "membership of dates");
    }

    /// <summary>The test that a value is null (Dynamic LINQ refuses <c>1m == null</c>: a literal's is <c>false</c>).</summary>
    private static string IsNullText(ScalarSym s) => s.NonNull ? "false" : $"{s.Text} == null";

    /// <summary>A subject's records of a domain in the input.</summary>
    private static string Source(RecordsSym r) => $"s.Domains[{Literal(r.Domain)}]";

    // ----- values -----

    internal static string NullOf(ValueKind kind) => kind switch
    {
        ValueKind.Bool => "1",
        ValueKind.Num or ValueKind.Int => "decimal?(null)",
        _ => "string(null)",
    };

    public override ScalarSym Null(ValueKind kind) => new(NullOf(kind), kind);

    public override ScalarSym Integer(long value) => new(Number(value), ValueKind.Int, NonNull: true);

    public override ScalarSym Decimal(decimal value) => new(Number(value), ValueKind.Num, NonNull: true);

    public override ScalarSym Text(string value) => new(Literal(value), ValueKind.Text, NonNull: true);

    // Every number is a decimal? in the expression already: only its kind changes.
    public override ScalarSym ToDecimal(ScalarSym integer) => integer with { Kind = ValueKind.Num };

    public override RowSym SubjectRow(string domain)
    {
        Touch("DM", null);
        return new RowSym("DM", "s.DM", IsSubject: true, Missing: false);
    }

    public override RecordsSym Records(string domain)
    {
        Touch(domain, null);
        return new RecordsSym(domain, NextParam(), null, [], Missing: false);
    }

    private void Touch(string domain, string? variable)
    {
        if (!Reads.TryGetValue(domain, out var set)) Reads[domain] = set = new(StringComparer.Ordinal);
        if (variable is null) return;
        set.Add(variable);
        RuleReads.Add(domain + "." + variable);
    }

    private string NextParam() => "r" + (++_params).ToString(CultureInfo.InvariantCulture);

    /// <summary>A variable of a record (a dictionary of the values the rules read), typed: null stays null, never 0 or "".</summary>
    internal static ScalarSym Read(string record, string variable, ValueKind kind)
    {
        var cell = $"{record}[{Literal(variable)}]";
        return kind is ValueKind.Num or ValueKind.Int
            ? new ScalarSym($"({cell} == null ? decimal?(null) : Convert.ToDecimal({cell}))", kind)
            : new ScalarSym($"({cell} == null ? string(null) : Convert.ToString({cell}))", kind);
    }

    public override ScalarSym ReadRow(RowSym row, string variable, ValueKind kind)
    {
        Touch(row.Domain, variable);
        return Read(row.Text, variable, kind);
    }

    public override ScalarSym ReadPicked(PickSym pick, string variable, ValueKind kind)
    {
        Touch(pick.Records.Domain, variable);
        var p = NextParam();
        var value = Read(p, variable, kind);
        // The value of the chosen record, or null when no record passes (FirstOrDefault of decimal? or string).
        return new ScalarSym($"{Chain(pick.Records)}.Select({p} => {value.Text}).{(pick.Last ? "LastOrDefault" : "FirstOrDefault")}()", kind);
    }

    /// <summary>
    /// The passing records in the engine's order: Enumerable's OrderBy is stable (ties in record order) and puts nulls
    /// first ascending and last descending, as the native sort does; Last is the last of that order.
    /// </summary>
    internal static string Chain(RecordsSym r)
    {
        var b = new StringBuilder(Source(r));
        if (r.Where is not null) b.Append($".Where({r.Name} => {r.Where} == 2)");
        for (int i = 0; i < r.Sort.Length; i++)
        {
            var (key, descending) = r.Sort[i];
            string method = (i == 0 ? "OrderBy" : "ThenBy") + (descending ? "Descending" : "");
            b.Append($".{method}({r.Name} => {key})");
        }
        return b.ToString();
    }

    // ----- conditionals and logic -----

    // CQL's if takes the else branch when the condition is null (unknown).
    public override ScalarSym If(string condition, ScalarSym then, ScalarSym otherwise, ValueKind kind) => new($"({condition} == 2 ? {then.Text} : {otherwise.Text})", kind);

    public override ScalarSym Case(IReadOnlyList<(string When, ScalarSym Then)> branches, ScalarSym otherwise, ValueKind kind)
    {
        var text = otherwise.Text;
        for (int i = branches.Count - 1; i >= 0; i--) text = $"({branches[i].When} == 2 ? {branches[i].Then.Text} : {text})";
        return new ScalarSym(text, kind);
    }

    public override string And(string a, string b) => $"Math.Min({a}, {b})";

    public override string Or(string a, string b) => $"Math.Max({a}, {b})";

    public override string Implies(string a, string b) => $"Math.Max(2 - {a}, {b})";

    public override string Xor(string a, string b) => $"({a} == 1 || {b} == 1 ? 1 : ({a} == {b} ? 0 : 2))";

    public override string Choose(string test, string then, string otherwise) => $"({test} ? {then} : {otherwise})";

    public override string Is(string a, int value) => $"{a} == {value.ToString(CultureInfo.InvariantCulture)}";

    public override string Unless(string a, int value) => $"{a} != {value.ToString(CultureInfo.InvariantCulture)}";

    public override string NullTest(ScalarSym value) => IsNullText(value);

    public override string IsNull(PickSym pick) => $"({Chain(pick.Records)}.Any() ? 0 : 2)";

    public override string IsNull(RowSym subjectRow) => "(s.HasDM ? 0 : 2)";

    public override string CoalesceBooleans(IReadOnlyList<ScalarSym> values)
    {
        // Booleans are never null here: the first that is not unknown.
        var text = values[^1].Text;
        for (int i = values.Count - 2; i >= 0; i--) text = $"({values[i].Text} == 1 ? {text} : {values[i].Text})";
        return text;
    }

    public override ScalarSym Coalesce(IReadOnlyList<ScalarSym> values, ValueKind kind) => new($"({string.Join(" ?? ", values.Select(v => v.Text))})", kind);

    // ----- comparison, arithmetic, text -----

    public override string EqualNumbers(ScalarSym a, ScalarSym b) => $"({IsNullText(a)} || {IsNullText(b)} ? 1 : ({a.Text} == {b.Text} ? 2 : 0))";

    // Ordinal: == of strings.
    public override string EqualText(ScalarSym a, ScalarSym b) => EqualNumbers(a, b);

    public override string EqualBooleans(string a, string b) => $"({a} == 1 || {b} == 1 ? 1 : ({a} == {b} ? 2 : 0))";

    public override string Compare(string name, ScalarSym a, ScalarSym b)
    {
        string op = name switch { "Less" => "<", "LessOrEqual" => "<=", "Greater" => ">", _ => ">=" };
        return $"({IsNullText(a)} || {IsNullText(b)} ? 1 : ({a.Text} {op} {b.Text} ? 2 : 0))";
    }

    // decimal? arithmetic is lifted: null when either operand is.
    public override ScalarSym Arithmetic(string op, ScalarSym a, ScalarSym b) => new($"({a.Text} {op} {b.Text})", ValueKind.Num, a.NonNull && b.NonNull);

    public override ScalarSym Negate(ScalarSym a, BoundCall at)
    {
        if (a.Kind == ValueKind.Int) throw new NotLowerable(at.Syntax, "Integer arithmetic (the engine's overflow to null is not encoded)");
        return new ScalarSym($"(-{a.Text})", a.Kind, a.NonNull);
    }

    public override ScalarSym Case(ScalarSym text, bool upper) =>
        new($"({IsNullText(text)} ? string(null) : {text.Text}.{(upper ? "ToUpperInvariant" : "ToLowerInvariant")}())", ValueKind.Text, text.NonNull);

    // ----- membership and records -----

    public override string InList(ScalarSym value, ListSym list)
    {
        // The engine: a null value is in the list when the list holds a null; otherwise an element equal to it (a null element never is).
        var anyNull = string.Join(" || ", list.Elements.Select(IsNullText));
        var equal = string.Join(" || ", list.Elements.Select(e => $"{value.Text} == {e.Text}"));
        return $"({IsNullText(value)} ? ({anyNull} ? 2 : 0) : ({equal} ? 2 : 0))";
    }

    public override string InInterval(ScalarSym value, IntervalSym interval) =>
        $"({IsNullText(value)} ? 1 : ({value.Text} {interval.LowOperator} {interval.Low.Text} && {value.Text} {interval.HighOperator} {interval.High.Text} ? 2 : 0))";

    public override string InCodeList(ScalarSym value, CodeListSym codes)
    {
        var tests = codes.Codes.Select(c => $"{value.Text} == {Literal(c)}")
            .Concat(codes.Displays.Select(d => $"string.Equals({value.Text}, {Literal(d)}, StringComparison.OrdinalIgnoreCase)"))
            .ToList();
        if (tests.Count == 0) return $"({IsNullText(value)} ? 1 : 0)";
        return $"({IsNullText(value)} ? 1 : ({string.Join(" || ", tests)} ? 2 : 0))";
    }

    // No records: unknown (absence of records is not evidence of absence); otherwise the best filter outcome (2 a record
    // passes, 1 none does but one was undecidable, 0 none passes).
    public override string Exists(RecordsSym records, bool fused) => records.Where is null
        ? $"({Source(records)}.Count == 0 ? 1 : 2)"
        : $"({Source(records)}.Count == 0 ? 1 : {Source(records)}.Max({records.Name} => {records.Where}))";

    // A count that may be short for want of data (no records at all, or an undecidable filter) is null.
    public override ScalarSym Count(RecordsSym records)
    {
        var source = Source(records);
        return records.Where is null
            ? new ScalarSym($"({source}.Count == 0 ? decimal?(null) : decimal?({source}.Count))", ValueKind.Int)
            : new ScalarSym($"({source}.Count == 0 || {source}.Any({records.Name} => {records.Where} == 1) ? decimal?(null) : decimal?({source}.Count({records.Name} => {records.Where} == 2)))", ValueKind.Int);
    }
}
