namespace ProtocolEngine.Verification;

/// <summary>The answer about a protocol's criteria.</summary>
public enum VerificationStatus
{
    /// <summary>At least one subject can be Eligible, shown by a witness subject the engine screened Eligible.</summary>
    Satisfiable,
    /// <summary>No subject can be Eligible: the contradiction names the smallest set of criteria that exclude everyone.</summary>
    Unsatisfiable,
    /// <summary>Nothing proved: the solver timed out, or its witness did not screen Eligible (a construct the lowering does not cover).</summary>
    NotVerified,
}
