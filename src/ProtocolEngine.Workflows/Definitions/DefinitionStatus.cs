using System.Text.Json.Serialization;

namespace ProtocolEngine.Workflows.Definitions;

/// <summary>Whether a definition may start instances.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DefinitionStatus>))]
public enum DefinitionStatus
{
    /// <summary>Saved for review; starts no instances.</summary>
    Draft,
    /// <summary>Starts instances; the newest published version of a name is the one used.</summary>
    Published,
}
