namespace ProtocolEngine.Usdm.Export;

/// <summary>What an export wrote, or why it could not.</summary>
/// <param name="Json">The USDM study definition (valid against the USDM API schema), null on failure.</param>
/// <param name="Errors">Why the protocol cannot be exported, each naming the protocol's file, line and column; empty on success.</param>
/// <param name="Criteria">How many criteria were written.</param>
/// <param name="Parameters">How many syntax-template parameters were written.</param>
/// <param name="Identifiers">How many study identifiers were written.</param>
public sealed record UsdmExportResult(string? Json, IReadOnlyList<string> Errors, int Criteria, int Parameters, int Identifiers)
{
    /// <summary>True when the study definition was written.</summary>
    public bool Succeeded => Json is not null;
}
