using System.Globalization;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Evaluation;

/// <summary>
/// Reads a variable of a record as the type the binder gave it, recording the read as evidence. Columns
/// whose stored kind differs from the model (a number held as text in a CSV) are converted; values that do
/// not convert are missing.
/// </summary>
internal static class RecordAccess
{
    private static Column? ColumnOf(EvaluationContext ctx, DomainRecord record, int slot, string variable)
    {
        // The slot's column when the record is from the bound table; any other record (built by hand, another study) is read by name.
        var column = ctx.Binding is { } binding && ReferenceEquals(binding.ColumnTables[slot], record.Table)
            ? binding.Columns[slot]
            : record.Table.GetColumn(variable);
        if (column is null) ctx.NoteMissingVariable(record.Table.Name, variable);
        return column;
    }

    /// <summary>
    /// Records the read as evidence: as a reference to the column and row (the value is read again if the evidence is
    /// shown), or, on the comparison path of objects built at each read, with the value read.
    /// </summary>
    private static void Note<T>(EvaluationContext ctx, int slot, DomainRecord record, Column? column, string variable, ReadKind kind, T value)
    {
        if (ctx.Evidence is not { } evidence) return;
        if (evidence.IsLegacy) evidence.Read(record.Table, record.Row, variable, value);
        else evidence.ReadColumn(slot, record.Table, column, record.Row, variable, kind);
    }

    /// <summary>A Char variable.</summary>
    public static string? String(EvaluationContext ctx, DomainRecord? record, int slot, string variable)
    {
        if (record is null) return null;
        var column = ColumnOf(ctx, record, slot, variable);
        string? value = column switch
        {
            TextColumn t => t.GetString(record.Row),
            NumberColumn n => n.GetDouble(record.Row) is double d ? d.ToString("R", CultureInfo.InvariantCulture) : null,
            _ => null,
        };
        Note(ctx, slot, record, column, variable, ReadKind.String, value);
        return value;
    }

    /// <summary>Upper(a Char variable): the same value as Upper of the value read, from the column's upper-cased dictionary.</summary>
    public static string? UpperString(EvaluationContext ctx, DomainRecord? record, int slot, string variable)
    {
        if (record is null) return null;
        var column = ColumnOf(ctx, record, slot, variable);
        if (column is not TextColumn text) return String(ctx, record, slot, variable)?.ToUpperInvariant();
        // The evidence shows the value as stored, not as compared.
        Note(ctx, slot, record, text, variable, ReadKind.String, text.GetString(record.Row));
        return text.GetUpper(record.Row);
    }

    /// <summary>A Num variable as Decimal.</summary>
    public static decimal? Decimal(EvaluationContext ctx, DomainRecord? record, int slot, string variable)
    {
        if (record is null) return null;
        var column = ColumnOf(ctx, record, slot, variable);
        decimal? value = column switch
        {
            NumberColumn n => n.GetDecimal(record.Row),
            TextColumn t => decimal.TryParse(t.GetString(record.Row), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            _ => null,
        };
        Note(ctx, slot, record, column, variable, ReadKind.Decimal, value);
        return value;
    }

    /// <summary>A whole-number variable (--SEQ, --DY) as Integer.</summary>
    public static int? Integer(EvaluationContext ctx, DomainRecord? record, int slot, string variable)
    {
        if (record is null) return null;
        var column = ColumnOf(ctx, record, slot, variable);
        double? raw = column switch
        {
            NumberColumn n => n.GetDouble(record.Row),
            TextColumn t => double.TryParse(t.GetString(record.Row), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            _ => null,
        };
        int? value = raw is double v && v == Math.Floor(v) && v >= int.MinValue && v <= int.MaxValue ? (int)v : null;
        Note(ctx, slot, record, column, variable, ReadKind.Integer, value);
        return value;
    }

    /// <summary>An ISO 8601 variable (--DTC) as DateTime with precision.</summary>
    public static CqlDateTime? DateTime(EvaluationContext ctx, DomainRecord? record, int slot, string variable)
    {
        if (record is null) return null;
        var column = ColumnOf(ctx, record, slot, variable);
        var value = (column as TextColumn)?.GetDateTime(record.Row);
        Note(ctx, slot, record, column, variable, ReadKind.DateTime, value);
        return value;
    }
}
