using System.Collections.Immutable;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Syntax;

/// <summary>A whole .protocol file.</summary>
/// <param name="Span">The whole file.</param>
/// <param name="Header">The protocol or library header, when present.</param>
/// <param name="Declarations">The declarations in file order.</param>
public sealed record ProtocolFileSyntax(TextSpan Span, HeaderSyntax? Header, ImmutableArray<DeclarationSyntax> Declarations) : SyntaxNode(Span);

/// <summary><c>protocol NAME version "1.0" [amends "0.9"]</c> or <c>library NAME ...</c>, with its metadata lines.</summary>
public sealed record HeaderSyntax(
    TextSpan Span,
    bool IsLibrary,
    QualifiedNameSyntax Name,
    StringSyntax? Version,
    StringSyntax? Amends,
    StringSyntax? Title,
    string? Phase,
    IdentifierSyntax? DataModel,
    StringSyntax? DataModelVersion,
    StringSyntax? Sponsor,
    StringSyntax? Indication,
    ImmutableArray<StringSyntax> Citations) : SyntaxNode(Span);

/// <summary>A top-level declaration.</summary>
public abstract record DeclarationSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>import std.ctcae5 [as Alias] [with Name = value, ...]</c>.</summary>
public sealed record ImportSyntax(TextSpan Span, QualifiedNameSyntax Library, IdentifierSyntax? Alias, ImmutableArray<ParameterOverrideSyntax> Overrides) : DeclarationSyntax(Span);

/// <summary><c>Name = value</c> in an import.</summary>
public sealed record ParameterOverrideSyntax(TextSpan Span, IdentifierSyntax Name, ExpressionSyntax Value) : SyntaxNode(Span);

/// <summary><c>parameter Name [: Type] [default expr] ["description"]</c>.</summary>
public sealed record ParameterSyntax(TextSpan Span, IdentifierSyntax Name, TypeSyntax? Type, ExpressionSyntax? Default, StringSyntax? Description) : DeclarationSyntax(Span);

/// <summary><c>roles Name "title" ...</c>.</summary>
public sealed record RolesSyntax(TextSpan Span, ImmutableArray<RoleSyntax> Roles) : DeclarationSyntax(Span);

/// <summary>One role.</summary>
public sealed record RoleSyntax(TextSpan Span, IdentifierSyntax Name, StringSyntax? Title) : SyntaxNode(Span);

/// <summary><c>arms</c> with its arms and randomisation line.</summary>
public sealed record ArmsSyntax(TextSpan Span, ImmutableArray<ArmSyntax> Arms, RandomizationSyntax? Randomization) : DeclarationSyntax(Span);

/// <summary><c>Name "title" ratio N</c>.</summary>
public sealed record ArmSyntax(TextSpan Span, IdentifierSyntax Name, StringSyntax Title, int? Ratio) : SyntaxNode(Span);

/// <summary><c>randomize permuted blocks of 6 [, 9] stratified by F, G [seed N]</c>.</summary>
public sealed record RandomizationSyntax(TextSpan Span, ImmutableArray<int> BlockSizes, ImmutableArray<ExpressionSyntax> Strata, long? Seed) : SyntaxNode(Span);

/// <summary><c>visits</c> with its visits.</summary>
public sealed record VisitsSyntax(TextSpan Span, ImmutableArray<VisitSyntax> Visits) : DeclarationSyntax(Span);

/// <summary><c>Name ["label"] day N [number N] [window A .. B | window N days]</c>.</summary>
public sealed record VisitSyntax(TextSpan Span, IdentifierSyntax Name, StringSyntax? Label, int Day, decimal? Number, int? WindowStart, int? WindowEnd) : SyntaxNode(Span);

/// <summary><c>codelist Name "title" [system "S"] [version "V"] "code" "display", ...</c>.</summary>
public sealed record CodeListSyntax(TextSpan Span, IdentifierSyntax Name, StringSyntax? Title, StringSyntax? System, StringSyntax? Version, ImmutableArray<CodeEntrySyntax> Codes) : DeclarationSyntax(Span);

/// <summary>One code of a code list.</summary>
public sealed record CodeEntrySyntax(TextSpan Span, StringSyntax Code, StringSyntax? Display) : SyntaxNode(Span);

/// <summary><c>define Name: expr</c> or <c>define [function] Name(p Type, ...) [returns T]: expr</c>.</summary>
public sealed record DefineSyntax(TextSpan Span, IdentifierSyntax Name, ImmutableArray<OperandSyntax>? Parameters, TypeSyntax? ReturnType, ExpressionSyntax Body) : DeclarationSyntax(Span)
{
    /// <summary>True for a function (it has a parameter list, possibly empty).</summary>
    public bool IsFunction => Parameters is not null;
}

/// <summary>A function parameter <c>name Type</c>.</summary>
public sealed record OperandSyntax(TextSpan Span, IdentifierSyntax Name, TypeSyntax Type) : SyntaxNode(Span);

/// <summary>A <c>criteria</c> block.</summary>
public sealed record CriteriaSyntax(TextSpan Span, ImmutableArray<CriterionSyntax> Criteria) : DeclarationSyntax(Span);

/// <summary>Inclusion or exclusion.</summary>
public enum CriterionKind
{
    /// <summary>Must be met to be eligible.</summary>
    Inclusion,
    /// <summary>Must not be met to be eligible.</summary>
    Exclusion,
}

