using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Workflows.Definitions;

/// <summary>Reads and writes definitions as JSON (the stored body and the <c>.workflow.json</c> file format) and hashes their canonical form.</summary>
public static class DefinitionSerializer
{
    /// <summary>The options used for every definition body: camelCase, no indentation, nulls omitted, declaration order.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The canonical JSON: properties in declaration order, no whitespace, nulls omitted.</summary>
    public static string ToJson(WorkflowDefinition definition) => JsonSerializer.Serialize(definition, Options);

    /// <summary>Reads a definition; throws <see cref="FormatException"/> naming the path and position when the JSON is not a valid definition.</summary>
    public static WorkflowDefinition FromJson(string json, string source = "definition")
    {
        try
        {
            return JsonSerializer.Deserialize<WorkflowDefinition>(json, Options)
                ?? throw new FormatException($"{source}: expected a workflow definition object, found null.");
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
}
