using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Checks.Results;

/// <summary>What a check says today about the record (or subject) a finding named.</summary>
public enum RecheckOutcome
{
    /// <summary>The record is in the check's scope and passes.</summary>
    Passes,
    /// <summary>The record still fails.</summary>
    Fails,
    /// <summary>The record cannot be evaluated (a value it needs is missing).</summary>
    NotEvaluable,
    /// <summary>The check's where condition no longer selects the record (the data changed so the rule no longer applies).</summary>
    OutOfScope,
    /// <summary>No record with the finding's key is in the data any more.</summary>
    RecordGone,
    /// <summary>The check could not say: it is no longer in the protocol, its dataset is missing, or it stopped with an error.</summary>
    NotChecked,
}

/// <summary>The outcome of evaluating one check again for one finding's record, with the values it read.</summary>
/// <param name="Outcome">What the check says now.</param>
/// <param name="Explanation">A sentence for people and the journal.</param>
/// <param name="Message">The check's message with today's values (null when nothing was evaluated).</param>
/// <param name="Values">The variables read and their values today.</param>
/// <param name="Evidence">Everything read, with rows.</param>
public sealed record RecheckResult(RecheckOutcome Outcome, string Explanation, string? Message, IReadOnlyList<FindingValue> Values, IReadOnlyList<EvidenceItem> Evidence)
{
    /// <summary>True when the finding no longer holds: the record passes, is out of the check's scope, or is gone.</summary>
    public bool Resolved => Outcome is RecheckOutcome.Passes or RecheckOutcome.OutOfScope or RecheckOutcome.RecordGone;
}
