using System.Text.Json;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>The facts an instance carries between steps, stored as JSON in its row.</summary>
internal sealed class InstanceData
{
    public Dictionary<string, string> Values { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Task name to decision, for the current state only.</summary>
    public Dictionary<string, string> TaskOutcomes { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Named events received in the current state.</summary>
    public List<string> Events { get; set; } = [];
    public Dictionary<string, ClockState> Clocks { get; set; } = new(StringComparer.Ordinal);
    public string? Arm { get; set; }
    public List<string> Deviations { get; set; } = [];

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static InstanceData Parse(string json) => string.IsNullOrEmpty(json) ? new InstanceData() : JsonSerializer.Deserialize<InstanceData>(json, Json) ?? new InstanceData();

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>A started regulatory clock. Times are Unix milliseconds.</summary>
internal sealed class ClockState
{
    public string Name { get; set; } = "";
    public string? Party { get; set; }
    public long Day0 { get; set; }
    public long DueAt { get; set; }
    public string Zone { get; set; } = "UTC";
    public string Within { get; set; } = "";
    public string Status { get; set; } = "running";
    public long? MetAt { get; set; }
}
