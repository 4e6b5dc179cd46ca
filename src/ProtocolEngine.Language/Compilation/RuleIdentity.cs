using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Compilation;

/// <summary>What kind of rule a <see cref="RuleIdentity"/> names.</summary>
public enum RuleKind
{
    /// <summary>An inclusion or exclusion criterion.</summary>
    Criterion,
    /// <summary>A named definition (<c>define X: ...</c>).</summary>
    Definition,
    /// <summary>A function (<c>define function F(...): ...</c>).</summary>
    Function,
    /// <summary>A decision table.</summary>
    Table,
    /// <summary>A data check.</summary>
    Check,
    /// <summary>A safety rule.</summary>
    SafetyRule,
    /// <summary>A workflow as a whole.</summary>
    Workflow,
    /// <summary>The <c>when</c> condition that starts a per-record workflow.</summary>
    WorkflowStart,
    /// <summary>A data condition guarding a workflow transition.</summary>
    WorkflowGuard,
    /// <summary>The randomisation scheme: arms, ratios, blocks and strata.</summary>
    Randomization,
}

/// <summary>
/// Who a rule is and what exactly it says: a stable id (it does not move when other text moves) and the rule hash,
/// SHA-256 of the rule's normalised text and of everything it reads (see <see cref="RuleHasher"/>). Every output that
/// names a rule (screening reports, explanations, IE records, the workflow journal) prints this one hash.
/// </summary>
/// <param name="Id">The stable id, for example <c>criterion:INCL03</c>, <c>definition:std.ctcae5.Grades</c>,
/// <c>guard:SaeReporting.Assessment->Reporting</c>.</param>
/// <param name="Kind">What kind of rule it is.</param>
/// <param name="Hash">The rule hash (64 lower-case hex digits).</param>
/// <param name="Source">The file the rule is written in.</param>
/// <param name="Span">Where the rule's text is in that file.</param>
public sealed record RuleIdentity(string Id, RuleKind Kind, string Hash, SourceText Source, TextSpan Span)
{
    /// <summary>The rule's text as written.</summary>
    public string Text => Source.Slice(Span);

    /// <summary>The id of a criterion.</summary>
    public static string CriterionId(string criterion) => "criterion:" + criterion;

    /// <summary>The id of a definition, function or table (<paramref name="qualifiedName"/> carries the library, if any).</summary>
    public static string SymbolId(RuleKind kind, string qualifiedName) => kind switch
    {
        RuleKind.Function => "function:",
        RuleKind.Table => "table:",
        _ => "definition:",
    } + qualifiedName;

    /// <summary>The id of a check (<paramref name="library"/> is null for the protocol's own).</summary>
    public static string CheckId(string? library, string check) => "check:" + Qualified(library, check);

    /// <summary>The id of a safety rule.</summary>
    public static string SafetyRuleId(string? library, string rule) => "safety:" + Qualified(library, rule);

    /// <summary>The id of a workflow.</summary>
    public static string WorkflowId(string? library, string workflow) => "workflow:" + Qualified(library, workflow);

    /// <summary>The id of a per-record workflow's start condition.</summary>
    public static string StartConditionId(string? library, string workflow) => "start:" + Qualified(library, workflow);

    /// <summary>
    /// The id of a transition's data condition: the workflow and the transition (<c>From->To</c>, with <c>#2</c>, <c>#3</c>
    /// for a second and third transition between the same states), and <c>/2</c>, <c>/3</c> for a second and third
    /// condition inside one guard. Positions in the file play no part, so editing other text never moves it.
    /// </summary>
    public static string GuardId(string? library, string workflow, string from, string to, int transitionOrdinal, int conditionOrdinal) =>
        "guard:" + Qualified(library, workflow) + "." + from + "->" + to
        + (transitionOrdinal > 1 ? "#" + transitionOrdinal.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")
        + (conditionOrdinal > 1 ? "/" + conditionOrdinal.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");

    /// <summary>The id of the protocol's randomisation scheme.</summary>
    public const string RandomizationId = "randomization";

    private static string Qualified(string? library, string name) => library is null ? name : library + "." + name;
}
