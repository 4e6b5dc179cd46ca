using System.Text.Json.Serialization;

namespace ProtocolEngine.Language.Workflows;

/// <summary>An action run on entry to a state or after a transition (grammar: action).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(EvaluateCriteriaAction), "evaluate")]
[JsonDerivedType(typeof(RandomizeAction), "randomize")]
[JsonDerivedType(typeof(NotifyAction), "notify")]
[JsonDerivedType(typeof(StartClocksAction), "startClocks")]
[JsonDerivedType(typeof(StopClockAction), "stopClock")]
[JsonDerivedType(typeof(WithdrawClockAction), "withdrawClock")]
[JsonDerivedType(typeof(RecordDeviationAction), "deviation")]
[JsonDerivedType(typeof(EmitAction), "emit")]
public abstract record ActionDefinition;

/// <summary><c>evaluate criteria [phase P]</c>: asks the host and journals the outcome with its rule hashes.</summary>
/// <param name="Phase">The phase, or null for all criteria.</param>
public sealed record EvaluateCriteriaAction(string? Phase) : ActionDefinition;

/// <summary><c>randomize</c>: asks the host for the arm and records it.</summary>
public sealed record RandomizeAction : ActionDefinition;

/// <summary><c>notify Role "message"</c>: an outbox notification.</summary>
/// <param name="Recipient">Who is notified (the protocol names a role).</param>
/// <param name="Message">The message, if any.</param>
public sealed record NotifyAction(Recipient Recipient, string? Message) : ActionDefinition;

/// <summary><c>start clocks</c>: starts the regulatory clocks that apply to the instance (Day 0 = awareness).</summary>
public sealed record StartClocksAction : ActionDefinition;

/// <summary><c>stop clock Name</c>: the obligation was met.</summary>
/// <param name="Clock">The clock name.</param>
public sealed record StopClockAction(string Clock) : ActionDefinition;

/// <summary>
/// <c>withdraw clock Name [reason "text"]</c>: a person decided the obligation does not apply (for example a medical
/// review found the event is not a SUSAR); the clock is neither met nor missed, and its reminders and deadline are cancelled.
/// </summary>
/// <param name="Clock">The clock name.</param>
/// <param name="Reason">Why, as the protocol states it (journaled with the actor whose decision led here).</param>
public sealed record WithdrawClockAction(string Clock, string? Reason) : ActionDefinition;

/// <summary><c>record deviation "text"</c>: a protocol deviation.</summary>
/// <param name="Text">The deviation text.</param>
public sealed record RecordDeviationAction(string Text) : ActionDefinition;

/// <summary><c>emit Name</c>: an outbox event for other systems and workflows.</summary>
/// <param name="Event">The event name.</param>
public sealed record EmitAction(string Event) : ActionDefinition;
