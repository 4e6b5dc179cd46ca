using ProtocolEngine.Language.Diagnostics;

namespace ProtocolEngine.Verification.Fit;

/// <summary>One thing a protocol reads, checked against a study.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Variable">The variable (null for the domain itself).</param>
/// <param name="Value">The code or term compared with (null for a variable read).</param>
/// <param name="Held">Whether the study holds it.</param>
/// <param name="Closest">When not held: the closest ones the study does hold (most alike first).</param>
/// <param name="Rules">The criteria that read it.</param>
/// <param name="Diagnostic">The finding as a catalog diagnostic, when not held.</param>
public sealed record FitFinding(string Domain, string? Variable, string? Value, bool Held, IReadOnlyList<string> Closest, IReadOnlyList<string> Rules, Diagnostic? Diagnostic)
{
    /// <summary>The finding in one sentence.</summary>
    public string Sentence => Diagnostic?.Message ?? (Variable is null ? $"{Domain} is in the study." : Value is null ? $"{Domain}.{Variable} is in the study." : $"{Domain}.{Variable} = '{Value}' occurs in the study.");
}
