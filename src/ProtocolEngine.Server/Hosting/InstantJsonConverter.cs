using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace ProtocolEngine.Server.Hosting;

/// <summary>Writes instants as ISO 8601 UTC (2025-03-03T08:00:00.123Z) and reads them back.</summary>
internal sealed class InstantJsonConverter : JsonConverter<Instant>
{
    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var r = InstantPattern.ExtendedIso.Parse(reader.GetString() ?? "");
        return r.Success ? r.Value : throw new JsonException($"\"{reader.GetString()}\" is not an ISO 8601 instant.");
    }

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(InstantPattern.ExtendedIso.Format(value));
}
