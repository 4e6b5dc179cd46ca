using System.Text.RegularExpressions;
using ProtocolEngine.Usdm.Import;

namespace ProtocolEngine.Usdm;

/// <summary>
/// How a protocol made by <c>protocol usdm import</c> keeps what USDM knows and the language has no words for, so that
/// export can give it back: the study and its identifiers as header citations, a criterion's USDM identifier and
/// label as its citation, a parameter's USDM reference as its description. One place writes and reads these forms
/// (docs/usdm.md shows them).
/// </summary>
internal static partial class UsdmConventions
{
    public const string SponsorCode = "C70793";
    public const string InclusionCode = "C25532";
    public const string ExclusionCode = "C25370";
    public const string CdiscCodeSystem = "http://www.cdisc.org";
    // The CDISC controlled terminology version export writes on the codes it makes (the pilot study's own).
    public const string CdiscCodeSystemVersion = "2024-09-27";

    private const string Separator = " | ";
    private const string StudyPrefix = "USDM study";
    private const string IdentifierPrefix = "USDM study identifier";
    private const string CriterionPrefix = "USDM criterion";

    /// <summary><c>USDM study | CDISC PILOT - LZZT | Study Design 1 | C82639 Parallel Study</c>.</summary>
    public static string StudyCite(string name, string designName, UsdmCode? model) =>
        string.Join(Separator, new[] { StudyPrefix, name, designName, model is null ? "" : $"{model.Code} {model.Decode}" });

    /// <summary><c>USDM study identifier | NCT12345678 | CT-GOV | ClinicalTrials.gov | C93453 Study Registry | USGOV CT-GOV</c>.</summary>
    public static string IdentifierCite(UsdmIdentifier identifier)
    {
        var o = identifier.Scope;
        return string.Join(Separator, IdentifierPrefix, identifier.Text, o.Name, o.Label ?? "", $"{o.Type.Code} {o.Type.Decode}", $"{o.IdentifierScheme} {o.Identifier}");
    }

    /// <summary><c>USDM criterion | 01 | IN01 | Age greater than 50</c>.</summary>
    public static string CriterionCite(UsdmCriterion criterion) =>
        string.Join(Separator, CriterionPrefix, criterion.Identifier, criterion.Name, criterion.Label ?? "");

    /// <summary><c>USDM Quantity Quantity_9 value at studyDesigns[0].population.plannedAge.minValue (C29848 Year)</c>.</summary>
    public static string ParameterDescription(UsdmParameter parameter) =>
        $"USDM {parameter.Klass} {parameter.InstanceId} {parameter.Attribute} at {parameter.InstancePath}" + (parameter.Unit is null ? "" : $" ({parameter.Unit.Code} {parameter.Unit.Decode})");

    /// <summary>The study's name, design name and model from a header citation, or null when it is not that citation.</summary>
    public static (string Name, string DesignName, UsdmCode? Model)? ReadStudyCite(string cite)
    {
        var parts = cite.Split(Separator);
        if (parts.Length != 4 || parts[0] != StudyPrefix) return null;
        return (parts[1], parts[2], ReadCode(parts[3]));
    }

    /// <summary>A study identifier from a header citation, or null when it is not that citation.</summary>
    public static UsdmIdentifier? ReadIdentifierCite(string cite, int number)
    {
        var parts = cite.Split(Separator);
        if (parts.Length != 6 || parts[0] != IdentifierPrefix) return null;
        var type = ReadCode(parts[4]);
        var scheme = parts[5].Split(' ', 2);
        if (type is null || scheme.Length != 2) return null;
        var organization = new UsdmOrganization($"Organization_{number}", parts[2], parts[3].Length == 0 ? null : parts[3], type, scheme[0], scheme[1]);
        return new UsdmIdentifier(parts[1], organization);
    }

    /// <summary>A criterion's USDM identifier, name and label from its citation, or null when it is not that citation.</summary>
    public static (string Identifier, string Name, string? Label)? ReadCriterionCite(string cite)
    {
        var parts = cite.Split(Separator);
        if (parts.Length != 4 || parts[0] != CriterionPrefix) return null;
        return (parts[1], parts[2], parts[3].Length == 0 ? null : parts[3]);
    }

    /// <summary>A parameter's USDM reference from its description, or null when it has none.</summary>
    public static (string Klass, string InstanceId, string Attribute, string InstancePath, UsdmCode? Unit)? ReadParameterDescription(string? description)
    {
        if (description is null) return null;
        var m = ParameterForm().Match(description);
        return m.Success ? (m.Groups["klass"].Value, m.Groups["id"].Value, m.Groups["attribute"].Value, m.Groups["path"].Value,
            m.Groups["unit"].Success ? ReadCode(m.Groups["unit"].Value) : null) : null;
    }

    /// <summary>The CDISC code of a trial phase as the protocol header states it ("2", "2/3"), or null for another.</summary>
    public static UsdmCode? PhaseCode(string? phase)
    {
        (string Code, string Decode)? known = phase switch
        {
            "0" => ("C54721", "Phase 0 Trial"),
            "1" => ("C15600", "Phase I Trial"),
            "2" => ("C15601", "Phase II Trial"),
            "3" => ("C15602", "Phase III Trial"),
            "4" => ("C15603", "Phase IV Trial"),
            "1/2" => ("C15693", "Phase I/II Trial"),
            "2/3" => ("C15694", "Phase II/III Trial"),
            _ => null,
        };
        return known is var (code, decode) ? new UsdmCode(code, CdiscCodeSystem, CdiscCodeSystemVersion, decode) : null;
    }

    private static UsdmCode? ReadCode(string text)
    {
        var code = text.Split(' ', 2);
        return code.Length == 2 && code[0].Length > 0 ? new UsdmCode(code[0], CdiscCodeSystem, CdiscCodeSystemVersion, code[1]) : null;
    }

    [GeneratedRegex(@"^USDM (?<klass>[A-Za-z]+) (?<id>\S+) (?<attribute>[A-Za-z]+) at (?<path>\S+)(?: \((?<unit>\S+ [^)]+)\))?$")]
    private static partial Regex ParameterForm();
}
