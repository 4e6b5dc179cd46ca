namespace ProtocolEngine.Runtime.Operators;

/// <summary>
/// An error while a rule runs that CQL defines as an error (a failed strict cast, a value out of range, a
/// Message with severity Error). Evaluation turns it into a PE9004 runtime diagnostic naming the rule.
/// </summary>
public sealed class CqlRuntimeException(string message) : Exception(message);
