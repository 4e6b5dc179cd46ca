using System.Reflection;
using System.Text.RegularExpressions;
using ProtocolEngine.Storage.Schema;
using ProtocolEngine.Storage.Workflows;

namespace ProtocolEngine.Workflows.Tests.Storage;

/// <summary>The SQL Server store's SQL, tested as text (no SQL Server runs here): T-SQL only, same schema as the others.</summary>
public sealed partial class SqlServerSqlTests
{
    private static readonly SqlDialect SqlServer = new SqlServerDialect();
    private static readonly SqlDialect[] All = [new SqliteDialect(), new PostgresDialect(), SqlServer];

    private static IEnumerable<string> SharedStatements() =>
        typeof(SqlText).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);

    private static IEnumerable<string> DialectStatements(SqlDialect d) =>
    [
        d.LockInstance, d.FindInstance, d.ClaimDueTimers, d.GetTaskForUpdate, d.NextDueAt, d.ListInstanceIds, d.InsertDefinition, d.MigrationLock, d.CreateVersionTable(),
        .. WorkflowSchema.Migrations.SelectMany(m => m.Tables).SelectMany(d.CreateTable), .. d.JournalAppendOnly(),
        .. WorkflowSchema.Migrations.SelectMany(m => m.Columns ?? []).Select(c => d.AddColumn(c.Table, c.Column)),
    ];

    [Fact]
    public void AddedColumns_AreNullable_AndIdempotentWhereTheDatabaseAllows()
    {
        var added = WorkflowSchema.Migrations.SelectMany(m => m.Columns ?? []).ToList();
        Assert.Contains(added, c => c.Table == "wf_journal" && c.Column.Name == "correlation_id");
        Assert.All(added, c => Assert.True(c.Column.Nullable, $"{c.Table}.{c.Column.Name}: a column added to rows that exist must be nullable"));
        Assert.Equal("IF COL_LENGTH(N'wf_journal', N'correlation_id') IS NULL ALTER TABLE wf_journal ADD correlation_id NVARCHAR(200) NULL",
            SqlServer.AddColumn("wf_journal", new Column("correlation_id", ColumnType.Key, true)));
        Assert.Equal("ALTER TABLE wf_journal ADD COLUMN IF NOT EXISTS correlation_id TEXT NULL", new PostgresDialect().AddColumn("wf_journal", new Column("correlation_id", ColumnType.Key, true)));
        Assert.Equal("ALTER TABLE wf_journal ADD COLUMN correlation_id TEXT NULL", new SqliteDialect().AddColumn("wf_journal", new Column("correlation_id", ColumnType.Key, true)));
    }

    [Fact]
    public void EveryStatementForSqlServer_IsTsql()
    {
        foreach (var sql in SharedStatements().Concat(DialectStatements(SqlServer)))
        {
            Assert.DoesNotMatch(@"\bLIMIT\b", sql);
            Assert.DoesNotContain("||", sql);
            Assert.DoesNotMatch(@"FOR UPDATE|SKIP LOCKED|RETURNING|ON CONFLICT|\bTEXT\b|\bINTEGER\b|IF NOT EXISTS \w|CREATE TABLE IF", sql);
            Assert.DoesNotMatch(@"\$\$|plpgsql|RAISE", sql);
        }
    }

    [Fact]
    public void WorkersClaimTimers_SkippingLockedRows_OnEveryServerDatabase()
    {
        Assert.Contains("FOR UPDATE OF w, i SKIP LOCKED", new PostgresDialect().ClaimDueTimers);
        Assert.Matches(@"^SELECT TOP \(@max\) w\.\*, i\.\* FROM wf_waits w WITH \(UPDLOCK, READPAST, ROWLOCK\) JOIN wf_instances i WITH \(UPDLOCK, READPAST, ROWLOCK\)", SqlServer.ClaimDueTimers);
        Assert.Contains("WITH (UPDLOCK, ROWLOCK)", SqlServer.LockInstance);
        Assert.Contains("sp_getapplock", SqlServer.MigrationLock);
    }

    [Fact]
    public void TheSqlServerDdl_IsIdempotent_AndTyped()
    {
        var ddl = WorkflowSchema.Migrations.SelectMany(m => m.Tables).SelectMany(SqlServer.CreateTable).ToList();
        Assert.All(ddl.Where(s => s.Contains("CREATE TABLE", StringComparison.Ordinal)), s => Assert.StartsWith("IF OBJECT_ID(N'wf_", s));
        Assert.All(ddl.Where(s => s.Contains("INDEX", StringComparison.Ordinal)), s => Assert.StartsWith("IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'", s));
        var journal = ddl.Single(s => s.Contains("CREATE TABLE wf_journal", StringComparison.Ordinal));
        Assert.Contains("instance_id NVARCHAR(200) NOT NULL", journal);
        Assert.Contains("seq BIGINT NOT NULL", journal);
        Assert.Contains("detail NVARCHAR(MAX) NULL", journal);
        Assert.Contains("CONSTRAINT pk_wf_journal PRIMARY KEY (instance_id, seq)", journal);
        Assert.StartsWith("CREATE OR ALTER TRIGGER wf_journal_no_change ON wf_journal INSTEAD OF UPDATE, DELETE", SqlServer.JournalAppendOnly().Single());
    }

    [Fact]
    public void SqlServerIndexKeys_FitItsLimits()
    {
        // Nonclustered index keys may be at most 1,700 bytes, a clustered primary key 900; NVARCHAR(n) takes 2n bytes.
        static int Bytes(Column c) => c.Type == ColumnType.Long ? 8 : c.Type == ColumnType.Key ? 400 : int.MaxValue / 4;
        foreach (var t in WorkflowSchema.Migrations.SelectMany(m => m.Tables))
        {
            var cols = t.Columns.ToDictionary(c => c.Name);
            Assert.True(t.PrimaryKey.Sum(c => Bytes(cols[c])) <= 900, $"{t.Name} primary key is too wide for SQL Server");
            foreach (var i in t.Indexes)
                Assert.True(i.Columns.Sum(c => Bytes(cols[c])) <= 1700, $"{i.Name} is too wide for SQL Server");
        }
    }

    [Fact]
    public void EveryDialect_CreatesTheSameTablesAndColumns()
    {
        string Shape(SqlDialect d) => string.Join("\n", WorkflowSchema.Migrations.SelectMany(m => m.Tables).SelectMany(d.CreateTable)
            .Where(s => s.Contains("CREATE TABLE", StringComparison.Ordinal))
            .Select(s => TableName().Match(s).Groups[1].Value + ": " + string.Join(",", ColumnLine().Matches(s).Select(m => m.Groups[1].Value + (m.Groups[2].Value.Length > 0 ? "?" : "")))));
        var shapes = All.Select(Shape).ToList();
        Assert.Contains("wf_instances: id,definition_id,workflow,correlation_key", shapes[0]);
        Assert.All(shapes, s => Assert.Equal(shapes[0], s));
    }

    [Fact]
    public void EveryParameterInTheSharedSql_IsBound()
    {
        // Parameters named in the SQL text must be the ones the transaction passes (a typo fails only at run time).
        var bound = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "id", "definition_id", "workflow", "correlation_key", "subject_id", "state", "status", "data", "row_version", "journal_seq", "journal_head",
            "created_at", "updated_at", "state_entered_at", "expected", "InstanceId", "Sequence", "at", "Actor", "Action", "OldValue", "NewValue",
            "RuleHashes", "Detail", "PreviousHash", "Hash", "Id", "Kind", "DedupeKey", "Recipient", "Payload", "instance_id", "kind", "purpose",
            "due_at", "event_name", "task_id", "payload", "instance", "task", "name", "key", "title", "candidate_roles", "candidate_users",
            "assignee", "decision", "reason", "signature_meaning", "completed_at", "completed_by", "TaskId", "SignerId", "PrintedName", "Meaning",
            "RecordHash", "SignatureHash", "IdempotencyKey", "Result", "CorrelationKey", "Name", "CorrelationId",
        };
        foreach (var sql in SharedStatements())
            foreach (Match m in Parameter().Matches(sql))
                Assert.True(bound.Contains(m.Groups[1].Value), $"@{m.Groups[1].Value} in: {sql}");
    }

    [GeneratedRegex(@"CREATE TABLE (?:IF NOT EXISTS )?(\w+)")]
    private static partial Regex TableName();

    [GeneratedRegex(@"^\s+(\w+) \w+(?:\(\w+\))?( NULL)?(?: NOT NULL)?,$", RegexOptions.Multiline)]
    private static partial Regex ColumnLine();

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex Parameter();
}
