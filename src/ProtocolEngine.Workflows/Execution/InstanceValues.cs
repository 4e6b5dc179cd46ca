using ProtocolEngine.Workflows.Persistence;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>The values an instance carries (the record that started it, awareness time, region), for hosts that show them.</summary>
public static class InstanceValues
{
    /// <summary>The instance's values, by name.</summary>
    public static IReadOnlyDictionary<string, string> Of(InstanceRecord instance) => InstanceData.Parse(instance.Data).Values;
}
