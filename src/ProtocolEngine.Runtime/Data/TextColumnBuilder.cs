namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Builds a <see cref="TextColumn"/> one value at a time, dictionary-encoding as it goes. Looking up a value
/// given as a span allocates nothing when the value was seen before, so readers can feed it straight from
/// their buffers. Not thread-safe; build each column on one thread.
/// </summary>
public sealed class TextColumnBuilder
{
    private Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    // The distinct values in code order: the first _distinct entries of an array that Build hands to the column as it is
    // when it is full (reserved a Parquet dictionary page at a time), so a million-entry dictionary is not copied.
    private string[] _dictionary = [];
    private int _distinct;
    private CodeArrayBuilder _codes;
    // Codes are numbered by first use in row order (what every reader has always produced); a reader that enters a
    // file's dictionaries before its rows may number them otherwise, which Build then corrects.
    private int _maxSeen = -1;
    private bool _outOfOrder;
    private readonly StringPool? _pool;
    private ulong[]? _empty;
    // With pool numbers (UsePoolIds): the code + 1 of each pool string this column holds, 0 when it holds none.
    private int[]? _codeOfId;
    // With a subject directory (UseSubjects): the code + 1 of each subject this column holds, 0 when it holds none, and
    // where the walk through the directory stands.
    private SubjectDirectory? _subjects;
    private int[]? _codeOfSubject;
    // While every subject met so far is the next of the directory (a dataset listing DM's subjects in DM's order), a
    // subject's code is its number in the directory and the dictionary is the directory's prefix: nothing is stored.
    private bool _identity;
    private int _subjectCursor;

    /// <summary>Creates a builder; a shared <paramref name="pool"/> lets columns of many tables share one copy of each string.</summary>
    public TextColumnBuilder(StringPool? pool = null)
        : this(pool, 256)
    {
    }

    /// <summary>A builder for a known number of rows (a Parquet reader knows it from the file's metadata): no growth copies.</summary>
    internal TextColumnBuilder(StringPool? pool, int capacity)
    {
        _pool = pool;
        _codes = new CodeArrayBuilder(capacity);
        _lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The number of values added.</summary>
    public int Count => _codes.Count;

    /// <summary>The number of distinct values seen.</summary>
    public int DistinctCount => _distinct;

    /// <summary>Adds a value: null is missing, an empty string is missing that remembers it was empty.</summary>
    public void Add(string? value)
    {
        if (value is null) AddMissing(emptyString: false);
        else Add(value.AsSpan());
    }

    /// <summary>Adds a value given as characters; an empty span is a missing value that was an empty string.</summary>
    public void Add(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            AddMissing(emptyString: true);
            return;
        }
        AddCode(CodeOf(value));
    }

    /// <summary>
    /// The dictionary code of a non-empty value, entering it in the dictionary when new but adding no row: a reader maps
    /// a Parquet dictionary page once, then adds rows with <see cref="AddCode"/>.
    /// </summary>
    internal int CodeOf(ReadOnlySpan<char> value)
    {
        if (_subjects is not null)
        {
            int subject = _subjects.Find(value, ref _subjectCursor);
            if (subject >= 0) return CodeOfSubject(subject);
            // Not a subject of the directory: such a value is only ever found through the paths below.
        }
        if (_codeOfId is not null) return CodeOfPooled(value);
        if (!_lookup.TryGetValue(value, out int code))
        {
            var s = _pool is null ? value.ToString() : _pool.Get(value);
            code = AddDistinct(s);
            _index.Add(s, code);
        }
        return code;
    }

    /// <summary>
    /// Finds the values <paramref name="subjects"/> holds by walking it (a USUBJID column of a dataset grouped by subject
    /// meets DM's subjects in DM's order) instead of hashing them, from now on; only before any value is added. The codes
    /// and dictionary are the same as without: numbered by first use, the strings the directory's (the pool's) own.
    /// </summary>
    internal void UseSubjects(SubjectDirectory subjects)
    {
        if (_distinct > 0 || _subjects is not null) return;
        _subjects = subjects;
        _identity = true;
    }

    /// <summary>Gives each subject met so far its code in a dictionary of this column's own, as a dataset not in DM's order needs.</summary>
    private void LeaveIdentity()
    {
        var subjects = _subjects!;
        _identity = false;
        // Reserved for every subject (a dataset holds most of them, a few rows each at most), so it is never grown.
        _dictionary = new string[Math.Max(_distinct + 1, Math.Min(subjects.Count, Math.Max(_codes.Capacity, 1)))];
        Array.Copy(subjects.Ids, _dictionary, _distinct);
        _codeOfSubject = new int[subjects.Count];
        for (int subject = 0; subject < _distinct; subject++) _codeOfSubject[subject] = subject + 1;
    }

