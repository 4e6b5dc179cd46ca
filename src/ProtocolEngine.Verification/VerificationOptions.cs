namespace ProtocolEngine.Verification;

/// <summary>How a verification runs.</summary>
public sealed record VerificationOptions
{
    /// <summary>The time the solver may take in all (every query shares it); what is not answered by then is "not verified (timeout)".</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The date rules take as today (Today(), Now()), and the date the witness is screened on.</summary>
    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>The most records per domain the bounded model holds (the bound is the number of query sites per domain, up to this).</summary>
    public int MaxRecordsPerDomain { get; init; } = 16;

    /// <summary>Whether to look for criteria implied by the others (one query per criterion).</summary>
    public bool Redundancy { get; init; } = true;

    /// <summary>
    /// The z3 program to run; null finds it as the CLI does ($PROTOCOLENGINE_Z3, else z3 on the PATH). A host or test that
    /// needs another solver names it here rather than changing the process's environment, which every thread shares.
    /// </summary>
    public string? SolverPath { get; init; }
}
