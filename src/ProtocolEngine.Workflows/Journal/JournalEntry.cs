using NodaTime;

namespace ProtocolEngine.Workflows.Journal;

/// <summary>
/// One append-only journal entry. Entries of an instance form a hash chain: <see cref="Hash"/> is the SHA-256 of the
/// canonical form of every other field, including <see cref="PreviousHash"/>.
/// </summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Sequence">1, 2, 3... per instance, without gaps.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who did it: a user id, or "engine" for automated steps.</param>
/// <param name="Action">What happened (transition, task-created, criteria-evaluated, ...).</param>
/// <param name="OldValue">The value before, if any.</param>
/// <param name="NewValue">The value after, if any.</param>
/// <param name="RuleHashes">The rule hashes behind an automated decision, comma-separated.</param>
/// <param name="Detail">More detail (JSON or text).</param>
/// <param name="PreviousHash">The previous entry's hash; empty for the first.</param>
/// <param name="Hash">This entry's hash.</param>
/// <param name="CorrelationId">The request that caused it (a server's correlation id), when a request did; part of the hash when present.</param>
public sealed record JournalEntry(
    string InstanceId, long Sequence, Instant At, string Actor, string Action, string? OldValue, string? NewValue,
    string? RuleHashes, string? Detail, string PreviousHash, string Hash, string? CorrelationId = null);
