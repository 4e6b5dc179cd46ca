namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// One shared copy of each distinct string across all columns and tables of a study (a USUBJID appears in
/// every domain; a million subjects would otherwise cost a million strings per domain). Thread-safe.
/// </summary>
/// <remarks>
/// Each string also has a number, in the order strings were added, so that a column with many distinct values (USUBJID,
/// a date-time) can map a value to its own code through an array indexed by that number rather than a hash table of its
/// own: one lookup a value instead of two.
/// </remarks>
public sealed class StringPool
{
    // A plain dictionary under a lock rather than a concurrent one: a million-subject study pools millions of strings, and a
    // concurrent dictionary's node object per entry (about 40 bytes each, all garbage once the load ends) was a tenth of the
    // load's peak memory. Lookups come once per distinct value of a column chunk, not once per row, so the lock is cheap.
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Lock _gate = new();
    // Written before the string's number is returned, replaced (never shrunk) when it grows.
    private string[] _strings = new string[1024];
    private int _count;

    /// <summary>Creates an empty pool.</summary>
    public StringPool() => _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The number of distinct strings held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The pooled copy of a value, adding it when new.</summary>
    public string Get(ReadOnlySpan<char> value) => StringOf(IdOf(value));

    /// <summary>The number of a value, adding it when new: numbers run from 0 in the order values were added.</summary>
    internal int IdOf(ReadOnlySpan<char> value)
    {
        lock (_gate)
        {
            if (_lookup.TryGetValue(value, out int id)) return id;
            var s = value.ToString();
            id = _count;
            var strings = _strings;
            if (id == strings.Length)
            {
                Array.Resize(ref strings, checked(strings.Length * 2));
                Volatile.Write(ref _strings, strings);
            }
            strings[id] = s;
            Volatile.Write(ref _count, id + 1);
            _ids.Add(s, id);
            return id;
        }
    }

    /// <summary>The string of a number <see cref="IdOf"/> gave.</summary>
    internal string StringOf(int id) => Volatile.Read(ref _strings)[id];
}
