using System.Globalization;
using System.Text;
using NodaTime;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Persistence;

namespace ProtocolEngine.Workflows.Signatures;

/// <summary>
/// How a signature is bound to its record (21 CFR 11.70): the record hash covers the task, the decision, the reason
/// and the instance's journal head at signing; the signature hash covers the record hash, the signer, the printed
/// name, the meaning and the time, and is written into the journal chain.
/// </summary>
public static class SignatureHashing
{
    /// <summary>SHA-256 of the signed record's canonical form.</summary>
    public static string RecordHash(string taskId, string instanceId, string taskName, string? title, string decision, string reason, string journalHead) =>
        Sha256(string.Join('\n', "pe-signed-record-v1", taskId, instanceId, taskName, title ?? "", decision, reason, journalHead));

    /// <summary>SHA-256 binding the record hash to the signer, printed name, meaning and time of signing.</summary>
    public static string SignatureHash(string recordHash, string signerId, string printedName, string meaning, Instant signedAt) =>
        Sha256(string.Join('\n', "pe-signature-v1", recordHash, signerId, printedName, meaning,
            signedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Checks a stored signature against its task and the instance journal: the record it signed is unchanged, the
    /// signature fields are unchanged, and the journal holds it. Returns why not, or null when it holds.
    /// </summary>
    public static string? Verify(SignatureRecord signature, TaskRecord task, IReadOnlyList<JournalEntry> journal)
    {
        var completed = journal.FirstOrDefault(j => j.Action == "task-completed" && (j.Detail ?? "").Contains($"\"task\":\"{task.Id}\"", StringComparison.Ordinal));
        if (completed is null) return $"the journal has no completion of task {task.Name} ({task.Id})";
        var record = RecordHash(task.Id, task.InstanceId, task.Name, task.Title, task.Decision ?? "", task.Reason ?? "", completed.PreviousHash);
        if (record != signature.RecordHash)
            return $"task {task.Name} no longer matches the record {signature.PrintedName} signed (decision or reason changed)";
        if (SignatureHash(signature.RecordHash, signature.SignerId, signature.PrintedName, signature.Meaning, signature.SignedAt) != signature.SignatureHash)
            return $"the signature of {signature.SignerId} on task {task.Name} was altered (signer, name, meaning or time)";
        if (!journal.Any(j => j.Action == "task-signed" && (j.Detail ?? "").Contains(signature.SignatureHash, StringComparison.Ordinal)))
            return $"the signature of {signature.SignerId} on task {task.Name} is not in the journal";
        return null;
    }

    private static string Sha256(string text) => Sha256Hex.Of(text);
}
