namespace ProtocolEngine.Runtime.Values;

/// <summary>
/// The shared shape of Date, DateTime and Time: a run of components (year, month, day, hour, minute,
/// second, millisecond, indexed 0 to 6) of which a prefix is known. Lets precision-aware comparison be
/// written once.
/// </summary>
public interface ICqlTemporal
{
    /// <summary>Index of the first component this kind of value has (0 for dates, 3 for times).</summary>
    int FirstComponent { get; }

    /// <summary>Index of the last known component.</summary>
    int LastComponent { get; }

    /// <summary>Reads component <paramref name="index"/> (0 = year ... 6 = millisecond).</summary>
    int GetComponent(int index);
}
