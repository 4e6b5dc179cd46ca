using System.Runtime.CompilerServices;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// Something decided from a value alone (a comparison's outcome, whether a row passes a lookup's filter), decided once for
/// each distinct value of a dictionary-coded number or text column and read by the row's code, instead of once per row or subject.
/// </summary>
/// <remarks>
/// The decision depends on the value alone (the double, and the decimal <see cref="NumberColumn.GetDecimal"/> makes of it),
/// so reading it by the row's code gives each row exactly what deciding it would. Entry 0 is the decision for a missing
/// value (code + 1 indexes the others), which is also what a row of −1 (no record) reads. Instances are immutable: a node
/// shared by threads and studies keeps the table of the last column it read and replaces it whole.
/// </remarks>
/// <typeparam name="T">What is decided for each value.</typeparam>
internal sealed class CodeTable<T>
{
    /// <summary>Distinct values always worth a table; more are worth one only in a study with at least as many subjects.</summary>
    private const int SmallTable = 4096;

    // The column decided (a NumberColumn or a TextColumn): the table is that column's only.
    private readonly object _column;
    private readonly T[] _byCode;
    private readonly byte[]? _bytes;
    private readonly ushort[]? _shorts;

    // A text column whose codes are neither bytes nor read as shorts here: read through CodeAt.
    private readonly TextColumn? _text;

    private CodeTable(NumberColumn column, T[] byCode)
    {
        _column = column;
        _byCode = byCode;
        _bytes = column.CodeBytes;
        _shorts = _bytes is null ? column.CodeShorts : null;
    }

    private CodeTable(TextColumn column, T[] byCode)
    {
        _column = column;
        _byCode = byCode;
        _bytes = column.CodeBytes;
        _text = _bytes is null ? column : null;
    }

    /// <summary>True when a study of <paramref name="subjects"/> subjects is worth a table of <paramref name="entries"/> entries.</summary>
    private static bool WorthIt(int entries, int subjects) => entries <= SmallTable + 1 || entries <= subjects;

    /// <summary>
    /// The table of <paramref name="column"/>, <paramref name="decide"/> applied to each distinct value (NaN: missing), or
    /// null when the column is not dictionary-coded or has too many distinct values for a study of <paramref name="subjects"/>
    /// subjects (more decisions than the rows would need).
    /// </summary>
    public static CodeTable<T>? Create<TState>(NumberColumn column, int subjects, TState state, Func<TState, double, T> decide)
    {
        var values = column.ValuesByCodeByte ?? column.ValuesByCodeShort;
        if (values is null || !WorthIt(values.Length, subjects)) return null;
        var byCode = new T[values.Length];
        for (int c = 0; c < values.Length; c++) byCode[c] = decide(state, values[c]);
        return new CodeTable<T>(column, byCode);
    }

    /// <summary>The table <paramref name="cache"/> keeps when it is <paramref name="column"/>'s, else one made by <see cref="Create"/> and kept there.</summary>
    public static CodeTable<T>? For<TState>(ref CodeTable<T>? cache, NumberColumn column, int subjects, TState state, Func<TState, double, T> decide)
    {
        var cached = Volatile.Read(ref cache);
        if (cached is not null && ReferenceEquals(cached._column, column)) return cached;
        var made = Create(column, subjects, state, decide);
        if (made is not null) Volatile.Write(ref cache, made);
        return made;
    }

    /// <summary>
    /// The table of text column <paramref name="column"/> kept in <paramref name="cache"/> when it is that column's, else
    /// one made (<paramref name="decide"/> applied to each dictionary string, and to null for a missing value) and kept
    /// there; null when the dictionary is too large for a study of <paramref name="subjects"/> subjects.
    /// </summary>
    public static CodeTable<T>? For<TState>(ref CodeTable<T>? cache, TextColumn column, int subjects, TState state, Func<TState, string?, T> decide)
    {
        var cached = Volatile.Read(ref cache);
        if (cached is not null && ReferenceEquals(cached._column, column)) return cached;
        var dictionary = column.Dictionary;
        if (!WorthIt(dictionary.Count + 1, subjects)) return null;
        var byCode = new T[dictionary.Count + 1];
        byCode[0] = decide(state, null);
        for (int c = 0; c < dictionary.Count; c++) byCode[c + 1] = decide(state, dictionary[c]);
        var made = new CodeTable<T>(column, byCode);
        Volatile.Write(ref cache, made);
        return made;
    }

    /// <summary>Asks for row <paramref name="row"/>'s code ahead of <see cref="At"/> (<see cref="CachePrefetch"/>; −1 asks for nothing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int row)
    {
        if (_bytes is { } bytes) CachePrefetch.Element(bytes, row);
        else if (_shorts is { } shorts) CachePrefetch.Element(shorts, row);
    }

    /// <summary>The decision for row <paramref name="row"/> of the column (−1: no record, as a missing value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T At(int row) => _byCode[row < 0 ? 0 : _bytes is { } bytes ? bytes[row] : _shorts is { } shorts ? shorts[row] : _text!.CodeAt(row) + 1];
}