    /// <summary>
    /// Makes room for <paramref name="entries"/> more distinct values at once (a Parquet dictionary page about to be
    /// entered): a column read in one row group gets a dictionary of exactly its size, never grown nor trimmed.
    /// </summary>
    internal void ReserveDistinct(int entries)
    {
        if (_identity || entries <= 0) return;
        long needed = (long)_distinct + entries;
        if (needed > _dictionary.Length)
            Array.Resize(ref _dictionary, (int)Math.Min(Array.MaxLength, Math.Max(needed, _dictionary.Length == 0 ? 0 : CodeArrayBuilder.Grow(_dictionary.Length))));
    }

    private int AddDistinct(string value)
    {
        if (_identity) LeaveIdentity();
        if (_distinct == _dictionary.Length) Array.Resize(ref _dictionary, Math.Max(4, CodeArrayBuilder.Grow(_dictionary.Length)));
        _dictionary[_distinct] = value;
        return _distinct++;
    }

    private int CodeOfSubject(int subject)
    {
        if (_identity)
        {
            if (subject < _distinct) return subject;
            if (subject == _distinct) return _distinct++;
            LeaveIdentity();
        }
        int code = _codeOfSubject![subject] - 1;
        if (code < 0)
        {
            code = AddDistinct(_subjects![subject]);
            // Not entered in the other lookups: CodeOf asks the directory first, so they never see a subject's value.
            _codeOfSubject[subject] = code + 1;
        }
        return code;
    }

    /// <summary>
    /// Finds values through the pool's numbers instead of this builder's own hash table, from now on: for a column with
    /// many distinct values (USUBJID, a date-time), whose values the pool must be asked for anyway, this halves the
    /// lookups. Only before any value is added, and only with a pool.
    /// </summary>
    internal void UsePoolIds()
    {
        // A column coded through the subject directory finds its values there (a pool-sized array would go unused).
        if (_pool is null || _distinct > 0 || _codeOfId is not null || _subjects is not null) return;
        _codeOfId = new int[Math.Max(1024, _pool.Count)];
    }

    private int CodeOfPooled(ReadOnlySpan<char> value)
    {
        int id = _pool!.IdOf(value);
        if (id >= _codeOfId!.Length) Array.Resize(ref _codeOfId, Math.Max(id + 1, CodeArrayBuilder.Grow(_codeOfId.Length)));
        int code = _codeOfId[id] - 1;
        if (code < 0)
        {
            code = AddDistinct(_pool.StringOf(id));
            _codeOfId[id] = code + 1;
        }
        return code;
    }

    /// <summary>Adds a value given as characters and returns its dictionary code, so a reader can add it again with <see cref="AddCode"/> without looking it up.</summary>
    internal int AddAndGetCode(ReadOnlySpan<char> value)
    {
        Add(value);
        return _codes.Get(_codes.Count - 1);
    }

    /// <summary>Adds a value by the dictionary code <see cref="AddAndGetCode"/> gave it (a reader's dictionary page mapped once).</summary>
    internal void AddCode(int code)
    {
        SeeCode(code, ref _maxSeen, ref _outOfOrder);
        _codes.Add(code);
    }

    /// <summary>
    /// Tracks first use as a code is added: <paramref name="maxSeen"/> becomes the largest code so far, and
    /// <paramref name="outOfOrder"/> is set when a code larger than every one before it is not the next number (the codes
    /// then need <see cref="Renumber"/>). A reader mapping a batch calls it per row with <see cref="MaxSeen"/> to start from.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static void SeeCode(int code, ref int maxSeen, ref bool outOfOrder)
    {
        if (code > maxSeen)
        {
            outOfOrder |= code != maxSeen + 1;
            maxSeen = code;
        }
    }

    /// <summary>
    /// Chooses the code storage for a column whose <paramref name="distinct"/> values are already in the dictionary
    /// (a Parquet reader enters its dictionaries first): the final width at once, a bit a row for one value, runs for
    /// <paramref name="runs"/> (USUBJID). Only before any row is added.
    /// </summary>
    internal void Prepare(int distinct, bool runs)
    {
        if (_codes.Count == 0) _codes.Prepare(distinct, runs);
    }

    /// <summary>Adds a missing value; <paramref name="emptyString"/> records that the source held "" rather than null.</summary>
    public void AddMissing(bool emptyString = false)
    {
        if (emptyString) MarkEmptyString(_codes.Count);
        _codes.Add(-1);
    }

    /// <summary>The largest code added so far (−1 before any), from which a reader mapping a batch tracks first use for <see cref="AddCodes(ReadOnlySpan{int}, int, bool)"/>.</summary>
    internal int MaxSeen => _maxSeen;

    /// <summary>Adds rows by dictionary code (−1 for missing): codes mapped through <see cref="CodeOf"/>.</summary>
    internal void AddCodes(ReadOnlySpan<int> codes)
    {
        int maxSeen = _maxSeen;
        bool outOfOrder = false;
        foreach (int code in codes) SeeCode(code, ref maxSeen, ref outOfOrder);
        AddCodes(codes, maxSeen, outOfOrder);
    }

