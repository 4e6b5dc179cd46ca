namespace ProtocolEngine.Safety.Randomization;

/// <summary>An arm assigned to a subject.</summary>
/// <param name="SubjectId">The subject.</param>
/// <param name="Stratum">The stratum the subject was randomised in (for example <c>DM.SITEID=701</c>).</param>
/// <param name="Arm">The arm assigned.</param>
public sealed record Allocation(string SubjectId, string Stratum, string Arm);

/// <summary>An arm of the allocation, with its ratio.</summary>
/// <param name="Name">The arm code.</param>
/// <param name="Ratio">Its share of each block (2 in a 2:1 allocation).</param>
public sealed record ArmRatio(string Name, int Ratio);
