using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Fhir;

/// <summary>Something in the FHIR input that was not mapped, or was mapped with a caveat.</summary>
/// <param name="File">The bundle file.</param>
/// <param name="Resource">The resource, as Type/id (or its fullUrl).</param>
/// <param name="Message">What was not mapped and why.</param>
internal sealed record FhirIssue(string File, string Resource, string Message);

/// <summary>The result of mapping FHIR bundles onto SDTM: the datasets, the subject view and everything not mapped.</summary>
/// <param name="Tables">DM, MH, LB, VS, CM, AE, PR as built (rows in bundle order).</param>
/// <param name="Data">The per-subject view over the tables, as a trial's SDTM data would be.</param>
/// <param name="Mapped">Records mapped, per dataset.</param>
/// <param name="Unmapped">Resources not mapped, per resource type.</param>
/// <param name="Issues">Each resource or value not mapped, or mapped with a caveat, and why.</param>
internal sealed record FhirImportResult(IReadOnlyList<DomainTable> Tables, StudyData Data, IReadOnlyDictionary<string, int> Mapped,
    IReadOnlyDictionary<string, int> Unmapped, IReadOnlyList<FhirIssue> Issues);

/// <summary>How FHIR resources are mapped.</summary>
internal sealed class FhirImportOptions
{
    /// <summary>The STUDYID written on every record.</summary>
    public string StudyId { get; init; } = "FHIR";

    /// <summary>The date DM.AGE is computed at (today by default): ages are in completed years on that date.</summary>
    public DateOnly? ReferenceDate { get; init; }
}
