namespace ProtocolEngine.Runtime.Data;

/// <summary>Conversions between the doubles data files carry and the decimals CQL computes with.</summary>
internal static class NumberConversions
{
    /// <summary>
    /// Converts a double to the decimal with the same shortest round-trip digits, so 0.1 stays 0.1 and
    /// an integer-valued result stays exact. Values outside decimal's range saturate.
    /// </summary>
    public static decimal ToDecimal(double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15) return (decimal)(long)value;
        if (Math.Abs(value) >= 7.9e28) return value > 0 ? decimal.MaxValue : decimal.MinValue;
        // (decimal)double keeps 15 significant digits, which is what SAS numbers meaningfully hold.
        return (decimal)value;
    }
}