    /// <summary>
    /// Adds rows by dictionary code (−1 for missing) whose first use the reader tracked with <see cref="SeeCode"/> while
    /// mapping them (a pass over the batch each otherwise): <paramref name="maxSeen"/> and <paramref name="outOfOrder"/> as
    /// it left them, starting from <see cref="MaxSeen"/> and false.
    /// </summary>
    internal void AddCodes(ReadOnlySpan<int> codes, int maxSeen, bool outOfOrder)
    {
        (_maxSeen, _outOfOrder) = (maxSeen, _outOfOrder | outOfOrder);
        // The largest code seen is either in the batch or added before: what AddRange needs to choose the width.
        _codes.AddRange(codes, maxSeen);
    }

    /// <summary>Records that a missing row (added, or about to be) held "" rather than null.</summary>
    internal void MarkEmptyString(int row)
    {
        _empty ??= new ulong[64];
        if ((row >> 6) >= _empty.Length) Array.Resize(ref _empty, Math.Max(CodeArrayBuilder.Grow(_empty.Length), (row >> 6) + 1));
        _empty[row >> 6] |= 1UL << (row & 63);
    }

    /// <summary>The text of an added row, or null when missing.</summary>
    public string? Peek(int row)
    {
        int code = _codes.Get(row);
        return code < 0 ? null : _identity ? _subjects![code] : _dictionary[code];
    }

    /// <summary>Builds the column. <paramref name="isDateTime"/> makes it read as ISO 8601 date/times too.</summary>
    public TextColumn Build(string name, ColumnMetadata? metadata = null, bool isDateTime = false)
    {
        if (_outOfOrder || _maxSeen + 1 != _distinct) Renumber();
        var dictionary = _identity ? _subjects!.Ids : _dictionary;
        if (dictionary.Length != _distinct) dictionary = dictionary[.._distinct];
        // A dataset holding every subject in DM's order has DM's dictionary: one array serves every such column.
        if (_subjects is not null && _subjects.IsSameList(dictionary)) dictionary = _subjects.Ids;
        ulong[]? empty = null;
        if (_empty is not null)
        {
            empty = new ulong[(_codes.Count + 63) >> 6];
            Array.Copy(_empty, empty, Math.Min(empty.Length, _empty.Length));
        }
        return new TextColumn(name, metadata ?? ColumnMetadata.Empty, _codes.Build(), dictionary,
            isDateTime ? TextColumn.ParseAll(dictionary) : null, empty);
    }

    /// <summary>
    /// Renumbers the codes by first use in row order and drops dictionary entries no row holds, as if the values had
    /// been added one by one: the view is the same whatever order a file's dictionaries list their entries in.
    /// </summary>
    private void Renumber()
    {
        if (_identity) LeaveIdentity();
        var old = _dictionary;
        var newOf = new int[_distinct];
        Array.Fill(newOf, -1);
        var fresh = new List<string>();
        int rows = _codes.Count;
        var rebuilt = new CodeArrayBuilder(rows);
        var batch = new int[Math.Min(Math.Max(rows, 1), 4096)];
        for (int from = 0; from < rows; from += batch.Length)
        {
            int n = Math.Min(batch.Length, rows - from);
            for (int k = 0; k < n; k++)
            {
                int code = _codes.Get(from + k);
                if (code >= 0)
                {
                    ref int mapped = ref newOf[code];
                    if (mapped < 0)
                    {
                        mapped = fresh.Count;
                        fresh.Add(old[code]);
                    }
                    code = mapped;
                }
                batch[k] = code;
            }
            rebuilt.AddRange(batch.AsSpan(0, n));
        }
        _codes = rebuilt;
        (_dictionary, _distinct) = (fresh.ToArray(), fresh.Count);
        _index = new Dictionary<string, int>(fresh.Count, StringComparer.Ordinal);
        for (int c = 0; c < fresh.Count; c++) _index[fresh[c]] = c;
        _lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
        if (_codeOfId is not null)
        {
            Array.Clear(_codeOfId);
            for (int c = 0; c < fresh.Count; c++)
            {
                int id = _pool!.IdOf(fresh[c]);
                if (id >= _codeOfId.Length) Array.Resize(ref _codeOfId, Math.Max(id + 1, CodeArrayBuilder.Grow(_codeOfId.Length)));
                _codeOfId[id] = c + 1;
            }
        }
        if (_codeOfSubject is not null)
        {
            for (int s = 0; s < _codeOfSubject.Length; s++)
                if (_codeOfSubject[s] > 0) _codeOfSubject[s] = newOf[_codeOfSubject[s] - 1] + 1;
        }
        (_maxSeen, _outOfOrder) = (fresh.Count - 1, false);
    }
}
