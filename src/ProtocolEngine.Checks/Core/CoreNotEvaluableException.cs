namespace ProtocolEngine.Checks.Core;

/// <summary>A CORE rule uses a construct (an operator, an operation, a rule type) this engine does not evaluate; the message says which.</summary>
public sealed class CoreNotEvaluableException(string reason) : Exception(reason);
