using System.Collections.Concurrent;
using System.Reflection;

namespace ProtocolEngine.Storage.Workflows;

/// <summary>
/// The named values of a statement's argument object (an anonymous object's properties, or a dictionary), with
/// whether each is an integer (BIGINT) rather than text, for the paths that bind parameters themselves.
/// </summary>
internal static class StatementArguments
{
    private static readonly ConcurrentDictionary<Type, (string Name, bool Integer, Func<object, object?> Get)[]> Properties = new();

    public static IEnumerable<(string Name, object? Value, bool Integer)> Of(object args)
    {
        if (args is IReadOnlyDictionary<string, object?> map)
        {
            foreach (var (k, v) in map) yield return (k, v, v is long);
            yield break;
        }
        foreach (var (name, integer, get) in Properties.GetOrAdd(args.GetType(), Describe)) yield return (name, get(args), integer);
    }

    private static (string, bool, Func<object, object?>)[] Describe(Type type) =>
        [.. type.GetProperties().Select(p => (p.Name, (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) == typeof(long), (Func<object, object?>)p.GetValue))];
}