/// <summary>One criterion: a rule, or <c>attested by ROLE</c> when only a person can decide.</summary>
public sealed record CriterionSyntax(
    TextSpan Span,
    CriterionKind Kind,
    IdentifierSyntax Name,
    StringSyntax Title,
    IdentifierSyntax? Phase,
    ImmutableArray<StringSyntax> Citations,
    ExpressionSyntax? Rule,
    IdentifierSyntax? AttestedBy) : SyntaxNode(Span);

/// <summary>How serious a check's finding is.</summary>
public enum CheckSeverity
{
    /// <summary>Blocks submission; always an error.</summary>
    Critical,
    /// <summary>An error.</summary>
    Error,
    /// <summary>A warning.</summary>
    Warning,
    /// <summary>For information.</summary>
    Notice,
}

/// <summary>What a check iterates over.</summary>
public abstract record CheckScopeSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>for each DOMAIN ALIAS [where C]</c>.</summary>
public sealed record RecordScopeSyntax(TextSpan Span, IdentifierSyntax Domain, IdentifierSyntax Alias, ExpressionSyntax? Where) : CheckScopeSyntax(Span);

/// <summary><c>for each subject [where C]</c>.</summary>
public sealed record SubjectScopeSyntax(TextSpan Span, ExpressionSyntax? Where) : CheckScopeSyntax(Span);

/// <summary><c>for study</c>.</summary>
public sealed record StudyScopeSyntax(TextSpan Span) : CheckScopeSyntax(Span);

/// <summary>A data check.</summary>
public sealed record CheckSyntax(
    TextSpan Span,
    IdentifierSyntax Name,
    StringSyntax Title,
    CheckSeverity? Severity,
    ImmutableArray<StringSyntax> Citations,
    CheckScopeSyntax? Scope,
    ExpressionSyntax? Expect,
    StringSyntax? Message,
    IdentifierSyntax? QueryTo) : DeclarationSyntax(Span);

/// <summary>How a decision table picks among matching rows.</summary>
public enum HitPolicy
{
    /// <summary>The first matching row wins.</summary>
    First,
    /// <summary>At most one row may match.</summary>
    Unique,
    /// <summary>Several rows may match if they agree.</summary>
    Any,
    /// <summary>All matching results, as a list.</summary>
    Collect,
}

/// <summary>A decision table.</summary>
public sealed record TableSyntax(
    TextSpan Span,
    IdentifierSyntax Name,
    StringSyntax Title,
    ImmutableArray<OperandSyntax> Inputs,
    TypeSyntax? OutputType,
    HitPolicy? HitPolicy,
    ImmutableArray<StringSyntax> Citations,
    ImmutableArray<TableRowSyntax> Rows) : DeclarationSyntax(Span);

/// <summary>One row of a decision table.</summary>
public sealed record TableRowSyntax(TextSpan Span, ImmutableArray<TableCellSyntax> Cells) : SyntaxNode(Span);

/// <summary>A cell: a condition or result expression, <c>-</c> (any) or <c>otherwise</c>.</summary>
public sealed record TableCellSyntax(TextSpan Span, ExpressionSyntax? Expression, bool IsOtherwise, bool IsAny) : SyntaxNode(Span);

/// <summary>A <c>safety</c> block.</summary>
public sealed record SafetySyntax(TextSpan Span, ImmutableArray<SafetyRuleSyntax> Rules) : DeclarationSyntax(Span);

/// <summary><c>rule Name "title" for each DOMAIN ALIAS [when C] ...</c>.</summary>
public sealed record SafetyRuleSyntax(
    TextSpan Span,
    IdentifierSyntax Name,
    StringSyntax Title,
    IdentifierSyntax Domain,
    IdentifierSyntax Alias,
    ExpressionSyntax? When,
    StringSyntax? Classification,
    ImmutableArray<StringSyntax> Citations,
    ImmutableArray<ObligationSyntax> Obligations) : SyntaxNode(Span);

/// <summary>The kinds of reporting obligation.</summary>
public enum ObligationKind
{
    /// <summary><c>notify ROLE within D of awareness</c>.</summary>
    Notify,
    /// <summary><c>report to ROLE within D of awareness</c>.</summary>
    Report,
    /// <summary><c>complete report within D more</c>: after the previous obligation's deadline.</summary>
    Complete,
    /// <summary><c>follow up within D</c>: after new information.</summary>
    FollowUp,
}

/// <summary>A reporting obligation with its clock.</summary>
public sealed record ObligationSyntax(TextSpan Span, ObligationKind Kind, IdentifierSyntax? Recipient, ClockDurationSyntax Duration, ImmutableArray<RegionOverrideSyntax> RegionOverrides) : SyntaxNode(Span);

/// <summary><c>in region "EU" within D</c>.</summary>
public sealed record RegionOverrideSyntax(TextSpan Span, StringSyntax Region, ClockDurationSyntax Duration) : SyntaxNode(Span);

/// <summary>A duration of a clock, deadline or reminder: <c>7 calendar days</c>, <c>24 hours</c>, or a parameter name.</summary>
public sealed record ClockDurationSyntax(TextSpan Span, int? Value, string? Unit, bool Calendar, IdentifierSyntax? Parameter) : SyntaxNode(Span);
