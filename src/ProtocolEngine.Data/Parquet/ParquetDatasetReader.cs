using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using global::Parquet;
using global::Parquet.Schema;
using Microsoft.Win32.SafeHandles;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Parquet;

/// <summary>
/// Reads an Apache Parquet file straight into a dataset of the subject view, a row group at a time: only one row
/// group's values of a column are decoded at once, so memory stays near the size of the view being built. Text
/// columns come back dictionary-coded: a dictionary-encoded Parquet column's values are mapped to the view's codes
/// once per dictionary entry rather than hashed per row. Columns are read in parallel, each thread with its own
/// reader of the file.
/// </summary>
/// <remarks>
/// Anything but flat columns of text or numbers (double, float, 32- or 64-bit integers) is refused with an error
/// naming the file and column; so is a file that is not Parquet, truncated or corrupt. The dataset name, label and
/// column metadata come from the file's <see cref="ParquetDataset"/> entry when it has one (files written by
/// <c>protocol data convert --to parquet</c>), else from the file name and the data model.
/// </remarks>
internal static class ParquetDatasetReader
{
    private const string Expected = "an Apache Parquet file of flat text and number columns (for example one written by protocol data convert --to parquet)";

    /// <summary>
    /// Reads the file; <paramref name="ownDecoder"/> false leaves every column chunk to the Parquet library (the
    /// differential tests compare both paths), true decodes the chunks <see cref="ParquetChunkReader"/> reads itself.
    /// </summary>
    public static DomainTable Read(string path, DatasetReadOptions? options = null, bool ownDecoder = true) =>
        Read(path, options, ownDecoder, new ChunkCounts());

    /// <summary>How many column chunks each path read (the tests check that the decoder took the chunks they meant it to).</summary>
    internal sealed class ChunkCounts
    {
        public int Own;
        public int Library;
    }

    /// <summary><see cref="Read(string, DatasetReadOptions?, bool)"/>, counting the chunks each path read into <paramref name="counts"/>.</summary>
    internal static DomainTable Read(string path, DatasetReadOptions? options, bool ownDecoder, ChunkCounts counts)
    {
        options ??= DatasetReadOptions.Default;
        var plan = Guard(path, () => Plan(path, options, ownDecoder));
        try
        {
            return Guard(path, () =>
            {
                ReadColumns([plan], options, counts, Environment.ProcessorCount, subjectList: null);
                return plan.Table();
            });
        }
        finally
        {
            plan.Dispose();
        }
    }

    /// <summary>
    /// Reads several files as one body of work (a study's datasets): every column of every file is a task, the largest
    /// first, taken by <paramref name="parallelism"/> workers, so both cores stay busy to the end without nesting
    /// parallel loops. DM's (or ADSL's) USUBJID is the first task when present: once read, its subjects in order let the
    /// other files' USUBJID columns find their values by walking them (<see cref="SubjectDirectory"/>) instead of hashing
    /// each. Returns the tables in the order of <paramref name="paths"/>; a file that cannot be read fails the whole read
    /// with an error naming it (the first such file in the given order, among those that failed).
    /// </summary>
    /// <param name="paths">The files.</param>
    /// <param name="options">How values are typed and shared.</param>
    /// <param name="parallelism">How many threads read.</param>
    /// <param name="fileRead">Told the index (in <paramref name="paths"/>) of each file as its last column is read, for progress.</param>
    internal static DomainTable[] ReadMany(IReadOnlyList<string> paths, DatasetReadOptions options, int parallelism, Action<int>? fileRead = null)
    {
        var plans = new FilePlan?[paths.Count];
        try
        {
            // Planned on every reading thread (opening a file and parsing its footer and schema is a core's work, not a
            // wait: half a second on one core at a million subjects); a file that is not Parquet, truncated or of the wrong
            // shape fails here, named: the first such file in the given order, as when they were planned one by one.
            var failures = new Exception?[paths.Count];
            Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, f =>
            {
                string path = paths[f];
                try
                {
                    plans[f] = Guard(path, () => Plan(path, options, ownDecoder: true));
                }
                catch (Exception e)
                {
                    failures[f] = e;
                }
            });
            if (failures.FirstOrDefault(e => e is not null) is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            var all = plans.Select(p => p!).ToArray();
            var counts = new ChunkCounts();
            var indexOf = all.Select((p, f) => (p, f)).ToDictionary(x => x.p, x => x.f);
            Action<FilePlan>? done = fileRead is null ? null : plan => fileRead(indexOf[plan]);
            var dm = all.FirstOrDefault(p => p.Dataset == "DM") ?? all.FirstOrDefault(p => p.Dataset == "ADSL");
            int dmIds = dm is null ? -1 : Array.FindIndex(dm.Fields, f => IsSubjectId(f.Name));
            ReadColumns(all, options, counts, parallelism, dmIds < 0 ? null : new SubjectList(dm!, dmIds), done);
            return [.. all.Select(p => p.Table())];
        }
        finally
        {
            foreach (var plan in plans) plan?.Dispose();
        }
    }

