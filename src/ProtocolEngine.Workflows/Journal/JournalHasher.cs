using System.Globalization;
using System.Text;
using NodaTime;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Workflows.Journal;

/// <summary>The canonical serialisation and hash of a journal entry.</summary>
public static class JournalHasher
{
    /// <summary>
    /// The canonical form: each field as its length, a colon and its text, in a fixed order, so no two different
    /// entries serialise alike (a null is written as "-"). Times are Unix milliseconds. A correlation id, when
    /// present, is one more field at the end, so entries written without one hash as they always did.
    /// </summary>
    public static string Canonical(string instanceId, long sequence, Instant at, string actor, string action,
        string? oldValue, string? newValue, string? ruleHashes, string? detail, string previousHash, string? correlationId = null)
    {
        var sb = new StringBuilder(256);
        void Field(string? v)
        {
            if (v is null) { sb.Append('-').Append('|'); return; }
            sb.Append(v.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(v).Append('|');
        }
        Field("pe-journal-v1");
        Field(instanceId);
        Field(sequence.ToString(CultureInfo.InvariantCulture));
        Field(at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Field(actor);
        Field(action);
        Field(oldValue);
        Field(newValue);
        Field(ruleHashes);
        Field(detail);
        Field(previousHash);
        if (correlationId is not null) Field(correlationId);
        return sb.ToString();
    }

    /// <summary>Builds the entry with its hash.</summary>
    public static JournalEntry Create(string instanceId, long sequence, Instant at, string actor, string action,
        string? oldValue, string? newValue, string? ruleHashes, string? detail, string previousHash, string? correlationId = null)
    {
        // Stored times have millisecond precision; hash what is stored so verification recomputes the same text.
        at = Instant.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
        var hash = Sha256(Canonical(instanceId, sequence, at, actor, action, oldValue, newValue, ruleHashes, detail, previousHash, correlationId));
        return new JournalEntry(instanceId, sequence, at, actor, action, oldValue, newValue, ruleHashes, detail, previousHash, hash, correlationId);
    }

    /// <summary>Recomputes an entry's hash from its fields.</summary>
    public static string Recompute(JournalEntry e) =>
        Sha256(Canonical(e.InstanceId, e.Sequence, e.At, e.Actor, e.Action, e.OldValue, e.NewValue, e.RuleHashes, e.Detail, e.PreviousHash, e.CorrelationId));

    private static string Sha256(string text) => Sha256Hex.Of(text);
}
