using System.Globalization;
using System.Text;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Lowering;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Sql.Loading;

/// <summary>A column to load: its name, kind and the value of each row.</summary>
internal sealed record LoadColumn(string Name, ValueKind Kind, Func<int, object?> Value);

/// <summary>A table to load.</summary>
internal sealed record LoadTable(string Name, int RowCount, IReadOnlyList<LoadColumn> Columns);

/// <summary>
/// A study's datasets as the tables the SQL query reads: each variable typed by the data model and converted exactly as
/// the native backend converts it when a rule reads it (a number held as text parsed, a whole-number variable null when
/// not whole, an ISO 8601 date as canonical text that sorts as the engine sorts dates, null when malformed), every table
/// with PE_ROW (the record's position: the engine's record order), and PE_SUBJECT listing the subjects screened.
/// </summary>
internal static class StudyTables
{
    public static IReadOnlyList<LoadTable> Of(StudyData study, IDataModel model)
    {
        var tables = new List<LoadTable>();
        var dm = study.GetDomain("DM");
        var subjects = study.SubjectIds;
        tables.Add(new LoadTable(SqlScreeningQuery.SubjectTable, subjects.Count,
        [
            new LoadColumn("USUBJID", ValueKind.Text, row => subjects[row]),
            new LoadColumn(SqlScreeningQuery.RowColumn, ValueKind.Int, row => (long)row),
            new LoadColumn("DM_ROW", ValueKind.Int, row => dm is { IsSubjectIndexed: true } && dm.RowsOf(row) is { Count: > 0 } r ? (long)r.Start : null),
        ]));
        foreach (var domain in study.Domains)
        {
            var schema = model.FindDomain(domain.Name);
            var columns = new List<LoadColumn> { new(SqlScreeningQuery.RowColumn, ValueKind.Int, row => (long)row) };
            foreach (var column in domain.Columns)
            {
                if (string.Equals(column.Name, SqlScreeningQuery.RowColumn, StringComparison.OrdinalIgnoreCase)) continue;
                columns.Add(Convert(column, schema?.FindVariable(column.Name)?.Type));
            }
            tables.Add(new LoadTable(domain.Name, domain.RowCount, columns));
        }
        return tables;
    }

    private static LoadColumn Convert(Column column, VariableType? type)
    {
        var kind = type switch
        {
            VariableType.Num => ValueKind.Num,
            VariableType.Integer => ValueKind.Int,
            VariableType.DateTime => ValueKind.Date,
            VariableType.Char or VariableType.Duration => ValueKind.Text,
            _ => column is NumberColumn ? ValueKind.Num : ValueKind.Text,
        };
        Func<int, object?> value = (kind, column) switch
        {
            (ValueKind.Num, NumberColumn n) => row => n.GetDecimal(row),
            (ValueKind.Num, TextColumn t) => row => decimal.TryParse(t.GetString(row), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            (ValueKind.Int, _) => row => WholeNumber(column, row),
            (ValueKind.Date, TextColumn t) => row => t.GetDateTime(row) is { } dt ? Canonical(dt) : null,
            (ValueKind.Text, TextColumn t) => row => t.GetString(row),
            (ValueKind.Text, NumberColumn n) => row => n.GetDouble(row) is double d ? d.ToString("R", CultureInfo.InvariantCulture) : null,
            _ => _ => null,
        };
        return new LoadColumn(column.Name, kind, value);
    }

    private static long? WholeNumber(Column column, int row)
    {
        double? raw = column switch
        {
            NumberColumn n => n.GetDouble(row),
            TextColumn t => double.TryParse(t.GetString(row), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            _ => null,
        };
        return raw is double v && v == Math.Floor(v) && v >= int.MinValue && v <= int.MaxValue ? (long)v : null;
    }

    /// <summary>
    /// ISO 8601 text to the date's precision, in UTC when it has an offset: ordinal order of these strings is the engine's
    /// sort order (a less precise date before a more precise one it agrees with as far as it goes).
    /// </summary>
    internal static string Canonical(CqlDateTime value)
    {
        if (value.OffsetMinutes is int offset && offset != 0 && value.Precision >= DateTimePrecision.Hour) value = value.WithOffset(0);
        var b = new StringBuilder();
        b.Append(value.Year.ToString("D4", CultureInfo.InvariantCulture));
        if (value.Precision >= DateTimePrecision.Month) b.Append('-').Append(value.Month.ToString("D2", CultureInfo.InvariantCulture));
        if (value.Precision >= DateTimePrecision.Day) b.Append('-').Append(value.Day.ToString("D2", CultureInfo.InvariantCulture));
        if (value.Precision >= DateTimePrecision.Hour) b.Append('T').Append(value.Hour.ToString("D2", CultureInfo.InvariantCulture));
        if (value.Precision >= DateTimePrecision.Minute) b.Append(':').Append(value.Minute.ToString("D2", CultureInfo.InvariantCulture));
        if (value.Precision >= DateTimePrecision.Second) b.Append(':').Append(value.Second.ToString("D2", CultureInfo.InvariantCulture));
        if (value.Precision >= DateTimePrecision.Millisecond) b.Append('.').Append(value.Millisecond.ToString("D3", CultureInfo.InvariantCulture));
        return b.ToString();
    }
}
