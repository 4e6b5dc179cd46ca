using ProtocolEngine.Runtime.Operators;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Native;

/// <summary>Member access on structured values: tuple elements, Quantity.value, Code.system, Interval.low, ...</summary>
public static class Members
{
    /// <summary>The member of a value (null when the value is null or has no such member).</summary>
    public static object? Get(object? target, string member) => target switch
    {
        null => null,
        CqlTuple t => t.Get(member),
        CqlQuantity q => member switch { "value" => q.Value, "unit" => q.Unit, _ => null },
        CqlRatio r => member switch { "numerator" => r.Numerator, "denominator" => r.Denominator, _ => null },
        CqlCode c => member switch { "code" => c.Code, "system" => c.System, "version" => c.Version, "display" => c.Display, _ => null },
        CqlConcept c => member switch { "codes" => c.Codes.Cast<object?>().ToList(), "display" => c.Display, _ => null },
        CqlInterval i => member switch { "low" => i.Low, "high" => i.High, "lowClosed" => i.LowClosed, "highClosed" => i.HighClosed, _ => null },
        _ => throw new CqlRuntimeException($"{CqlFormatter.Format(target)} has no member {member}."),
    };
}
