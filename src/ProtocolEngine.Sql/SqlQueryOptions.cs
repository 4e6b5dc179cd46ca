namespace ProtocolEngine.Sql;

/// <summary>Options for the generated query.</summary>
public sealed record SqlQueryOptions
{
    /// <summary>The schema (or database) the tables are in; null for the connection's default.</summary>
    public string? Schema { get; init; }

    /// <summary>Only the criteria of this phase (as the native screener's phase), or null for all.</summary>
    public string? Phase { get; init; }

    /// <summary>
    /// Also return, per subject and pushed-down criterion, the evidence the native backend would record (DuckDB and
    /// PostgreSQL, for the criterion shapes docs/backends.md lists); off by default, so the query stays as fast.
    /// </summary>
    public bool Evidence { get; init; }
}
