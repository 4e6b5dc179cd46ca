namespace ProtocolEngine.Verification.Solving;

/// <summary>One solver query: what it asked, what the solver answered and how long it took.</summary>
/// <param name="Purpose">What the query decides, for example "satisfiable" or "redundant INCL03".</param>
/// <param name="Answer">The solver's answer.</param>
/// <param name="Milliseconds">Wall-clock time of the query in milliseconds.</param>
public sealed record QueryTiming(string Purpose, SolverAnswer Answer, double Milliseconds);
