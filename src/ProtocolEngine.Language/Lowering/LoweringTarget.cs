using ProtocolEngine.Language.Binding;

namespace ProtocolEngine.Language.Lowering;

/// <summary>
/// What a target of <see cref="ExpressionLowering"/> writes: the SQL dialects and the RulesEngine (Dynamic LINQ)
/// expression writer implement it. The pass decides what is expressible and walks the typed tree; a target only writes
/// each construct in its own text, and refuses, by throwing <see cref="NotLowerable"/> with the reason its diagnostic
/// names, what it cannot express although the pass can (the <c>Check</c> members).
/// </summary>
internal abstract class LoweringTarget
{
    /// <summary>Why a one-record domain other than DM is refused, as the diagnostic ends it: "(only DM is ...)".</summary>
    public abstract string OnlyDemographics { get; }

    /// <summary>Why dates are not numbers here, in parentheses.</summary>
    public abstract string DatesNote { get; }

    /// <summary>What text order depends on in this target (why text is not compared).</summary>
    public abstract string TextOrderDependsOn { get; }

    /// <summary>Called with every node's lowered value (a target may refuse one, for example for its length).</summary>
    public virtual void Check(Sym lowered, BoundExpression at)
    {
    }

    /// <summary>Called before a variable's record is lowered (a target may refuse the variable's kind).</summary>
    public virtual void CheckVariable(ValueKind kind, BoundVariableAccess at)
    {
    }

    /// <summary>Called with each sort key of a query (a target may refuse its kind).</summary>
    public virtual void CheckSortKey(ScalarSym key, BoundExpression at)
    {
    }

    /// <summary>Called with a query's lowered filter and sort keys (a target may refuse what it cannot aggregate).</summary>
    public virtual void CheckQuery(RecordsSym records, string? where, IEnumerable<string> sortKeys, BoundQuery at)
    {
    }

    /// <summary>Called before a query's filter is lowered (over <paramref name="records"/>, not yet filtered).</summary>
    public virtual void BeginQuery(RecordsSym records)
    {
    }

    /// <summary>Called before each sort key of the query over <paramref name="records"/> is lowered (after its filter).</summary>
    public virtual void BeginSortKey(RecordsSym records)
    {
    }

    /// <summary>Called with a query lowered (filtered and sorted), under the guards of the place it is evaluated at.</summary>
    public virtual void EndQuery(RecordsSym records)
    {
    }

    /// <summary>Called with a list membership's value and list, after Booleans are refused.</summary>
    public virtual void CheckListMembership(ScalarSym value, ListSym list, BoundCall at)
    {
    }

    // ----- values -----

    /// <summary>A null of a kind.</summary>
    public abstract ScalarSym Null(ValueKind kind);

    /// <summary>A whole-number literal.</summary>
    public abstract ScalarSym Integer(long value);

    /// <summary>A decimal literal.</summary>
    public abstract ScalarSym Decimal(decimal value);

    /// <summary>A text literal.</summary>
    public abstract ScalarSym Text(string value);

    /// <summary>A whole number read as a decimal.</summary>
    public abstract ScalarSym ToDecimal(ScalarSym integer);

    /// <summary>Noted for every domain the rules name, before it is checked.</summary>
    public virtual void Reading(string domain)
    {
    }

    /// <summary>The subject's own record of a one-per-subject domain (DM).</summary>
    public abstract RowSym SubjectRow(string domain);

    /// <summary>The subject's records of a domain, unfiltered.</summary>
    public abstract RecordsSym Records(string domain);

    /// <summary>A variable of a record read directly.</summary>
    public abstract ScalarSym ReadRow(RowSym row, string variable, ValueKind kind);

    /// <summary>A variable of the first or last record of a query.</summary>
    public abstract ScalarSym ReadPicked(PickSym pick, string variable, ValueKind kind);

    // ----- conditionals -----

    /// <summary>CQL's if: the else branch when the condition is not true (also when unknown).</summary>
    public abstract ScalarSym If(string condition, ScalarSym then, ScalarSym otherwise, ValueKind kind);

    /// <summary>A case of 0/1/2 conditions, the first true one taken.</summary>
    public abstract ScalarSym Case(IReadOnlyList<(string When, ScalarSym Then)> branches, ScalarSym otherwise, ValueKind kind);

