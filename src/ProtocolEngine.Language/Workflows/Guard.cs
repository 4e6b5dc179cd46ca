using System.Text.Json.Serialization;
using ProtocolEngine.Language.Syntax;

namespace ProtocolEngine.Language.Workflows;

/// <summary>A transition guard (grammar: guard), a small tree evaluated when the instance is stepped.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(CriteriaGuard), "criteria")]
[JsonDerivedType(typeof(TaskGuard), "task")]
[JsonDerivedType(typeof(EventGuard), "event")]
[JsonDerivedType(typeof(ClockGuard), "clock")]
[JsonDerivedType(typeof(ConditionGuard), "condition")]
[JsonDerivedType(typeof(AndGuard), "and")]
[JsonDerivedType(typeof(OrGuard), "or")]
public abstract record Guard;

/// <summary><c>criteria [phase P] met | not met | unknown | attested</c>: the host evaluates the subject's criteria.</summary>
/// <param name="Phase">The criteria phase, or null for all criteria.</param>
/// <param name="Outcomes">The outcomes that satisfy the guard (any of them).</param>
public sealed record CriteriaGuard(string? Phase, IReadOnlyList<CriteriaOutcome> Outcomes) : Guard;

/// <summary><c>Task completed | approved | rejected | decided X</c>.</summary>
/// <param name="Task">The task or gate name.</param>
/// <param name="Outcome">The outcome required.</param>
/// <param name="Decision">For <see cref="TaskOutcome.Decided"/>, the decision name.</param>
public sealed record TaskGuard(string Task, TaskOutcome Outcome, string? Decision = null) : Guard;

/// <summary><c>event Name</c>: the named event arrived while the instance was in the transition's source state.</summary>
/// <param name="Event">The event name.</param>
public sealed record EventGuard(string Event) : Guard;

/// <summary><c>clock Name met | missed</c>.</summary>
/// <param name="Clock">The clock name.</param>
/// <param name="Missed">True for <c>missed</c>, false for <c>met</c>.</param>
public sealed record ClockGuard(string Clock, bool Missed) : Guard;

/// <summary>A data condition (grammar: expressionGuard), a rule of the compiled protocol the host runs by its id.</summary>
/// <param name="RuleId">The rule id (<c>guard:Workflow.From->To</c>, <c>start:Workflow</c>), stable when other text moves.</param>
/// <param name="Text">The expression text, for the journal and for reviewers.</param>
/// <param name="RuleHash">The rule hash (its text and everything it reads), journaled with every evaluation.</param>
public sealed record ConditionGuard(string RuleId, string Text, string RuleHash) : Guard;

/// <summary>Both guards hold.</summary>
/// <param name="Left">The first guard.</param>
/// <param name="Right">The second guard.</param>
public sealed record AndGuard(Guard Left, Guard Right) : Guard;

/// <summary>Either guard holds.</summary>
/// <param name="Left">The first guard.</param>
/// <param name="Right">The second guard.</param>
public sealed record OrGuard(Guard Left, Guard Right) : Guard;
