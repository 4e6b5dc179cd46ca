using System.Text.RegularExpressions;
using ProtocolEngine.Storage.Schema;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Tests;

/// <summary>The server's tables and dialect-specific statements on SQL Server, tested as text (no SQL Server runs here), and the same shape everywhere.</summary>
public sealed partial class ServerStorageSqlTests
{
    private static readonly SqlDialect SqlServer = new SqlServerDialect();
    private static readonly SqlDialect[] All = [new SqliteDialect(), new PostgresDialect(), SqlServer];

    private static IEnumerable<string> SqlServerStatements() =>
    [
        .. ServerSchema.Migrations.SelectMany(m => m.Tables).SelectMany(SqlServer.CreateTable), SqlServer.CreateVersionTable(ServerSchema.VersionTable),
        ServerSql.LockRow("sqlserver"), ServerSql.LockAuditHead("sqlserver"), ServerSql.ClaimEvents("sqlserver"), ServerSql.Page("sqlserver"),
        ServerSql.InList("sqlserver", "site_id", "sites"), .. ServerSql.AuditAppendOnly("sqlserver"),
    ];

    [Fact]
    public void EveryServerStatementForSqlServer_IsTsql()
    {
        foreach (var sql in SqlServerStatements())
        {
            Assert.DoesNotMatch(@"\bLIMIT\b|FOR UPDATE|SKIP LOCKED|RETURNING|\bTEXT\b|\bINTEGER\b|CREATE TABLE IF|\$\$|plpgsql|RAISE", sql);
            Assert.DoesNotContain("||", sql);
        }
        Assert.Contains("OUTPUT inserted.*", ServerSql.ClaimEvents("sqlserver"));
        Assert.Contains("WITH (UPDLOCK, READPAST, ROWLOCK)", ServerSql.ClaimEvents("sqlserver"));
        Assert.Contains("SELECT TOP (@max)", ServerSql.ClaimEvents("sqlserver"));
        Assert.Contains("OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY", ServerSql.Page("sqlserver"));
        Assert.Contains("UPDLOCK", ServerSql.LockRow("sqlserver"));
        Assert.StartsWith("CREATE OR ALTER TRIGGER srv_audit_no_change ON srv_audit INSTEAD OF UPDATE, DELETE", ServerSql.AuditAppendOnly("sqlserver").Single().Trim());
        Assert.Contains("FOR UPDATE SKIP LOCKED", ServerSql.ClaimEvents("postgresql"));
        Assert.Contains("= ANY(@sites)", ServerSql.InList("postgresql", "site_id", "sites"));
    }

    [Fact]
    public void ServerIndexKeys_FitSqlServersLimits()
    {
        static int Bytes(Column c) => c.Type == ColumnType.Long ? 8 : c.Type == ColumnType.Key ? 400 : int.MaxValue / 4;
        foreach (var t in ServerSchema.Migrations.SelectMany(m => m.Tables))
        {
            var cols = t.Columns.ToDictionary(c => c.Name);
            Assert.True(t.PrimaryKey.Sum(c => Bytes(cols[c])) <= 900, $"{t.Name} primary key is too wide for SQL Server");
            foreach (var i in t.Indexes) Assert.True(i.Columns.Sum(c => Bytes(cols[c])) <= 1700, $"{i.Name} is too wide for SQL Server");
        }
        var names = ServerSchema.Migrations.SelectMany(m => m.Tables).SelectMany(t => t.Indexes.Select(i => i.Name).Append("pk_" + t.Name)).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(ServerSchema.Migrations.SelectMany(m => m.Tables), t => Assert.StartsWith("srv_", t.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryDialect_CreatesTheSameServerTables()
    {
        string Shape(SqlDialect d) => string.Join("\n", ServerSchema.Migrations.SelectMany(m => m.Tables).SelectMany(d.CreateTable)
            .Where(s => s.Contains("CREATE TABLE", StringComparison.Ordinal))
            .Select(s => TableName().Match(s).Groups[1].Value + ": " + string.Join(",", ColumnLine().Matches(s).Select(m => m.Groups[1].Value))));
        var shapes = All.Select(Shape).ToList();
        Assert.Contains("srv_events: id,seq,study_id,subject_id", shapes[0]);
        Assert.All(shapes, s => Assert.Equal(shapes[0], s));
    }

    [GeneratedRegex(@"CREATE TABLE (?:IF NOT EXISTS )?(\w+)")]
    private static partial Regex TableName();

    [GeneratedRegex(@"^\s+(\w+) \w+(?:\(\w+\))?(?: NULL)?(?: NOT NULL)?,$", RegexOptions.Multiline)]
    private static partial Regex ColumnLine();
}
