using System.Globalization;
using ProtocolEngine.Language.Lowering;

namespace ProtocolEngine.Sql;

/// <summary>What differs between dialects: quoting, type names, a single row. Everything else the lowering writes is ANSI SQL every dialect reads alike.</summary>
internal sealed class SqlSyntax(SqlDialect dialect, string? schema)
{
    public SqlDialect Dialect { get; } = dialect;

    public string Quote(string name) => Dialect switch
    {
        SqlDialect.Spark or SqlDialect.ClickHouse => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`",
        SqlDialect.SqlServer => "[" + name.Replace("]", "]]", StringComparison.Ordinal) + "]",
        _ => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
    };

    public string Table(string name) => schema is null ? Quote(name) : Quote(schema) + "." + Quote(name);

    public string Text(string value)
    {
        // Spark and ClickHouse read a backslash in a literal as an escape (and Spark reads '' as two adjacent literals).
        var escaped = Dialect is SqlDialect.Spark or SqlDialect.ClickHouse
            ? value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)
            : value.Replace("'", "''", StringComparison.Ordinal);
        return (Dialect == SqlDialect.SqlServer ? "N'" : "'") + escaped + "'";
    }

    public static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public string NullOf(ValueKind kind) => kind switch
    {
        ValueKind.Bool => "1",
        _ => $"CAST(NULL AS {TypeName(kind)})",
    };

    public string TypeName(ValueKind kind) => (Dialect, kind) switch
    {
        (SqlDialect.Postgres, ValueKind.Num) => "numeric",
        (SqlDialect.Postgres, ValueKind.Int) => "bigint",
        (SqlDialect.Postgres, _) => "text",
        (SqlDialect.ClickHouse, ValueKind.Num) => "Nullable(Decimal(38, 12))",
        (SqlDialect.ClickHouse, ValueKind.Int) => "Nullable(Int64)",
        (SqlDialect.ClickHouse, _) => "Nullable(String)",
        (SqlDialect.SqlServer, ValueKind.Num) => "DECIMAL(38, 12)",
        (SqlDialect.SqlServer, ValueKind.Int) => "BIGINT",
        (SqlDialect.SqlServer, _) => "NVARCHAR(MAX)",
        (SqlDialect.Spark, ValueKind.Text or ValueKind.Date) => "STRING",
        (_, ValueKind.Num) => "DECIMAL(38, 12)",
        (_, ValueKind.Int) => "BIGINT",
        _ => "VARCHAR",
    };

    /// <summary>Three-valued and: ClickHouse 18.16 knows only the lower-case function name.</summary>
    public string Least(string a, string b) => Dialect == SqlDialect.ClickHouse ? $"least({a}, {b})" : $"LEAST({a}, {b})";

    /// <summary>Three-valued or.</summary>
    public string Greatest(string a, string b) => Dialect == SqlDialect.ClickHouse ? $"greatest({a}, {b})" : $"GREATEST({a}, {b})";

    /// <summary>
    /// A number comparison as a 0/1/2 boolean: <paramref name="less"/>, <paramref name="equal"/> or <paramref name="greater"/>
    /// by the order of a and b, unknown (1) when either is null. SIGN(a - b) is NULL then, and a simple CASE never matches
    /// NULL; ClickHouse 18.16 has no sign(), so it compares directly (a comparison with NULL is NULL, which no WHEN takes).
    /// </summary>
    public string Compare(string a, string b, int less, int equal, int greater) => Dialect == SqlDialect.ClickHouse
        ? $"(CASE WHEN {a} < {b} THEN {less} WHEN {a} = {b} THEN {equal} WHEN {a} > {b} THEN {greater} ELSE 1 END)"
        : $"(CASE SIGN({a} - {b}) WHEN -1 THEN {less} WHEN 0 THEN {equal} WHEN 1 THEN {greater} ELSE 1 END)";

    public string Upper(string x) => Dialect == SqlDialect.ClickHouse ? $"upperUTF8({x})" : $"UPPER({x})";

    public string Lower(string x) => Dialect == SqlDialect.ClickHouse ? $"lowerUTF8({x})" : $"LOWER({x})";

    public string Length(string x) => Dialect switch
    {
        SqlDialect.SqlServer => $"LEN({x})",
        SqlDialect.ClickHouse => $"lengthUTF8({x})",
        _ => $"LENGTH({x})",
    };
}
