namespace ProtocolEngine.Usdm;

/// <summary>What an import made, or the problems that stopped it.</summary>
/// <param name="FileName">The protocol's file name (<c>H2Q_MC_LZZT.protocol</c>), null on failure.</param>
/// <param name="ProtocolText">The protocol skeleton in the canonical layout, null on failure.</param>
/// <param name="Problems">Every problem found in the study definition, each with its JSON path; empty on success.</param>
/// <param name="Criteria">How many eligibility criteria the protocol holds.</param>
/// <param name="Parameters">How many syntax-template parameters it declares.</param>
/// <param name="Visits">How many visits (encounters placed on the main timeline) it declares.</param>
/// <param name="Arms">How many arms it declares.</param>
/// <param name="Epochs">How many epochs its comments list.</param>
public sealed record UsdmImportResult(
    string? FileName, string? ProtocolText, IReadOnlyList<UsdmProblem> Problems, int Criteria, int Parameters, int Visits, int Arms, int Epochs)
{
    /// <summary>True when a protocol was made.</summary>
    public bool Succeeded => ProtocolText is not null;
}
