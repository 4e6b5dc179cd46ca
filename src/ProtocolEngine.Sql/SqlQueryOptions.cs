namespace ProtocolEngine.Sql;

/// <summary>Options for the generated query.</summary>
public sealed record SqlQueryOptions
{
    /// <summary>The schema (or database) the tables are in; null for the connection's default.</summary>
    public string? Schema { get; init; }

    /// <summary>Only the criteria of this phase (as the native screener's phase), or null for all.</summary>
    public string? Phase { get; init; }

    /// <summary>
    /// Also return, per subject and pushed-down criterion, the evidence the native backend would record (DuckDB,
    /// PostgreSQL and ClickHouse, for the criterion shapes docs/backends.md lists; the text dialects return none and
    /// <see cref="SqlScreeningQuery.EvidenceGap"/> says so); off by default, so the query stays as fast.
    /// </summary>
    public bool Evidence { get; init; }

    /// <summary>The most evidence items kept per subject and criterion, as the native screener's <c>ScreeningOptions.EvidenceCapacity</c> (100).</summary>
    public int EvidenceCapacity { get; init; } = 100;

    /// <summary>
    /// Only these subjects' rows (by USUBJID), or null for every subject: to explain one subject without returning the
    /// population's evidence. The aggregates are still computed over the tables as the database plans them.
    /// </summary>
    public IReadOnlyList<string>? Subjects { get; init; }
}