    // ----- three-valued logic (0/1/2) -----

    /// <summary>Three-valued and.</summary>
    public abstract string And(string a, string b);

    /// <summary>Three-valued or.</summary>
    public abstract string Or(string a, string b);

    /// <summary>Three-valued implies.</summary>
    public abstract string Implies(string a, string b);

    /// <summary>Three-valued exclusive or.</summary>
    public abstract string Xor(string a, string b);

    /// <summary>Three-valued not.</summary>
    public string Not(string a) => $"(2 - {a})";

    /// <summary>is true.</summary>
    public string IsTrue(string a) => Choose(Is(a, 2), "2", "0");

    /// <summary>is false.</summary>
    public string IsFalse(string a) => Choose(Is(a, 0), "2", "0");

    /// <summary>is null of a Boolean: unknown.</summary>
    public string IsUnknown(string a) => Choose(Is(a, 1), "2", "0");

    /// <summary>is null of a scalar that is not a Boolean.</summary>
    public string IsNull(ScalarSym value) => Choose(NullTest(value), "2", "0");

    /// <summary>The target's conditional: <paramref name="then"/> when the (native, two-valued) test holds, else <paramref name="otherwise"/>.</summary>
    public abstract string Choose(string test, string then, string otherwise);

    /// <summary>The two-valued test that a 0/1/2 Boolean is <paramref name="value"/>.</summary>
    public abstract string Is(string a, int value);

    /// <summary>The two-valued test that a 0/1/2 Boolean is not <paramref name="value"/>.</summary>
    public abstract string Unless(string a, int value);

    /// <summary>The two-valued test that a scalar is null.</summary>
    public abstract string NullTest(ScalarSym value);

    /// <summary>is null of First / Last: no record passes.</summary>
    public abstract string IsNull(PickSym pick);

    /// <summary>is null of the subject's own record.</summary>
    public abstract string IsNull(RowSym subjectRow);

    /// <summary>Coalesce of Booleans: the first that is not unknown.</summary>
    public abstract string CoalesceBooleans(IReadOnlyList<ScalarSym> values);

    /// <summary>Coalesce of values of one kind (numbers unified to decimals).</summary>
    public abstract ScalarSym Coalesce(IReadOnlyList<ScalarSym> values, ValueKind kind);

    // ----- comparison, arithmetic, text -----

    /// <summary>= of numbers: unknown when either is null.</summary>
    public abstract string EqualNumbers(ScalarSym a, ScalarSym b);

    /// <summary>= of text, exactly: unknown when either is null.</summary>
    public abstract string EqualText(ScalarSym a, ScalarSym b);

    /// <summary>= of Booleans: unknown when either is.</summary>
    public abstract string EqualBooleans(string a, string b);

    /// <summary>A comparison of numbers (Less, LessOrEqual, Greater, GreaterOrEqual): unknown when either is null.</summary>
    public abstract string Compare(string name, ScalarSym a, ScalarSym b);

    /// <summary>+, - or * of numbers, at least one a decimal.</summary>
    public abstract ScalarSym Arithmetic(string op, ScalarSym a, ScalarSym b);

    /// <summary>Negation of a number.</summary>
    public abstract ScalarSym Negate(ScalarSym a, BoundCall at);

    /// <summary>Upper (or, <paramref name="upper"/> false, Lower) of text.</summary>
    public abstract ScalarSym Case(ScalarSym text, bool upper);

    // ----- membership and records -----

    /// <summary>Membership in a non-empty list literal.</summary>
    public abstract string InList(ScalarSym value, ListSym list);

    /// <summary>Membership in an interval of constant numbers.</summary>
    public abstract string InInterval(ScalarSym value, IntervalSym interval);

    /// <summary>Membership of text in a protocol code list.</summary>
    public abstract string InCodeList(ScalarSym value, CodeListSym codes);

    /// <summary>exists over a subject's records; <paramref name="fused"/> when natively it stops at the first record that passes.</summary>
    public abstract string Exists(RecordsSym records, bool fused);

    /// <summary>Count of a subject's records.</summary>
    public abstract ScalarSym Count(RecordsSym records);
}
