using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Sql;

/// <summary>
/// The tables and columns a database holds, so the query reads what exists: a variable the data lack is null in the
/// query (Unknown, as the engine reads it), a domain the data lack makes every rule reading it Unknown. Table and column
/// names are the SDTM names (DM, LBSTRESN).
/// </summary>
public sealed class SqlCatalog
{
    private readonly Dictionary<string, HashSet<string>> _tables;

    private SqlCatalog(Dictionary<string, HashSet<string>> tables) => _tables = tables;

    /// <summary>A catalog of the given tables and their columns.</summary>
    public static SqlCatalog Of(IEnumerable<(string Table, string Column)> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var tables = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (table, column) in columns)
        {
            if (!tables.TryGetValue(table, out var set)) tables[table] = set = new(StringComparer.OrdinalIgnoreCase);
            set.Add(column);
        }
        return new(tables);
    }

    /// <summary>The catalog of a study's datasets (as the backends load them).</summary>
    public static SqlCatalog FromStudy(StudyData study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return Of(study.Domains.SelectMany(d => d.Columns.Select(c => (d.Name, c.Name))));
    }

    /// <summary>
    /// The catalog of a database holding every domain and variable of a data model (what <c>protocol sql</c> assumes when it
    /// is not given the database's own tables).
    /// </summary>
    public static SqlCatalog FromModel(IDataModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Of(model.Domains.SelectMany(d => d.Variables.Select(v => (d.Name, v.Name))));
    }

    /// <summary>Every table named.</summary>
    public IEnumerable<string> Tables => _tables.Keys.Order(StringComparer.Ordinal);

    /// <summary>True when the database has the table.</summary>
    public bool HasTable(string table) => _tables.ContainsKey(table);

    /// <summary>True when the table has the column.</summary>
    public bool HasColumn(string table, string column) => _tables.TryGetValue(table, out var set) && set.Contains(column);
}
