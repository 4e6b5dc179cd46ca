namespace ProtocolEngine.Verification.Solving;

/// <summary>The z3 program is not installed (or cannot be started): verification cannot run, and says how to install it.</summary>
public sealed class SolverNotFoundException(string message) : Exception(message);
