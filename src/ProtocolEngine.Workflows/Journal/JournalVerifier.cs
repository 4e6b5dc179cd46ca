namespace ProtocolEngine.Workflows.Journal;

/// <summary>Why a journal entry failed verification.</summary>
public enum JournalProblemKind
{
    /// <summary>The entry's fields no longer match its hash.</summary>
    Edited,
    /// <summary>An entry is missing (a gap in the sequence, or the chain head is ahead of the last entry).</summary>
    Missing,
    /// <summary>The entry links to another entry than the one before it.</summary>
    Reordered,
    /// <summary>An electronic signature no longer matches the record it signed, or is not in the journal.</summary>
    SignatureInvalid,
}

/// <summary>The first problem found in one instance's journal.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Sequence">The entry named.</param>
/// <param name="Kind">Why.</param>
/// <param name="Message">A sentence for the user.</param>
public sealed record JournalProblem(string InstanceId, long Sequence, JournalProblemKind Kind, string Message);

/// <summary>Checks one instance's hash chain: every hash, every link, no gaps, and the head stored on the instance.</summary>
public static class JournalVerifier
{
    /// <summary>Returns the first problem in <paramref name="entries"/> (ordered by storage sequence), or null when the chain is intact.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="entries">Its entries ordered by sequence.</param>
    /// <param name="headSequence">The last sequence the instance row records.</param>
    /// <param name="headHash">The last hash the instance row records.</param>
    public static JournalProblem? Verify(string instanceId, IReadOnlyList<JournalEntry> entries, long headSequence, string headHash)
    {
        var byHash = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in entries) byHash.TryAdd(e.Hash, e.Sequence);
        string previous = "";
        long expected = 1;
        foreach (var e in entries)
        {
            if (e.Sequence != expected)
            {
                return e.Sequence > expected
                    ? new JournalProblem(instanceId, expected, JournalProblemKind.Missing,
                        $"Instance {instanceId}: journal entry {expected} is missing (the next stored entry is {e.Sequence}).")
                    : new JournalProblem(instanceId, e.Sequence, JournalProblemKind.Reordered,
                        $"Instance {instanceId}: journal entry {e.Sequence} appears where entry {expected} belongs.");
            }
            if (JournalHasher.Recompute(e) != e.Hash)
            {
                // Moving an entry means changing its sequence number: if the entry hashes right under another number,
                // it was moved there from that position; anything else is an edit of its content.
                long last = Math.Max(headSequence, entries.Count > 0 ? entries[^1].Sequence : 0);
                for (long s = 1; s <= last; s++)
                {
                    if (s != e.Sequence && JournalHasher.Recompute(e with { Sequence = s }) == e.Hash)
                        return new JournalProblem(instanceId, e.Sequence, JournalProblemKind.Reordered,
                            $"Instance {instanceId}: journal entry {e.Sequence} ({e.Action}) was written as entry {s}: entries were reordered.");
                }
                return new JournalProblem(instanceId, e.Sequence, JournalProblemKind.Edited,
                    $"Instance {instanceId}: journal entry {e.Sequence} ({e.Action}) was edited: its content no longer matches its hash.");
            }
            if (e.PreviousHash != previous)
            {
                if (byHash.TryGetValue(e.PreviousHash, out long linked))
                    return new JournalProblem(instanceId, e.Sequence, JournalProblemKind.Reordered,
                        $"Instance {instanceId}: journal entry {e.Sequence} ({e.Action}) follows entry {linked} in the chain, not entry {e.Sequence - 1}: entries were reordered.");
                return new JournalProblem(instanceId, e.Sequence, JournalProblemKind.Missing,
                    $"Instance {instanceId}: journal entry {e.Sequence} ({e.Action}) links to an entry that is not there: an entry before it was removed or replaced.");
            }
            previous = e.Hash;
            expected++;
        }
        if (expected - 1 != headSequence || previous != headHash)
        {
            return expected - 1 < headSequence
                ? new JournalProblem(instanceId, expected, JournalProblemKind.Missing,
                    $"Instance {instanceId}: journal entries {expected} to {headSequence} are missing (the instance records {headSequence} entries).")
                : new JournalProblem(instanceId, headSequence, JournalProblemKind.Edited,
                    $"Instance {instanceId}: the journal does not end at the head recorded on the instance (entry {headSequence}).");
        }
        return null;
    }
}
