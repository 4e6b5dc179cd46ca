using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProtocolEngine.Language.Workflows;

/// <summary>Writes a <see cref="Recipient"/> as its text form and reads it back.</summary>
internal sealed class RecipientJsonConverter : JsonConverter<Recipient>
{
    /// <inheritdoc />
    public override Recipient Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } text
            ? Recipient.Parse(text)
            : throw new JsonException("Expected a recipient such as \"Investigator\" or \"user:inv1\".");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Recipient value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
