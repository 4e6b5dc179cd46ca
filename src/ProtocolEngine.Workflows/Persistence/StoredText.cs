using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Workflows.Persistence;

/// <summary>
/// The text forms typed values are stored, journaled and shown as: lower-case names (<c>open</c>, <c>gate</c>,
/// <c>approval</c>) as the stores have always held them, and recipients as comma-separated <see cref="Recipient"/> texts.
/// </summary>
public static class StoredText
{
    /// <summary>open, claimed, completed, cancelled.</summary>
    public static string Of(TaskStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>task or gate.</summary>
    public static string Of(TaskKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>review, approval, responsibility, authorship (the meaning a signature manifests, 21 CFR 11.50).</summary>
    public static string Of(SignatureMeaning meaning) => meaning.ToString().ToLowerInvariant();

    /// <summary>Recipients as stored: their text forms joined by commas (null when none).</summary>
    public static string? Of(IReadOnlyList<Recipient> recipients) => recipients.Count == 0 ? null : string.Join(",", recipients);

    /// <summary>Reads a stored task status.</summary>
    /// <exception cref="FormatException">The text is not a task status.</exception>
    public static TaskStatus TaskStatus(string text) => Parse<TaskStatus>(text, "task status");

    /// <summary>Reads a stored task kind.</summary>
    /// <exception cref="FormatException">The text is not task or gate.</exception>
    public static TaskKind TaskKind(string text) => Parse<TaskKind>(text, "task kind");

    /// <summary>Reads a stored signature meaning (null or empty: none).</summary>
    /// <exception cref="FormatException">The text is not one of the four meanings.</exception>
    public static SignatureMeaning? SignatureMeaning(string? text) => string.IsNullOrEmpty(text) ? null : Parse<SignatureMeaning>(text, "signature meaning");

    /// <summary>Reads stored recipients (a bare name is a role, as rows written before recipients were typed hold them).</summary>
    public static IReadOnlyList<Recipient> Recipients(string? text) =>
        string.IsNullOrEmpty(text) ? [] : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Recipient.Parse)];

    private static T Parse<T>(string text, string what) where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) ? value
            : throw new FormatException($"\"{text}\" is not a {what}; expected one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
}
