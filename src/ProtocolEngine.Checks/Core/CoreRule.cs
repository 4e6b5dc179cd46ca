namespace ProtocolEngine.Checks.Core;

/// <summary>
/// A CDISC CORE rule as its rule.yml states it: what it applies to (Scope), what it computes first
/// (Operations), which datasets it joins (Match Datasets), the condition that raises an issue (Check) and the
/// message. Constructs the runner cannot evaluate are kept in <see cref="Unsupported"/>, never dropped.
/// </summary>
/// <param name="Id">The CORE id (CORE-000001).</param>
/// <param name="RuleIds">The CDISC rule ids it implements (CG0176, FB1234, SEND..., TIG0405).</param>
/// <param name="Standards">The standards and versions it applies to ("SDTMIG 3.4", "SENDIG 3.1").</param>
/// <param name="RuleType">Record Data, Dataset Metadata Check, Variable Metadata Check, ...</param>
/// <param name="Sensitivity">Record or Dataset: whether an issue names a record or the dataset.</param>
/// <param name="Scope">The datasets it applies to.</param>
/// <param name="Operations">Values computed before the check, referred to by their $id.</param>
/// <param name="Matches">Datasets joined to each record before the check.</param>
/// <param name="Check">The condition that raises an issue.</param>
/// <param name="Message">The outcome message.</param>
/// <param name="OutputVariables">The variables an issue shows.</param>
/// <param name="Unsupported">Why the rule cannot be evaluated here (empty when it can).</param>
public sealed record CoreRule(
    string Id,
    IReadOnlyList<string> RuleIds,
    IReadOnlyList<string> Standards,
    string RuleType,
    string Sensitivity,
    CoreScope Scope,
    IReadOnlyList<CoreOperation> Operations,
    IReadOnlyList<CoreMatch> Matches,
    CoreCondition Check,
    string Message,
    IReadOnlyList<string> OutputVariables,
    IReadOnlyList<string> Unsupported)
{
    /// <summary>The rule families its CDISC ids belong to: CG (SDTMIG), FB (FDA business rules), SEND, TIG, DDF.</summary>
    public IReadOnlyList<string> Families => [.. RuleIds.Select(FamilyOf).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The family of a CDISC rule id: its letters before the digits (CG0176 is CG, SEND1234 is SEND).</summary>
    public static string FamilyOf(string ruleId)
    {
        int i = 0;
        while (i < ruleId.Length && char.IsAsciiLetter(ruleId[i])) i++;
        return ruleId[..i].ToUpperInvariant();
    }
}

/// <summary>The datasets a CORE rule applies to, by observation class and by domain; "ALL" includes every one.</summary>
/// <param name="IncludeClasses">Classes included (FINDINGS, EVENTS, ... or ALL); empty means all.</param>
/// <param name="ExcludeClasses">Classes excluded.</param>
/// <param name="IncludeDomains">Domains included (AE, SUPP--, ALL); empty means all.</param>
/// <param name="ExcludeDomains">Domains excluded.</param>
public sealed record CoreScope(IReadOnlyList<string> IncludeClasses, IReadOnlyList<string> ExcludeClasses, IReadOnlyList<string> IncludeDomains, IReadOnlyList<string> ExcludeDomains);

/// <summary>A value computed before the check (distinct values, a record count, a maximum date...), named by its $id.</summary>
/// <param name="Id">The name the check refers to it by ($tv_visit).</param>
/// <param name="Operator">The operation (distinct, record_count, max_date, ...).</param>
/// <param name="Name">The variable it reads, when any.</param>
/// <param name="Domain">The dataset it reads, when not the one checked.</param>
/// <param name="Group">Variables it groups by: the value is per group and joins each record of the same group.</param>
/// <param name="Filter">Only records with these values are read.</param>
/// <param name="Options">Its other keys as text (delimiter, key_name, ...).</param>
public sealed record CoreOperation(string Id, string Operator, string? Name, string? Domain, IReadOnlyList<string> Group,
    IReadOnlyDictionary<string, string> Filter, IReadOnlyDictionary<string, string> Options);

/// <summary>A dataset joined to the checked one by keys (DM by USUBJID); SUPP-- joined as a child by IDVAR and IDVARVAL.</summary>
/// <param name="Name">The dataset (DM, SUPP--).</param>
/// <param name="Keys">The key variables both share.</param>
/// <param name="Child">True when the joined dataset is a child (SUPP--) of the checked one.</param>
public sealed record CoreMatch(string Name, IReadOnlyList<string> Keys, bool Child)
{
    /// <summary>
    /// For RELREC: what replaces the related domain's prefix in its variables' names (<c>**</c> unless the rule
    /// says otherwise), so that <c>RELREC.**TERM</c> reads AETERM of a related AE record and <c>RELREC.FAOBJ</c>
    /// (wildcard FA) reads FAOBJ of a related FA record.
    /// </summary>
    public string? Wildcard { get; init; }
}

/// <summary>A CORE check condition: all, any or not of conditions, or one operator on a variable.</summary>
public abstract record CoreCondition;

/// <summary>True when every condition is true.</summary>
/// <param name="Conditions">The conditions.</param>
public sealed record CoreAll(IReadOnlyList<CoreCondition> Conditions) : CoreCondition;

/// <summary>True when any condition is true.</summary>
/// <param name="Conditions">The conditions.</param>
public sealed record CoreAny(IReadOnlyList<CoreCondition> Conditions) : CoreCondition;

/// <summary>True when the condition is false.</summary>
/// <param name="Condition">The condition.</param>
public sealed record CoreNot(CoreCondition Condition) : CoreCondition;

/// <summary>One operator applied to a variable (or a $operation value): <c>name: IEORRES, operator: not_equal_to, value: N</c>.</summary>
/// <param name="Name">The variable or $id the operator reads (a <c>--</c> prefix takes the dataset's).</param>
/// <param name="Operator">The operator (equal_to, is_contained_by, ...).</param>
/// <param name="Value">The comparator: a literal, a list, a variable name or a $id; null when the operator takes none.</param>
/// <param name="ValueIsLiteral">True when a text comparator is never a variable name.</param>
/// <param name="Options">Other keys (prefix, suffix, within, regex, date_component, ...) as text.</param>
public sealed record CoreLeaf(string Name, string Operator, object? Value, bool ValueIsLiteral, IReadOnlyDictionary<string, string> Options) : CoreCondition;
