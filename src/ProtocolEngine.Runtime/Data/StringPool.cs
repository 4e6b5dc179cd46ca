using System.Collections.Concurrent;

namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// One shared copy of each distinct string across all columns and tables of a study (a USUBJID appears in
/// every domain; a million subjects would otherwise cost a million strings per domain). Thread-safe.
/// </summary>
public sealed class StringPool
{
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>Creates an empty pool.</summary>
    public StringPool() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The number of distinct strings held.</summary>
    public int Count => _strings.Count;

    /// <summary>The pooled copy of a value, adding it when new.</summary>
    public string Get(ReadOnlySpan<char> value)
    {
        if (_lookup.TryGetValue(value, out var existing)) return existing;
        var s = value.ToString();
        return _strings.GetOrAdd(s, s);
    }
}
