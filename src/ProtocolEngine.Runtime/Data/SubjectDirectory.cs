namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// The study's subjects in DM's order (DM's distinct USUBJIDs as first used, which is how <see cref="StudyDataBuilder"/>
/// orders the subjects), read before the other datasets so that their USUBJID columns find each value by walking this
/// list alongside their rows rather than hashing it: a dataset grouped by subject lists its subjects in DM's order, so
/// the next subject is almost always at or just past the last one found. Thread-safe; a hint only (a column coded
/// through it holds the same codes and dictionary as one coded without).
/// </summary>
internal sealed class SubjectDirectory
{
    // Subjects a walk looks ahead before hashing: a dataset that skips subjects (adverse events) skips a few at a time.
    private const int LookAhead = 8;
    private readonly string[] _ids;
    private Dictionary<string, int>? _index;

    /// <summary>A directory of these distinct subject identifiers, in order.</summary>
    /// <remarks>A column's dictionary (a <c>string[]</c> no one writes) is used as it is, not copied.</remarks>
    public SubjectDirectory(IReadOnlyList<string> ids) => _ids = ids as string[] ?? [.. ids];

    /// <summary>The identifiers in order: the array a column whose dictionary holds the same subjects in order can share.</summary>
    public string[] Ids => _ids;

    /// <summary>True when <paramref name="dictionary"/> holds exactly these identifiers, in this order (the same strings).</summary>
    public bool IsSameList(string[] dictionary)
    {
        if (ReferenceEquals(dictionary, _ids)) return true;
        if (dictionary.Length != _ids.Length) return false;
        for (int s = 0; s < dictionary.Length; s++)
            if (!ReferenceEquals(dictionary[s], _ids[s])) return false;
        return true;
    }

    /// <summary>The number of subjects.</summary>
    public int Count => _ids.Length;

    /// <summary>The identifier of a subject.</summary>
    public string this[int subject] => _ids[subject];

    /// <summary>
    /// The subject whose identifier is <paramref name="value"/>, or −1 when none: looked for from <paramref name="cursor"/>
    /// (where the caller's walk stands, moved past the subject found), then by hashing.
    /// </summary>
    public int Find(ReadOnlySpan<char> value, ref int cursor)
    {
        var ids = _ids;
        int end = Math.Min(ids.Length, cursor + LookAhead);
        for (int s = Math.Max(0, cursor); s < end; s++)
        {
            if (value.SequenceEqual(ids[s]))
            {
                cursor = s + 1;
                return s;
            }
        }
        var index = Volatile.Read(ref _index) ?? BuildIndex();
        if (!index.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(value, out int found)) return -1;
        cursor = found + 1;
        return found;
    }

    private Dictionary<string, int> BuildIndex()
    {
        var index = new Dictionary<string, int>(_ids.Length, StringComparer.Ordinal);
        for (int s = 0; s < _ids.Length; s++) index.TryAdd(_ids[s], s);
        // Built at most a few times by racing threads, each complete before it is published.
        return Interlocked.CompareExchange(ref _index, index, null) ?? index;
    }
}
