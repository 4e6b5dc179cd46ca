using System.Data.Common;
using DuckDB.NET.Data;
using ProtocolEngine.Sql.Backends;
using ProtocolEngine.Sql.Lowering;
using ProtocolEngine.Sql.Tests.Support;

namespace ProtocolEngine.Sql.Tests;

/// <summary>
/// The evidence columns separate records and fields with control characters. Our loaders refuse such characters, but a
/// database screened in place may hold tables loaded by anyone: a value holding a separator (or the escape character)
/// must come back as it is, never split a record or shift a field.
/// </summary>
public sealed class EvidenceEscapeTests
{
    private const string Hostile = "a\u001eb\u001fc\u0010d\u00101e\u0010\u0010 O'Brien \u001e\u001f\u0010";

    [Fact]
    public void DuckDb_escapes_what_the_reader_unescapes()
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        RoundTrip(connection);
    }

    [Fact]
    public void PostgreSql_escapes_what_the_reader_unescapes()
    {
        using var connection = PostgresStudies.Open();
        RoundTrip(connection);
    }

    /// <summary>ClickHouse writes the characters as '\x..' literals and escapes with replaceAll; its TabSeparated output is read back by the backend's reader.</summary>
    [Fact]
    public void ClickHouse_escapes_what_the_reader_unescapes()
    {
        var sql = new SqlSyntax(SqlDialect.ClickHouse, null);
        var text = ClickHouseStudies.Cluster.Execute($"SELECT {SqlEvidencePlan.Escaped(sql, sql.Text(Hostile + "\n\t\\"))}");
        var escaped = Assert.Single(ClickHouseBackend.ReadTsv(text))[0]!;
        Assert.DoesNotContain('\u001e', escaped);
        Assert.DoesNotContain('\u001f', escaped);
        Assert.Equal(Hostile + "\n\t\\", SqlEvidencePlan.Unescape(escaped));
    }

    private static void RoundTrip(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SqlEvidencePlan.Escaped(new SqlSyntax(SqlDialect.DuckDb, null), "'" + Hostile.Replace("'", "''", StringComparison.Ordinal) + "'")}";
        var escaped = (string)command.ExecuteScalar()!;
        Assert.DoesNotContain('\u001e', escaped);
        Assert.DoesNotContain('\u001f', escaped);
        Assert.Equal(Hostile, SqlEvidencePlan.Unescape(escaped));
    }

    [Theory]
    [InlineData("abc\u0010")]
    [InlineData("abc\u00109")]
    public void A_broken_escape_is_an_error_not_a_value(string text) =>
        Assert.Throws<FormatException>(() => SqlEvidencePlan.Unescape(text));
}
