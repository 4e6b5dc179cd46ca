using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProtocolEngine.Workflows.Simulation;

/// <summary>
/// Reading the JSON files people write by hand (scenarios, replay assumptions): comments and trailing commas allowed,
/// unknown members refused (a misspelt field must not be silently ignored), and every error a
/// <see cref="FormatException"/> naming the file and line.
/// </summary>
public static class UserJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads a <typeparamref name="T"/>; throws <see cref="FormatException"/> naming <paramref name="source"/> and the line.</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">The file, for messages.</param>
    /// <param name="what">What the file holds ("the scenario"), for the message when it is empty.</param>
    public static T Read<T>(string json, string source, string what) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new FormatException($"{source}: {what} is empty.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}: {ex.Message}", ex);
        }
    }
}
