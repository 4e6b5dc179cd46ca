namespace ProtocolEngine.Verification.Solving;

/// <summary>What the solver said about one query.</summary>
public enum SolverAnswer
{
    /// <summary>A model exists (the query can hold).</summary>
    Sat,
    /// <summary>No model exists (the query can never hold).</summary>
    Unsat,
    /// <summary>The solver gave up (time limit or incompleteness): nothing is proved.</summary>
    Unknown,
}
