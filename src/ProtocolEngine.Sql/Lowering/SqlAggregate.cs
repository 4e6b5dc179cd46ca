using System.Globalization;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Lowering;

namespace ProtocolEngine.Sql.Lowering;

/// <summary>What a per-subject aggregate computes over a subject's records of one domain.</summary>
internal enum AggregateKind
{
    /// <summary>exists: 0/1/2, NULL for a subject without records (read through COALESCE as unknown).</summary>
    Exists,

    /// <summary>Count: NULL when the count may be short for want of data.</summary>
    Count,

    /// <summary>First / Last of the sorted records: the chosen record's variables, one column each.</summary>
    Pick,
}

/// <summary>
/// A common table expression keyed by subject (<c>PE_U</c>) that pre-aggregates one domain's records for every subject
/// at once: the rules join it instead of running a correlated subquery per subject, so a database scans each domain once
/// per aggregate rather than once per subject. A subject without a qualifying record has no row: the left join reads NULL,
/// which each kind turns into the native backend's answer (exists unknown, Count null, First/Last null).
/// </summary>
internal sealed class SqlAggregate(string name, AggregateKind kind, RecordsSym rel, bool last, IReadOnlyList<string> dependencies)
{
    private readonly List<string> _columns = [];

    /// <summary>The expression's name, also the alias it is joined under.</summary>
    public string Name { get; } = name;

    public AggregateKind Kind { get; } = kind;

    public RecordsSym Rel { get; } = rel;

    /// <summary>For a pick: the last record of the order (Last) rather than the first.</summary>
    public bool Last { get; } = last;

    /// <summary>The aliases the filter and sort keys read besides the domain's own records: <c>dm</c> and other aggregates.</summary>
    public IReadOnlyList<string> Dependencies { get; } = dependencies;

    /// <summary>A pick's variables, in the order their columns were asked for.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>The column of a pick that holds the chosen record's variable.</summary>
    public string Column(string variable)
    {
        int i = _columns.IndexOf(variable);
        if (i < 0)
        {
            i = _columns.Count;
            _columns.Add(variable);
        }
        return $"{Name}.PE_C{i.ToString(CultureInfo.InvariantCulture)}";
    }

    // Generated aliases: the domain's records (t1), the subject's DM row (dm) and aggregates (pe_a1), read outside string
    // literals (quotes doubled, or escaped with a backslash in Spark and ClickHouse): a protocol's text is never a reference.
    private static readonly Regex Reference = new(@"(?<![\w.""])(t\d+|dm|pe_a\d+)\.", RegexOptions.CultureInvariant);
    private static readonly Regex Literal = new(@"'(?:[^'\\]|\\.|'')*'", RegexOptions.CultureInvariant);

    /// <summary>The generated aliases a lowered text reads, in order of first appearance.</summary>
    public static List<string> References(string text) =>
        [.. Reference.Matches(Literal.Replace(text, "''")).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];
}
