namespace ProtocolEngine.Workflows.Execution;

/// <summary>What one of the protocol's rules says about a workflow's record: a proposal a person confirms or overrules.</summary>
/// <param name="Name">The function (Serious, Expected, Related, Susar, ...).</param>
/// <param name="Value">True, false, or null when the data do not decide.</param>
/// <param name="Rule">The function's text, as the protocol or its library states it.</param>
/// <param name="Note">Why there is no value (a rule error, a record missing from the data), when there is none for a reason other than missing values.</param>
public sealed record RecordProposal(string Name, bool? Value, string Rule, string? Note);
