using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Runtime.Eligibility;

/// <summary>
/// The evidence of every cell of a screening, kept as compact entries (<see cref="EvidenceEntry"/>: a read site, a row, a
/// number) in chunks of a fixed size that hold no references, so a million subjects' evidence costs the collector
/// nothing to trace and a read allocates nothing; each cell's items are materialised only when its subject's account
/// is asked for. Workers append through a <see cref="Writer"/> of their own, each filling chunks it alone writes.
/// </summary>
internal sealed class EvidenceStore
{
    private const int ChunkShift = 16;
    private const int ChunkSize = 1 << ChunkShift;

    /// <summary>The most items one cell can keep (the count's bits in a cell's reference).</summary>
    internal const int MaxItemsPerCell = (1 << 23) - 1;

    private readonly object _lock = new();
    private EvidenceEntry[]?[] _chunks = new EvidenceEntry[]?[16];
    private int _chunkCount;
    private readonly List<object?> _values = [];

    // Per cell: 0 when no evidence was kept, else (first entry's position + 1) << 23 | count.
    private readonly long[] _cells;

    internal EvidenceStore(int cells, EvidenceSites sites)
    {
        _cells = new long[cells];
        Sites = sites;
    }

    /// <summary>The read sites the entries refer to, shared with the workers' recorders.</summary>
    public EvidenceSites Sites { get; }

    /// <summary>A worker's way in: appends a cell's entries to chunks only it writes.</summary>
    public Writer CreateWriter() => new(this);

    private (EvidenceEntry[] Chunk, long First) NewChunk(int size)
    {
        lock (_lock)
        {
            if (_chunkCount == _chunks.Length) Array.Resize(ref _chunks, _chunks.Length * 2);
            // A chunk holds ChunkSize entries; a cell with more (a capacity above it) gets a run of positions of its own.
            int slots = (size + ChunkSize - 1) >> ChunkShift;
            var chunk = new EvidenceEntry[slots * ChunkSize];
            long first = (long)_chunkCount << ChunkShift;
            for (int i = 0; i < slots; i++)
            {
                if (_chunkCount == _chunks.Length) Array.Resize(ref _chunks, _chunks.Length * 2);
                _chunks[_chunkCount++] = i == 0 ? chunk : null;
            }
            return (chunk, first);
        }
    }

    private int AddValue(object? value)
    {
        lock (_lock)
        {
            _values.Add(value);
            return _values.Count - 1;
        }
    }

    /// <summary>The cell's items, materialised (empty when no evidence was kept).</summary>
    public EvidenceItem[] Get(int cell)
    {
        long reference = Volatile.Read(ref _cells[cell]);
        if (reference == 0) return [];
        int count = (int)(reference & MaxItemsPerCell);
        if (count == 0) return [];
        long first = (reference >> 23) - 1;
        EvidenceEntry[] chunk;
        List<object?> values;
        lock (_lock)
        {
            int index = (int)(first >> ChunkShift), offset = (int)(first & (ChunkSize - 1));
            // Positions past the first ChunkSize of a chunk made for a large cell belong to that chunk.
            while (_chunks[index] is null)
            {
                index--;
                offset += ChunkSize;
            }
            chunk = _chunks[index]!;
            values = _values;
            var items = new EvidenceItem[count];
            for (int i = 0; i < count; i++) items[i] = Sites.Materialise(chunk[offset + i], values);
            return items;
        }
    }

    /// <summary>One worker's appender.</summary>
    internal sealed class Writer(EvidenceStore store)
    {
        private EvidenceEntry[] _chunk = [];
        private long _first;
        private int _used;

        /// <summary>Keeps the recorder's evidence as the cell's.</summary>
        public void Set(int cell, EvidenceRecorder recorder)
        {
            var entries = recorder.Entries;
            int n = entries.Length;
            if (n > MaxItemsPerCell) throw new InvalidOperationException($"More than {MaxItemsPerCell:N0} evidence items in one cell.");
            if (_used + n > _chunk.Length)
            {
                (_chunk, _first) = store.NewChunk(Math.Max(n, 1));
                _used = 0;
            }
            var sites = store.Sites;
            // Only entries that carry a value (given reads, replayed items) have one in the recorder's list: without any,
            // the entries are kept as they are.
            if (!recorder.HasValues) entries.CopyTo(_chunk.AsSpan(_used));
            else
            {
                for (int i = 0; i < n; i++)
                {
                    var entry = entries[i];
                    if (sites.CarriesValue(entry.Site)) entry = entry with { Extra = store.AddValue(recorder.Values[entry.Extra]) };
                    _chunk[_used + i] = entry;
                }
            }
            long position = _first + _used;
            _used += n;
            Volatile.Write(ref store._cells[cell], ((position + 1) << 23) | (long)n);
        }
    }
}
