namespace ProtocolEngine.Verification.Lowering;

/// <summary>A construct the lowering does not cover: its value is left free (any value), so nothing that depends on it is proved.</summary>
/// <param name="Construct">What it is, for example "Count over a query" or "decision table hit policy collect".</param>
/// <param name="Location">Where: file(line,col).</param>
internal sealed record Uncovered(string Construct, string Location);
