using System.Runtime.CompilerServices;

namespace ProtocolEngine.Runtime.Evaluation;

/// <summary>
/// A set of 64-bit keys for the evidence recorder's one-item-per-fact rule, cleared in constant time: each slot carries
/// the stamp of the clearing it was written after, and clearing moves to the next stamp instead of wiping the table.
/// Open addressing with linear probing; removal shifts the following keys back (no tombstones), so a rule whose query
/// discards thousands of examined records keeps short probe runs. Not thread-safe (one recorder, one worker).
/// </summary>
/// <remarks>
/// A screening clears the set for every criterion of every subject (tens of millions of times for a million subjects)
/// while it holds a few keys at a time: <see cref="HashSet{T}"/> clears its whole bucket array each time and chains
/// through entries on every lookup.
/// </remarks>
internal sealed class StampedKeySet
{
    private const int InitialBits = 6;
    private ulong[] _keys = new ulong[1 << InitialBits];
    // 0 = empty; a slot is occupied when it holds the current stamp.
    private uint[] _stamps = new uint[1 << InitialBits];
    private uint _stamp;
    private int _shift = 64 - InitialBits;
    private int _count;

    /// <summary>An empty set; <paramref name="stamp"/> (not 0) is the first stamp, for the tests of its wrapping around.</summary>
    public StampedKeySet(uint stamp = 1) => _stamp = stamp == 0 ? 1 : stamp;

    /// <summary>The number of keys held.</summary>
    public int Count => _count;

    /// <summary>Empties the set (constant time but once every four billion clearings, when the stamps are wiped).</summary>
    public void Clear()
    {
        if (_count == 0) return;
        _count = 0;
        if (++_stamp == 0)
        {
            Array.Clear(_stamps);
            _stamp = 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>Adds a key; false when it was already held.</summary>
    public bool Add(ulong key)
    {
        var keys = _keys;
        var stamps = _stamps;
        uint stamp = _stamp;
        int mask = keys.Length - 1;
        for (int i = Home(key); ; i = (i + 1) & mask)
        {
            if (stamps[i] != stamp)
            {
                if ((_count + 1) * 2 > keys.Length)
                {
                    Grow();
                    Insert(key);
                }
                else
                {
                    keys[i] = key;
                    stamps[i] = stamp;
                }
                _count++;
                return true;
            }
            if (keys[i] == key) return false;
        }
    }

    /// <summary>True when the key is held.</summary>
    public bool Contains(ulong key)
    {
        var keys = _keys;
        var stamps = _stamps;
        int mask = keys.Length - 1;
        for (int i = Home(key); stamps[i] == _stamp; i = (i + 1) & mask)
            if (keys[i] == key) return true;
        return false;
    }

    /// <summary>Removes a key if held.</summary>
    public void Remove(ulong key)
    {
        var keys = _keys;
        var stamps = _stamps;
        uint stamp = _stamp;
        int mask = keys.Length - 1;
        int hole = Home(key);
        while (true)
        {
            if (stamps[hole] != stamp) return;
            if (keys[hole] == key) break;
            hole = (hole + 1) & mask;
        }
        // Backward shift: a later key of the same probe run moves into the hole when the hole lies on its path from its
        // home slot, so every key stays reachable from its home without passing an empty slot.
        for (int j = (hole + 1) & mask; stamps[j] == stamp; j = (j + 1) & mask)
        {
            int home = Home(keys[j]);
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                keys[hole] = keys[j];
                hole = j;
            }
        }
        stamps[hole] = 0;
        _count--;
    }

    private void Grow()
    {
        var (keys, stamps, stamp) = (_keys, _stamps, _stamp);
        _keys = new ulong[keys.Length * 2];
        _stamps = new uint[keys.Length * 2];
        _shift--;
        for (int i = 0; i < keys.Length; i++)
            if (stamps[i] == stamp) Insert(keys[i]);
    }

    private void Insert(ulong key)
    {
        int mask = _keys.Length - 1;
        int i = Home(key);
        while (_stamps[i] == _stamp) i = (i + 1) & mask;
        _keys[i] = key;
        _stamps[i] = _stamp;
    }
}
