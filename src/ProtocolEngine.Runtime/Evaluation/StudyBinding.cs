using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Evaluation;

/// <summary>
/// A protocol's data slots resolved against one study: for each domain and variable the compiled rules
/// read, the study's table and column (null when the study lacks it). Built once per protocol and study.
/// </summary>
internal sealed class StudyBinding
{
    internal StudyBinding(StudyData study, IReadOnlyList<string> domains, IReadOnlyList<(int DomainSlot, string Variable)> columns)
    {
        Study = study;
        Domains = domains.Select(study.GetDomain).ToArray();
        Columns = columns.Select(c => Domains[c.DomainSlot]?.GetColumn(c.Variable)).ToArray();
        ColumnTables = columns.Select(c => Domains[c.DomainSlot]).ToArray();
    }

    /// <summary>The table each column slot belongs to (to tell a record of this study's table from any other).</summary>
    public DomainTable?[] ColumnTables { get; }

    /// <summary>The study.</summary>
    public StudyData Study { get; }

    /// <summary>Tables by domain slot.</summary>
    public DomainTable?[] Domains { get; }

    /// <summary>Columns by column slot.</summary>
    public Column?[] Columns { get; }
}
