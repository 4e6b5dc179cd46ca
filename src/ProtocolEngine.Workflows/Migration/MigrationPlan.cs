using System.Globalization;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Workflows.Migration;

/// <summary>How running instances of one definition version move to another: state names map; unmapped names keep their name.</summary>
/// <param name="FromDefinitionId">The version instances are pinned to now.</param>
/// <param name="ToDefinitionId">The version they move to.</param>
/// <param name="StateMap">Old state name to new state name.</param>
public sealed record MigrationPlan(string FromDefinitionId, string ToDefinitionId, IReadOnlyDictionary<string, string> StateMap)
{
    /// <summary>SHA-256 of the plan, journaled with every move.</summary>
    public string ComputeHash() => Sha256Hex.Of(string.Join('\n',
        new[] { FromDefinitionId, ToDefinitionId }.Concat(StateMap.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}->{p.Value}")))));
}

/// <summary>One instance a plan moves.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="CorrelationKey">Its key (subject).</param>
/// <param name="FromState">Its state now.</param>
/// <param name="ToState">Its state in the new version.</param>
/// <param name="Problem">Why it cannot move, if it cannot (PE9013).</param>
public sealed record MigrationMove(string InstanceId, string CorrelationKey, string FromState, string ToState, Diagnostic? Problem);

/// <summary>What a plan moves (dry run) or moved (applied).</summary>
/// <param name="Moves">The instances.</param>
/// <param name="Problems">What stops the plan, with their codes (PE9011-PE9013); nothing is applied while any remain.</param>
/// <param name="Applied">True once applied.</param>
public sealed record MigrationPreview(IReadOnlyList<MigrationMove> Moves, IReadOnlyList<Diagnostic> Problems, bool Applied = false);