    /// <summary>Runs <paramref name="read"/>, turning what goes wrong with the file into a <see cref="DataFormatException"/> naming it.</summary>
    private static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is DataFormatException) is DataFormatException first)
        {
            throw first;
        }
        catch (Exception ex) when (ex is not DataFormatException and not OperationCanceledException and not OutOfMemoryException)
        {
            var inner = ex is AggregateException { InnerExceptions.Count: > 0 } a ? a.InnerExceptions[0] : ex;
            throw new DataFormatException(path, $"it cannot be read as Parquet ({inner.GetType().Name}: {inner.Message})", Expected, inner: inner);
        }
    }

    // In the order of ParquetChunkReader.Kind, which it is cast to.
    private enum ValueKind { Text, Double, Float, Int32, Int64 }

    /// <summary>One file opened for reading: its schema, row groups and description, and the columns as they are read.</summary>
    private sealed class FilePlan(string path) : IDisposable
    {
        public string Path { get; } = path;
        public DataField[] Fields = [];
        public ValueKind[] Kinds = [];
        public ParquetDataset? Description;
        public Dictionary<string, ParquetDatasetColumn> Described = [];
        public string Dataset = "";
        public int[] GroupRows = [];
        public global::Parquet.Meta.RowGroup[] RowGroups = [];
        public Column[] Columns = [];
        // One handle for all threads: positional reads share no stream position (null: the library reads every chunk).
        public SafeFileHandle? Handle;

        public int TotalRows => GroupRows.Sum();

        /// <summary>The bytes of a column's chunks (how much work it is, to schedule the largest first).</summary>
        public long ColumnBytes(int c) => RowGroups.Sum(g => c < g.Columns.Count ? g.Columns[c].MetaData?.TotalCompressedSize ?? 0 : 0);

        public DomainTable Table() => new(Dataset, Description?.Label, Columns, null, Description?.Metadata);

        public void Dispose() => Handle?.Dispose();
    }

    private static FilePlan Plan(string path, DatasetReadOptions options, bool ownDecoder)
    {
        var plan = new FilePlan(path);
        try
        {
            using (var first = Open(path))
            {
                var reader = first.Reader;
                var schema = reader.Schema;
                var fields = schema.GetDataFields();
                if (schema.Fields.Count != fields.Length || fields.FirstOrDefault(f => f.MaxRepetitionLevel > 0 || f.IsArray) is { } nested)
                {
                    var name = fields.FirstOrDefault(f => f.MaxRepetitionLevel > 0 || f.IsArray)?.Name ?? schema.Fields.First(f => f is not DataField).Name;
                    throw new DataFormatException(path, $"column {name} is nested or repeated", "flat columns, one value per record", variable: name);
                }
                plan.Fields = fields;
                plan.Description = ParquetDataset.TryParse(reader.CustomMetadata.TryGetValue(ParquetDataset.Key, out var json) ? json : null);
                plan.GroupRows = new int[reader.RowGroupCount];
                plan.RowGroups = new global::Parquet.Meta.RowGroup[reader.RowGroupCount];
                long total = 0;
                for (int g = 0; g < plan.GroupRows.Length; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    if (group.RowCount is < 0 or > int.MaxValue) throw new DataFormatException(path, $"row group {g + 1} claims {group.RowCount} records", Expected);
                    plan.GroupRows[g] = (int)group.RowCount;
                    plan.RowGroups[g] = group.RowGroup;
                    total += group.RowCount;
                }
                if (total > Array.MaxLength) throw new DataFormatException(path, $"it holds {total:N0} records", $"at most {Array.MaxLength:N0} records in one dataset");
            }
            plan.Kinds = new ValueKind[plan.Fields.Length];
            for (int c = 0; c < plan.Fields.Length; c++) plan.Kinds[c] = KindOf(path, plan.Fields[c]);
            var description = plan.Description;
            plan.Dataset = description?.Name is { Length: > 0 } named ? named.ToUpperInvariant() : System.IO.Path.GetFileNameWithoutExtension(path).ToUpperInvariant();
            plan.Described = description?.Columns.Where(c => c.Name is not null).GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase) ?? [];
            plan.Columns = new Column[plan.Fields.Length];
            if (ownDecoder) plan.Handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return plan;
        }
        catch
        {
            plan.Dispose();
            throw;
        }
    }

    /// <summary>What one reading thread reuses from column to column: decoding buffers and, when a chunk needs it, the library's reader of each file.</summary>
    private sealed class Worker : IDisposable
    {
        public readonly Buffers Buffers = new();
        public readonly ParquetChunkReader.Buffers ChunkBuffers = new();
        private readonly Dictionary<FilePlan, OpenReader> _readers = [];

        public ParquetReader ReaderOf(FilePlan plan)
        {
            if (!_readers.TryGetValue(plan, out var open)) _readers[plan] = open = Open(plan.Path);
            return open.Reader;
        }

        public void Dispose()
        {
            foreach (var open in _readers.Values) open.Dispose();
        }
    }

    private static bool IsSubjectId(string column) => string.Equals(column, "USUBJID", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The column listing the study's subjects (DM's USUBJID) and, once it is read, its subjects in order: a hint for
    /// the other files' USUBJID columns, which read the same codes and dictionary without it (only more slowly), so one
    /// that starts before the list is read simply goes without.
    /// </summary>
    private sealed class SubjectList(FilePlan plan, int column)
    {
        public FilePlan Plan { get; } = plan;
        public int Column { get; } = column;
        private SubjectDirectory? _directory;

        public SubjectDirectory? Directory => Volatile.Read(ref _directory);

        /// <summary>Publishes the subjects of the list's column, read whole.</summary>
        public void Read(Column column)
        {
            if (column is TextColumn ids && ids.Dictionary.Count > 0) Volatile.Write(ref _directory, new SubjectDirectory(ids.Dictionary));
        }
    }

    /// <summary>
    /// Reads every column of the plans, each column whole (all its row groups) on one thread, the largest columns first
    /// (after the subject list's column, whose subjects the other USUBJID columns use once it is read), <paramref name="parallelism"/>
    /// threads taking the next column as they finish one. The first error (in the plans' order) is thrown once every
    /// thread has stopped.
    /// </summary>
    private static void ReadColumns(FilePlan[] plans, DatasetReadOptions options, ChunkCounts counts, int parallelism, SubjectList? subjectList,
        Action<FilePlan>? fileRead = null)
    {
        // Files without columns are read as soon as they are planned.
        foreach (var plan in plans.Where(p => p.Fields.Length == 0)) fileRead?.Invoke(plan);
        var remaining = plans.Select(p => p.Fields.Length).ToArray();
        // No phase of its own for DM: while one thread reads its USUBJID the others read the largest columns of any file,
        // whose USUBJID columns come far enough down the queue to find the subjects read.
        var work = plans.SelectMany((plan, f) => Enumerable.Range(0, plan.Fields.Length).Select(c => (Plan: plan, File: f, Column: c, Bytes: plan.ColumnBytes(c))))
            .OrderByDescending(w => subjectList is not null && w.Plan == subjectList.Plan && w.Column == subjectList.Column)
            .ThenByDescending(w => w.Bytes).ThenBy(w => w.File).ThenBy(w => w.Column).ToArray();
        if (work.Length == 0) return;
        int next = -1;
        var errors = new Exception?[plans.Length];
        int threads = Math.Max(1, Math.Min(parallelism, work.Length));
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            using var worker = new Worker();
            int item;
            while ((item = Interlocked.Increment(ref next)) < work.Length)
            {
                var (plan, file, column, _) = work[item];
                if (Volatile.Read(ref errors[file]) is not null) continue;
                try
                {
                    bool isList = subjectList is not null && plan == subjectList.Plan && column == subjectList.Column;
                    var subjects = subjectList is null || plan == subjectList.Plan ? null : subjectList.Directory;
                    plan.Columns[column] = Guard(plan.Path, () => ReadColumn(plan, column, options, counts, worker, subjects));
                    if (isList) subjectList!.Read(plan.Columns[column]);
                    if (Interlocked.Decrement(ref remaining[file]) == 0) fileRead?.Invoke(plan);
                }
                catch (Exception e) when (e is DataFormatException or IOException)
                {
                    Interlocked.CompareExchange(ref errors[file], e, null);
                    // Nothing more is read once a file has failed: the load fails as a whole.
                    Interlocked.Exchange(ref next, work.Length);
                }
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
    }

    /// <summary>Reads one column of a file, all its row groups, into a column of the view.</summary>
    private static Column ReadColumn(FilePlan plan, int c, DatasetReadOptions options, ChunkCounts counts, Worker worker, SubjectDirectory? subjects)
    {
        var field = plan.Fields[c];
        var kind = plan.Kinds[c];
        string path = plan.Path;
        // Sized from the file's metadata: the final arrays are filled in place, never grown and copied.
        int total = plan.TotalRows;
        bool isSubjectId = IsSubjectId(field.Name);
        var text = kind == ValueKind.Text ? new TextColumnBuilder(options.Pool, total) : null;
        var numbers = kind == ValueKind.Text ? null : new NumberColumnBuilder(total);
        if (isSubjectId && subjects is not null) text?.UseSubjects(subjects);
        var handle = plan.Handle;
        var chunkBuffers = worker.ChunkBuffers;
        // The text column's dictionaries are entered first: its rows are then decoded straight to codes, into storage
        // of the final width (or a bit a row, or runs for USUBJID) allocated once.
        int[]? entryCounts = null;
        if (handle is not null && text is not null)
        {
            var chunks = plan.RowGroups.Select(group => ChunkOf(group, c, field)).ToArray();
            try
            {
                entryCounts = ParquetChunkReader.MapDictionaries(handle, chunks, field.MaxDefinitionLevel, field.MaxRepetitionLevel, text, chunkBuffers);
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(path, $"a dictionary page of column {field.Name} is corrupt ({e.Message})", Expected, variable: field.Name, inner: e);
            }
            if (entryCounts is not null) text.Prepare(text.DistinctCount, runs: isSubjectId);
        }
        for (int g = 0; g < plan.GroupRows.Length; g++)
        {
            if (handle is not null && ChunkOf(plan.RowGroups[g], c, field) is { } chunk)
            {
                try
                {
                    if (ParquetChunkReader.TryRead(handle, chunk, field.MaxDefinitionLevel, field.MaxRepetitionLevel, (ParquetChunkReader.Kind)kind,
                            plan.GroupRows[g], text, numbers, chunkBuffers, entryCounts is null ? null : chunkBuffers.Maps[g], entryCounts?[g] ?? 0))
                    {
                        Interlocked.Increment(ref counts.Own);
                        continue;
                    }
                }
                catch (InvalidDataException e)
                {
                    throw new DataFormatException(path, $"row group {g + 1} of column {field.Name} is corrupt ({e.Message})", Expected, variable: field.Name, inner: e);
                }
            }
            Interlocked.Increment(ref counts.Library);
            try
            {
                using var group = worker.ReaderOf(plan).OpenRowGroupReader(g);
                if (text is not null) ReadText(group, field, plan.GroupRows[g], text, worker.Buffers);
                else ReadNumbers(group, field, kind, plan.GroupRows[g], numbers!, worker.Buffers);
            }
            catch (Exception e) when (e is not DataFormatException and not OperationCanceledException and not OutOfMemoryException)
            {
                // The library's own errors say what is wrong with the bytes; the file and column say where.
                throw new DataFormatException(path, $"row group {g + 1} of column {field.Name} cannot be read ({e.GetType().Name}: {e.Message})", Expected, variable: field.Name, inner: e);
            }
        }
        var about = plan.Described.GetValueOrDefault(field.Name);
        var metadata = about?.Metadata ?? ColumnMetadata.Empty;
        bool isDate = about is not null ? about.Kind == "datetime" : options.IsDateTimeVariable(plan.Dataset, field.Name);
        return text is not null ? text.Build(field.Name, metadata, isDate) : numbers!.Build(field.Name, metadata);
    }

    /// <summary>The column chunk of a flat column in a row group (chunks follow the schema's leaf order), or null when it is not where expected.</summary>
    private static global::Parquet.Meta.ColumnChunk? ChunkOf(global::Parquet.Meta.RowGroup group, int column, DataField field)
    {
        var chunks = group.Columns;
        if (column >= chunks.Count || chunks[column].MetaData?.PathInSchema is not { Count: 1 } path) return null;
        return path[0] == field.Name ? chunks[column] : null;
    }

    /// <summary>A reader of the file that this synchronous code can dispose (the library's reader is only async-disposable).</summary>
    private sealed class OpenReader(ParquetReader reader) : IDisposable
    {
        public ParquetReader Reader { get; } = reader;

        public void Dispose() => Reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static OpenReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return new OpenReader(ParquetReader.CreateAsync(stream, ParquetDatasetWriter.Options(), leaveStreamOpen: false).GetAwaiter().GetResult());
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static ValueKind KindOf(string path, DataField field)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>)) return ValueKind.Text;
        if (type == typeof(double)) return ValueKind.Double;
        if (type == typeof(float)) return ValueKind.Float;
        if (type == typeof(int)) return ValueKind.Int32;
        if (type == typeof(long)) return ValueKind.Int64;
        throw new DataFormatException(path, $"column {field.Name} holds {type.Name} values", "text (UTF-8) or numbers (double, float, 32- or 64-bit integers)", variable: field.Name);
    }

    /// <summary>Decoding buffers reused from row group to row group.</summary>
    private sealed class Buffers
    {
        public ReadOnlyMemory<char>[] Text = [];
        public double[] Doubles = [];
        public float[] Floats = [];
        public int[] Ints = [];
        public long[] Longs = [];
        public int[] Levels = [];
        public readonly SegmentCodes Codes = new();

        public T[] Ensure<T>(ref T[] buffer, int count)
        {
            if (buffer.Length < count) buffer = new T[count];
            return buffer;
        }
    }

    private static void ReadText(ParquetRowGroupReader group, DataField field, int rows, TextColumnBuilder builder, Buffers buffers)
    {
        var values = buffers.Ensure(ref buffers.Text, rows);
        var levels = buffers.Ensure(ref buffers.Levels, rows);
        bool nullable = field.MaxDefinitionLevel > 0;
        group.ReadRawAsync<ReadOnlyMemory<char>>(field, values.AsMemory(0, rows), nullable ? levels.AsMemory(0, rows) : null, null).AsTask().GetAwaiter().GetResult();
        // A dictionary-encoded column chunk gives every row holding the same entry the same characters (the library
        // decodes each dictionary entry into an array of its own, shared by the rows holding it): each entry is looked
        // up in the view's dictionary once, then found by the identity of its characters. The map is only valid for
        // this chunk (arrays may be reused afterwards); values of other encodings simply miss it.
        var codes = buffers.Codes;
        codes.Clear();
        int next = 0, maxLevel = field.MaxDefinitionLevel;
        object? lastArray = null;
        int lastOffset = -1, lastLength = -1, lastCode = -1;
        for (int k = 0; k < rows; k++)
        {
            if (nullable && levels[k] < maxLevel)
            {
                builder.AddMissing(emptyString: false);
                continue;
            }
            var value = values[next++];
            if (value.Length == 0)
            {
                builder.Add(ReadOnlySpan<char>.Empty);
                continue;
            }
            if (!MemoryMarshal.TryGetArray(value, out var segment) || segment.Array is not { } array)
            {
                builder.Add(value.Span);
                continue;
            }
            if (ReferenceEquals(array, lastArray) && segment.Offset == lastOffset && segment.Count == lastLength)
            {
                builder.AddCode(lastCode);
                continue;
            }
            int code = codes.Find(array, segment.Offset, segment.Count);
            if (code < 0)
            {
                code = builder.AddAndGetCode(value.Span);
                codes.Add(array, segment.Offset, segment.Count, code);
            }
            else builder.AddCode(code);
            (lastArray, lastOffset, lastLength, lastCode) = (array, segment.Offset, segment.Count, code);
        }
        codes.Clear();
    }

    private static void ReadNumbers(ParquetRowGroupReader group, DataField field, ValueKind kind, int rows, NumberColumnBuilder builder, Buffers buffers)
    {
        var levels = buffers.Ensure(ref buffers.Levels, rows);
        bool nullable = field.MaxDefinitionLevel > 0;
        Memory<int>? definition = nullable ? levels.AsMemory(0, rows) : null;
        switch (kind)
        {
            case ValueKind.Double:
                var d = buffers.Ensure(ref buffers.Doubles, rows);
                group.ReadRawAsync(field, d.AsMemory(0, rows), definition, null).AsTask().GetAwaiter().GetResult();
                Add(builder, d, levels, rows, nullable ? field.MaxDefinitionLevel : -1);
                break;
            case ValueKind.Float:
                var f = buffers.Ensure(ref buffers.Floats, rows);
                group.ReadRawAsync(field, f.AsMemory(0, rows), definition, null).AsTask().GetAwaiter().GetResult();
                Add(builder, f, levels, rows, nullable ? field.MaxDefinitionLevel : -1);
                break;
            case ValueKind.Int32:
                var n = buffers.Ensure(ref buffers.Ints, rows);
                group.ReadRawAsync(field, n.AsMemory(0, rows), definition, null).AsTask().GetAwaiter().GetResult();
                Add(builder, n, levels, rows, nullable ? field.MaxDefinitionLevel : -1);
                break;
            default:
                var l = buffers.Ensure(ref buffers.Longs, rows);
                group.ReadRawAsync(field, l.AsMemory(0, rows), definition, null).AsTask().GetAwaiter().GetResult();
                Add(builder, l, levels, rows, nullable ? field.MaxDefinitionLevel : -1);
                break;
        }
    }

    /// <summary>Adds a row group's values (packed: nulls take no slot) given the definition levels; <paramref name="maxLevel"/> −1 when the column has no nulls.</summary>
    private static void Add<T>(NumberColumnBuilder builder, T[] values, int[] levels, int rows, int maxLevel) where T : struct, INumberBase<T>
    {
        int next = 0;
        for (int k = 0; k < rows; k++)
        {
            if (maxLevel >= 0 && levels[k] < maxLevel) builder.AddMissing();
            else builder.Add(double.CreateTruncating(values[next++]));
        }
    }

    /// <summary>
    /// Dictionary codes by the characters' array, offset and length, compared by identity: an open-addressing table
    /// (a chunk's dictionary has up to a few hundred thousand entries), cheaper than hashing a tuple per row. It stops
    /// taking entries past <see cref="MaxEntries"/>; the values it does not hold are looked up by their characters.
    /// </summary>
    private sealed class SegmentCodes
    {
        private const int MaxEntries = 1 << 20;
        private object?[] _arrays = new object?[1024];
        private int[] _offsets = new int[1024];
        private int[] _lengths = new int[1024];
        private int[] _codes = new int[1024];
        private int _count;

        public void Clear()
        {
            if (_count == 0) return;
            Array.Clear(_arrays);
            _count = 0;
        }

        private static int Hash(object array, int offset, int length) =>
            (int)((uint)(RuntimeHelpers.GetHashCode(array) * 31 + offset * 17 + length) * 2654435769u >> 7);

        public int Find(object array, int offset, int length)
        {
            int mask = _arrays.Length - 1;
            for (int i = Hash(array, offset, length) & mask; ; i = (i + 1) & mask)
            {
                var at = _arrays[i];
                if (at is null) return -1;
                if (ReferenceEquals(at, array) && _offsets[i] == offset && _lengths[i] == length) return _codes[i];
            }
        }

        public void Add(object array, int offset, int length, int code)
        {
            if (_count >= MaxEntries) return;
            if ((_count + 1) * 2 > _arrays.Length) Grow();
            Insert(array, offset, length, code);
            _count++;
        }

        private void Insert(object array, int offset, int length, int code)
        {
            int mask = _arrays.Length - 1;
            int i = Hash(array, offset, length) & mask;
            while (_arrays[i] is not null) i = (i + 1) & mask;
            (_arrays[i], _offsets[i], _lengths[i], _codes[i]) = (array, offset, length, code);
        }

        private void Grow()
        {
            var (arrays, offsets, lengths, codes) = (_arrays, _offsets, _lengths, _codes);
            int size = arrays.Length * 2;
            (_arrays, _offsets, _lengths, _codes) = (new object?[size], new int[size], new int[size], new int[size]);
            for (int i = 0; i < arrays.Length; i++)
                if (arrays[i] is { } a) Insert(a, offsets[i], lengths[i], codes[i]);
        }
    }
}
