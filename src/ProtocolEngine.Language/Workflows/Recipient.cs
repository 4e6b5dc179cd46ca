using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProtocolEngine.Language.Workflows;

/// <summary>What kind of party a <see cref="Recipient"/> is.</summary>
public enum RecipientKind
{
    /// <summary>Everyone holding a role (Investigator, SafetyPhysician, ...).</summary>
    Role,
    /// <summary>One person, by user id.</summary>
    User,
    /// <summary>Another system (the pharmacy's IRT, ...).</summary>
    System,
    /// <summary>Whoever subscribes to an event the workflow emits.</summary>
    Event,
}

/// <summary>
/// Who a notification, task message or outbox message is for. Written as text: a role by its bare name
/// (<c>Investigator</c>, as definitions have always named roles), the others with their kind (<c>user:inv1</c>,
/// <c>system:Pharmacy</c>, <c>event:LabFlagged</c>).
/// </summary>
/// <param name="Kind">Role, user, system or event.</param>
/// <param name="Name">The role, user id, system or event name.</param>
[JsonConverter(typeof(RecipientJsonConverter))]
public sealed record Recipient(RecipientKind Kind, string Name)
{
    /// <summary>Everyone holding <paramref name="role"/>.</summary>
    public static Recipient Role(string role) => new(RecipientKind.Role, role);

    /// <summary>One person.</summary>
    public static Recipient User(string userId) => new(RecipientKind.User, userId);

    /// <summary>Another system.</summary>
    public static Recipient System(string name) => new(RecipientKind.System, name);

    /// <summary>Subscribers of an event.</summary>
    public static Recipient Event(string name) => new(RecipientKind.Event, name);

    /// <summary>The text form: the bare name of a role, <c>kind:name</c> otherwise.</summary>
    public override string ToString() => Kind == RecipientKind.Role ? Name : Kind.ToString().ToLowerInvariant() + ":" + Name;

    /// <summary>Reads the text form (a bare name is a role).</summary>
    public static Recipient Parse(string text)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && Enum.TryParse<RecipientKind>(text[..colon], ignoreCase: true, out var kind) && text[..colon].All(char.IsLetter))
            return new Recipient(kind, text[(colon + 1)..]);
        return Role(text);
    }
}
