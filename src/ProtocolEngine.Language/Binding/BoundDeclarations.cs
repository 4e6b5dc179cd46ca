using System.Collections.Immutable;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Language.Binding;

/// <summary>A criterion, bound: its rule (or the role that attests it) and its rule identity.</summary>
/// <param name="Syntax">The criterion as written.</param>
/// <param name="Source">The file it is in.</param>
/// <param name="Rule">The rule, for executable criteria.</param>
/// <param name="AttestedBy">The role that decides, for attested criteria.</param>
/// <param name="Identity">Its rule id and rule hash (the criterion's text and everything it reads).</param>
public sealed record BoundCriterion(CriterionSyntax Syntax, SourceText Source, BoundExpression? Rule, RoleSymbol? AttestedBy, RuleIdentity Identity)
{
    /// <summary>The rule hash: SHA-256 of the criterion's normalised text and everything it reads.</summary>
    public string Hash => Identity.Hash;

    /// <summary>The stable rule id (<c>criterion:INCL01</c>).</summary>
    public string RuleId => Identity.Id;

    /// <summary>The criterion id, for example INCL01.</summary>
    public string Id => Syntax.Name.Name;

    /// <summary>Inclusion or exclusion.</summary>
    public CriterionKind Kind => Syntax.Kind;

    /// <summary>The criterion's text as the protocol states it.</summary>
    public string Title => Syntax.Title.Value;

    /// <summary>The phase it belongs to, when given (for example prescreen).</summary>
    public string? Phase => Syntax.Phase?.Name;

    /// <summary>The exact rule text, as written.</summary>
    public string Text => Source.Slice(Syntax.Span);

    /// <summary>
    /// The decision hash (<see cref="RuleHasher.DecisionHash"/>): what decides the outcome alone (the formal rule and
    /// everything it reads, or the attestation), without the criterion's wording. Not the criterion's identity, which is
    /// its rule hash (<see cref="Hash"/>); two versions with equal decision hashes decide every subject alike.
    /// </summary>
    public string DecisionHash { get; init; } = "";
}

/// <summary>What a check iterates over.</summary>
public enum CheckScopeKind
{
    /// <summary>Each record of a domain.</summary>
    Record,
    /// <summary>Each subject.</summary>
    Subject,
    /// <summary>The study once.</summary>
    Study,
}

/// <summary>A part of a check message: literal text, or a placeholder expression.</summary>
/// <param name="Text">The literal text (null for a placeholder).</param>
/// <param name="Value">The placeholder's expression (null for text).</param>
public sealed record MessagePart(string? Text, BoundExpression? Value);

/// <summary>A data check, bound.</summary>
public sealed record BoundCheck(
    CheckSyntax Syntax,
    SourceText Source,
    CheckScopeKind ScopeKind,
    DomainSchema? Domain,
    LocalSymbol? Alias,
    BoundExpression? Where,
    BoundExpression Expect,
    ImmutableArray<MessagePart> Message,
    RoleSymbol? QueryTo,
    RuleIdentity Identity)
{
    /// <summary>The rule hash: SHA-256 of the check's normalised text and everything it reads.</summary>
    public string Hash => Identity.Hash;

    /// <summary>The stable rule id (<c>check:AE01</c>, library-qualified for imported checks).</summary>
    public string RuleId => Identity.Id;

    /// <summary>The check id.</summary>
    public string Id => Syntax.Name.Name;

    /// <summary>The check's title.</summary>
    public string Title => Syntax.Title.Value;

    /// <summary>The severity (error when not stated).</summary>
    public CheckSeverity Severity => Syntax.Severity ?? CheckSeverity.Error;

    /// <summary>The exact text, as written.</summary>
    public string Text => Source.Slice(Syntax.Span);
}

/// <summary>A reporting obligation with its clock length resolved.</summary>
/// <param name="Kind">Notify, report, complete or follow up.</param>
/// <param name="Recipient">Who must be told (null for complete and follow up, which go to the previous recipient).</param>
/// <param name="Duration">The clock length.</param>
/// <param name="RegionDurations">Per-region clock lengths.</param>
/// <param name="Syntax">The obligation as written.</param>
public sealed record BoundObligation(ObligationKind Kind, RoleSymbol? Recipient, ClockDuration Duration, ImmutableDictionary<string, ClockDuration> RegionDurations, ObligationSyntax Syntax);

/// <summary>A safety rule, bound.</summary>
public sealed record BoundSafetyRule(
    SafetyRuleSyntax Syntax,
    SourceText Source,
    DomainSchema Domain,
    LocalSymbol Alias,
    BoundExpression? When,
    ImmutableArray<BoundObligation> Obligations,
    RuleIdentity Identity)
{
    /// <summary>The rule hash: SHA-256 of the rule's normalised text and everything it reads (clock-length parameters too).</summary>
    public string Hash => Identity.Hash;

    /// <summary>The stable rule id (<c>safety:SeriousAE</c>).</summary>
    public string RuleId => Identity.Id;

    /// <summary>The rule id.</summary>
    public string Id => Syntax.Name.Name;

    /// <summary>The rule's title.</summary>
    public string Title => Syntax.Title.Value;

    /// <summary>The classification it gives, when stated.</summary>
    public string? Classification => Syntax.Classification?.Value;

    /// <summary>The exact text, as written.</summary>
    public string Text => Source.Slice(Syntax.Span);
}

/// <summary>An arm with its allocation ratio.</summary>
/// <param name="Name">The arm code.</param>
/// <param name="Title">The arm's description.</param>
/// <param name="Ratio">The allocation ratio (1 when not stated).</param>
public sealed record BoundArm(string Name, string Title, int Ratio);

/// <summary>The randomisation scheme.</summary>
/// <param name="BlockSizes">Permuted block sizes (each a multiple of the ratio total).</param>
/// <param name="Strata">Stratification factors: one value per subject each.</param>
/// <param name="Seed">The seed, when the protocol fixes it.</param>
/// <param name="Identity">The rule behind every allocation: the arms declaration as written (arms, ratios, blocks, strata) and what the strata read.</param>
public sealed record BoundRandomization(ImmutableArray<int> BlockSizes, ImmutableArray<BoundExpression> Strata, long? Seed, RuleIdentity Identity);
