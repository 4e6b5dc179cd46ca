using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProtocolEngine.Language.Workflows;

/// <summary>Writes a <see cref="ClockDuration"/> as its protocol text (<c>"7 calendar days"</c>) and reads it back.</summary>
internal sealed class ClockDurationJsonConverter : JsonConverter<ClockDuration>
{
    /// <inheritdoc />
    public override ClockDuration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("Expected a duration string such as \"24 hours\" or \"7 calendar days\".");
        try { return ClockDuration.Parse(reader.GetString()!); }
        catch (FormatException ex) { throw new JsonException(ex.Message, ex); }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ClockDuration value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
