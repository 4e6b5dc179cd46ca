using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProtocolEngine.LanguageService.Workflows;

/// <summary>Where a node is drawn.</summary>
/// <param name="X">Horizontal position.</param>
/// <param name="Y">Vertical position.</param>
public sealed record NodePosition(double X, double Y);

/// <summary>
/// Where the designer draws the nodes of a protocol's workflows, kept in an optional file beside the protocol
/// (<c>trial.protocol</c> → <c>trial.layout.json</c>) so that the protocol text never holds coordinates:
/// <code>
/// { "format": "protocolengine-workflow-layout/1",
///   "workflows": { "Recruitment": { "Identified": { "x": 0, "y": 0 }, "Prescreening": { "x": 0, "y": 120 } } } }
/// </code>
/// A state the file does not place is laid out automatically; a place for a state the workflow lacks is ignored.
/// Renaming or deleting a state in the graph renames or drops its place (<see cref="RenameState"/>, <see cref="DeleteState"/>).
/// </summary>
public sealed record WorkflowLayout
{
    /// <summary>The format tag the file starts with.</summary>
    public const string CurrentFormat = "protocolengine-workflow-layout/1";

    /// <summary>The format tag.</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>Each workflow's node positions, by state name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, NodePosition>> Workflows { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, NodePosition>>(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The layout file's path for a protocol file.</summary>
    public static string PathFor(string protocolPath) => Path.ChangeExtension(protocolPath, ".layout.json");

    /// <summary>Reads a layout file's text.</summary>
    /// <exception cref="FormatException">The text is not a layout of this format.</exception>
    public static WorkflowLayout Parse(string json)
    {
        WorkflowLayout? layout;
        try
        {
            layout = JsonSerializer.Deserialize<WorkflowLayout>(json, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The workflow layout is not valid JSON: {e.Message} (line {e.LineNumber + 1}).", e);
        }
        if (layout is null || layout.Format != CurrentFormat)
            throw new FormatException($"The workflow layout's format is \"{layout?.Format}\"; expected \"{CurrentFormat}\".");
        return layout;
    }

    /// <summary>The layout as the file's text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The position of a state, when placed.</summary>
    public NodePosition? PositionOf(string workflow, string state) =>
        Workflows.TryGetValue(workflow, out var nodes) && nodes.TryGetValue(state, out var p) ? p : null;

    /// <summary>This layout with a state placed.</summary>
    public WorkflowLayout Place(string workflow, string state, NodePosition position) =>
        With(workflow, nodes => nodes[state] = position);

    /// <summary>This layout after a state was renamed.</summary>
    public WorkflowLayout RenameState(string workflow, string state, string newName) => With(workflow, nodes =>
    {
        if (nodes.Remove(state, out var p)) nodes[newName] = p;
    });

    /// <summary>This layout after a state was deleted.</summary>
    public WorkflowLayout DeleteState(string workflow, string state) => With(workflow, nodes => nodes.Remove(state));

    private WorkflowLayout With(string workflow, Action<Dictionary<string, NodePosition>> change)
    {
        var all = Workflows.ToDictionary(w => w.Key, w => w.Value, StringComparer.Ordinal);
        var nodes = all.TryGetValue(workflow, out var existing) ? existing.ToDictionary(StringComparer.Ordinal) : new Dictionary<string, NodePosition>(StringComparer.Ordinal);
        change(nodes);
        all[workflow] = nodes;
        return this with { Workflows = all };
    }
}
