using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Workflows.Definitions;

/// <summary>
/// Reads and writes the workflow IR as JSON (the stored body of a definition version and the <c>.workflow.json</c> file
/// format) and hashes its canonical form. JSON is only the IR's serialisation: definitions are lowered by the compiler.
/// </summary>
public static class DefinitionSerializer
{
    /// <summary>The options used for every definition body: camelCase, no indentation, nulls omitted, declaration order, enums by name.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // Guard outcomes are the language's own enums (criteria met, task approved); they are written by name like the rest.
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The canonical JSON: properties in declaration order, no whitespace, nulls omitted.</summary>
    public static string ToJson(WorkflowDefinition definition) => JsonSerializer.Serialize(definition, Options);

    /// <summary>
    /// Reads a definition; throws <see cref="FormatException"/> naming the path and position when the JSON is not a valid
    /// definition. Bodies stored before a state could hold several tasks (<c>"task": {...}</c>) are read as a state
    /// holding that one task (<c>"tasks": [{...}]</c>).
    /// </summary>
    public static WorkflowDefinition FromJson(string json, string source = "definition")
    {
        try
        {
            // Read straight from the text when the shape is current, so errors name their line.
            var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var definition = node is not null && Upgrade(node) ? node.Deserialize<WorkflowDefinition>(Options) : JsonSerializer.Deserialize<WorkflowDefinition>(json, Options);
            return definition ?? throw new FormatException($"{source}: expected a workflow definition object, found null.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Reads a workflow file: one definition object, an array of definitions, or <c>{"workflows": [...]}</c>.
    /// Throws <see cref="FormatException"/> naming the source and position.
    /// </summary>
    public static IReadOnlyList<WorkflowDefinition> ReadFile(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("workflows", out var list)) root = list;
            if (root.ValueKind == JsonValueKind.Array)
                return root.EnumerateArray().Select((e, i) => FromJson(e.GetRawText(), $"{source} (workflow {i + 1})")).ToList();
            if (root.ValueKind == JsonValueKind.Object) return [FromJson(root.GetRawText(), source)];
            throw new FormatException($"{source}: expected a workflow definition object, an array of them or {{\"workflows\": [...]}}, found {root.ValueKind}.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}: {ex.Message}", ex);
        }
    }

    /// <summary>SHA-256 (lower-case hex) of the canonical JSON.</summary>
    public static string ContentHash(WorkflowDefinition definition) => Sha256Hex.Of(ToJson(definition));

    // The one change of shape so far: a state's single "task" became the list "tasks". True when anything changed.
    private static bool Upgrade(JsonNode definition)
    {
        bool changed = false;
        if (definition is JsonObject { } root && root["states"] is JsonArray states)
            foreach (var state in states.OfType<JsonObject>())
                if (state["task"] is { } task && !state.ContainsKey("tasks"))
                {
                    state.Remove("task");
                    state["tasks"] = new JsonArray(task);
                    changed = true;
                }
        return changed;
    }
}
