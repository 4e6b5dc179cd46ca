using System.Text.Json.Nodes;

namespace ProtocolEngine.Usdm.Import;

// The part of a USDM 4.0 study definition a protocol skeleton is made of, read and checked by UsdmStudyReader.

/// <summary>A USDM Code (a controlled term).</summary>
internal sealed record UsdmCode(string Code, string CodeSystem, string CodeSystemVersion, string Decode)
{
    public override string ToString() => $"{Code} {Decode}";
}

/// <summary>An organization: a sponsor, a registry, a site.</summary>
internal sealed record UsdmOrganization(string Id, string Name, string? Label, UsdmCode Type, string IdentifierScheme, string Identifier);

/// <summary>A study identifier (the sponsor's protocol number, a registry number) with the organization that assigned it.</summary>
internal sealed record UsdmIdentifier(string Text, UsdmOrganization Scope);

/// <summary>An eligibility criterion with the text of its item: <paramref name="Text"/> is plain text with tags as <c>{tag}</c>.</summary>
internal sealed record UsdmCriterion(
    string Id, string Name, string? Label, string Identifier, bool IsInclusion, string ItemId, string Text, IReadOnlyList<string> Tags, string Path);

/// <summary>
/// A syntax-template tag of a dictionary and the value it refers to: <c>&lt;usdm:ref klass="Quantity" id="Quantity_9"
/// attribute="value"&gt;</c> read at <paramref name="InstancePath"/>.
/// </summary>
internal sealed record UsdmParameter(string Tag, string Klass, string InstanceId, string Attribute, JsonValue Value, string InstancePath, UsdmCode? Unit);

/// <summary>A study arm.</summary>
internal sealed record UsdmArm(string Id, string Name, string? Label, string? Description, string? Type);

/// <summary>A study epoch (screening, treatment, follow-up).</summary>
internal sealed record UsdmEpoch(string Id, string Name, string? Label, string? Type);

/// <summary>
/// An encounter placed on the main timeline: its study day (day 1 is the timeline's fixed reference; there is no day
/// 0) and window in days, or why it has none.
/// </summary>
internal sealed record UsdmEncounter(
    string Id, string Name, string? Label, string? Description, string? EpochId, int? Day, int? WindowBefore, int? WindowAfter, string? Timing, string? Note);

/// <summary>The study as read: identifiers, titles, design, criteria and the parameters their texts name.</summary>
internal sealed record UsdmStudy(
    string Name,
    string? VersionIdentifier,
    string UsdmVersion,
    string? SystemName,
    string? SystemVersion,
    IReadOnlyList<UsdmIdentifier> Identifiers,
    string? Title,
    string? Acronym,
    string? Phase,
    string? Indication,
    string DesignName,
    UsdmCode? DesignModel,
    IReadOnlyList<UsdmArm> Arms,
    IReadOnlyList<UsdmEpoch> Epochs,
    IReadOnlyList<UsdmEncounter> Encounters,
    IReadOnlyList<UsdmCriterion> Criteria,
    IReadOnlyList<UsdmParameter> Parameters)
{
    /// <summary>The organization that sponsors the study: the scope of the first identifier a sponsor assigned.</summary>
    public UsdmOrganization? Sponsor =>
        Identifiers.Select(i => i.Scope).FirstOrDefault(o => o.Type.Code == UsdmConventions.SponsorCode || o.Type.Decode.Contains("Sponsor", StringComparison.OrdinalIgnoreCase));
}
