using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Verification.Solving;

namespace ProtocolEngine.Verification;

/// <summary>What <c>protocol verify</c> found about one protocol.</summary>
public sealed record VerificationReport
{
    /// <summary>The protocol's name and version.</summary>
    public required string Protocol { get; init; }

    /// <summary>The protocol's content hash (its text and every library it imports): names exactly what was verified.</summary>
    public required string ContentHash { get; init; }

    /// <summary>Whether a subject can be Eligible.</summary>
    public required VerificationStatus Status { get; init; }

    /// <summary>A subject the engine screens Eligible, when one was found.</summary>
    public WitnessSubject? Witness { get; init; }

    /// <summary>How the engine screened the witness (Eligible when the answer is confirmed).</summary>
    public string? WitnessScreened { get; init; }

    /// <summary>The smallest set of criteria that together exclude everyone, when the protocol is unsatisfiable.</summary>
    public IReadOnlyList<CriterionRef> Contradiction { get; init; } = [];

    /// <summary>Criteria implied by others.</summary>
    public IReadOnlyList<Redundancy> Redundancies { get; init; } = [];

    /// <summary>What was not proved, named.</summary>
    public IReadOnlyList<NotVerifiedItem> NotVerified { get; init; } = [];

    /// <summary>Workflow findings (guards never true, states never reached or left, tasks without escalation, clocks that never stop).</summary>
    public IReadOnlyList<Diagnostic> WorkflowFindings { get; init; } = [];

    /// <summary>Every finding as a diagnostic of the catalog (PE3xxx), for text, JSON and SARIF output.</summary>
    public required IReadOnlyList<Diagnostic> Diagnostics { get; init; }

    /// <summary>Every solver query with its answer and time.</summary>
    public required IReadOnlyList<QueryTiming> Queries { get; init; }

    /// <summary>The record slots per domain of the bounded model.</summary>
    public required IReadOnlyDictionary<string, int> RecordsPerDomain { get; init; }

    /// <summary>Everything sent to the solver, in SMT-LIB (the proof's input, for `--smt FILE`).</summary>
    public string SmtScript { get; init; } = "";

    /// <summary>Wall-clock time of the whole verification in milliseconds.</summary>
    public double Milliseconds { get; init; }
}
