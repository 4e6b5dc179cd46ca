using System.Runtime.CompilerServices;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// Something decided from a number alone (a comparison's outcome, whether a row passes a lookup's filter), decided once for
/// each distinct value of a dictionary-coded number column and read by the row's code, instead of once per row or subject.
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

    private readonly NumberColumn _column;
    private readonly T[] _byCode;
    private readonly byte[]? _bytes;
    private readonly ushort[]? _shorts;

    private CodeTable(NumberColumn column, T[] byCode)
    {
        _column = column;
        _byCode = byCode;
        _bytes = column.CodeBytes;
        _shorts = _bytes is null ? column.CodeShorts : null;
    }

    /// <summary>
    /// The table of <paramref name="column"/>, <paramref name="decide"/> applied to each distinct value (NaN: missing), or
    /// null when the column is not dictionary-coded or has too many distinct values for a study of <paramref name="subjects"/>
    /// subjects (more decisions than the rows would need).
    /// </summary>
    public static CodeTable<T>? Create<TState>(NumberColumn column, int subjects, TState state, Func<TState, double, T> decide)
    {
        var values = column.ValuesByCodeByte ?? column.ValuesByCodeShort;
        if (values is null || (values.Length > SmallTable + 1 && values.Length > subjects)) return null;
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

    /// <summary>The decision for row <paramref name="row"/> of the column (−1: no record, as a missing value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T At(int row) => _byCode[row < 0 ? 0 : _bytes is { } bytes ? bytes[row] : _shorts![row]];
}
