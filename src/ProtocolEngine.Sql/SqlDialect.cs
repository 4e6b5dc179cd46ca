namespace ProtocolEngine.Sql;

/// <summary>The SQL dialects the backend writes.</summary>
public enum SqlDialect
{
    /// <summary>DuckDB: the embedded default (runs here).</summary>
    DuckDb,
    /// <summary>PostgreSQL (runs here, over tables loaded by <c>protocol data load</c>).</summary>
    Postgres,
    /// <summary>ClickHouse 18.16 and later (runs here: a two-shard cluster over Distributed tables loaded by <c>protocol data load --ch-env</c>).</summary>
    ClickHouse,
    /// <summary>Spark SQL (generated as text).</summary>
    Spark,
    /// <summary>Trino (generated as text).</summary>
    Trino,
    /// <summary>Microsoft SQL Server (generated as text).</summary>
    SqlServer,
}
