namespace ProtocolEngine.Language.Binding;

/// <summary>An importer's value for a library parameter (<c>import L with Name = value</c>).</summary>
/// <param name="Value">The value, bound in the importer.</param>
/// <param name="Text">The value as the importer writes it (part of the rule hash of every rule that reads the parameter).</param>
internal sealed record ParameterOverride(BoundExpression Value, string Text);
