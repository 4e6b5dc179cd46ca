using System.Reflection;
using Dapper;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>
/// Dapper type maps for the workflow row types: a column matches the property whose name it spells without its
/// underscores (created_at, CreatedAt), ignoring case. Registered once per process by the static constructor.
/// </summary>
internal static class RowTypeMaps
{
    private static readonly Type[] RowTypes =
    [
        typeof(DefinitionRow), typeof(InstanceRow), typeof(WaitRow), typeof(TaskRow), typeof(JournalRow), typeof(OutboxRow),
        typeof(SignatureRow), typeof(CommandRow), typeof(UnmatchedRow),
    ];

    static RowTypeMaps()
    {
        foreach (var type in RowTypes) SqlMapper.SetTypeMap(type, new CustomPropertyTypeMap(type, (t, column) => Property(t, column)!));
    }

    /// <summary>Runs the static constructor (once; the runtime makes other threads wait for it).</summary>
    public static void Ensure()
    {
    }

    // A column no property matches is left unread, as Dapper's own map leaves it (it asks with a null-forgiving contract).
    private static PropertyInfo? Property(Type type, string column) =>
        type.GetProperty(column.Replace("_", "", StringComparison.Ordinal), BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
}
