namespace ProtocolEngine.Checks.Core;

/// <summary>A dataset lacks a variable (or a dataset to match) that a CORE check reads: the check is not evaluable there.</summary>
internal sealed class CoreMissingVariableException(string reason) : Exception(reason);
