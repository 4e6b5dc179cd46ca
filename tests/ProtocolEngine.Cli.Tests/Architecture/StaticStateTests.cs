using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace ProtocolEngine.Cli.Tests.Architecture;

/// <summary>
/// No process-wide mutable state in the shipped assemblies (the command line references them all): a server serves many
/// requests on many threads, and tests run in parallel in one process. A public static field is read-only and of a type
/// nobody can change (no arrays, lists or dictionaries: read-only interfaces, frozen or immutable collections); a public
/// static property has no public setter and such a type too; a static field of any visibility is read-only, except the
/// few named below, each changed only in a thread-safe way.
/// </summary>
public sealed class StaticStateTests
{
    /// <summary>Static fields that are written after start-up, and why that is safe.</summary>
    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        ["ProtocolEngine.Runtime.Evaluation.ExecutableProtocol._modelCount"] = "a counter taken with Interlocked.Increment, naming data models in cache keys",
        ["ProtocolEngine.Runtime.Native.BatchCriterion._answered"] = "a count of the cells batch criteria answered, added to with Interlocked.Add once per criterion and batch and read with Interlocked.Read (tests check the batches ran)",
        ["ProtocolEngine.Runtime.Native.CodedExistsNode._answered"] = "a count of the subjects whose exists the coded kernel answered, added to with Interlocked.Add once per batch and read with Interlocked.Read (tests check the kernel ran)",
        ["ProtocolEngine.Runtime.Native.CodedExistsNode._answeredWithEvidence"] = "a count of the subjects whose exists the coded kernel answered with evidence on, added to with Interlocked.Add once per batch and read with Interlocked.Read (tests check the kernel recorded)",
        ["ProtocolEngine.Runtime.Native.ColumnLookup._answered"] = "a count of the subjects column lookups answered, added to with Interlocked.Add once per batch and read with Interlocked.Read (tests check the lookups ran)",
        ["ProtocolEngine.Runtime.Native.ColumnLookup._answeredWithEvidence"] = "a count of the subjects column lookups answered with evidence on, added to with Interlocked.Increment and read with Interlocked.Read (tests check they ran)",
        ["ProtocolEngine.Server.Events.EventService._lastSeq"] = "the process's last event sequence number, advanced with Interlocked.CompareExchange so that it only grows",
    };

    private static readonly Type[] MutableGenerics =
    [
        typeof(List<>), typeof(Dictionary<,>), typeof(HashSet<>), typeof(SortedDictionary<,>), typeof(SortedList<,>), typeof(SortedSet<>),
        typeof(Queue<>), typeof(Stack<>), typeof(LinkedList<>), typeof(ConcurrentDictionary<,>), typeof(ConcurrentBag<>), typeof(ConcurrentQueue<>),
        typeof(ConcurrentStack<>), typeof(IList<>), typeof(ICollection<>), typeof(IDictionary<,>), typeof(ISet<>),
    ];

    private static IEnumerable<Assembly> ShippedAssemblies() =>
        Directory.GetFiles(AppContext.BaseDirectory, "ProtocolEngine.*.dll")
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "protocol.dll"))
            .Where(p => !Path.GetFileName(p).Contains(".Tests", StringComparison.Ordinal))
            .Select(Assembly.LoadFrom);

    private static IEnumerable<Type> OurTypes() =>
        ShippedAssemblies().SelectMany(a => a.GetTypes())
            // Compiler-made closures and lambda caches, and the ANTLR runtime's shared DFA cache in the generated parser.
            .Where(t => t.GetCustomAttribute<CompilerGeneratedAttribute>() is null && !t.Name.StartsWith('<')
                && t.Namespace?.StartsWith("ProtocolEngine.Language.Parsing.Generated", StringComparison.Ordinal) != true);

    internal static bool IsMutable(Type type)
    {
        if (type.IsArray || type == typeof(ArrayList) || type == typeof(Hashtable)) return true;
        return type.IsGenericType && MutableGenerics.Contains(type.GetGenericTypeDefinition());
    }

    [Fact]
    public void TheCheck_KnowsMutableFromReadOnlyTypes()
    {
        Assert.True(IsMutable(typeof(string[])));
        Assert.True(IsMutable(typeof(Dictionary<string, int[]>)));
        Assert.True(IsMutable(typeof(IDictionary<string, string>)));
        Assert.False(IsMutable(typeof(IReadOnlyDictionary<string, string>)));
        Assert.False(IsMutable(typeof(System.Collections.Frozen.FrozenDictionary<string, string>)));
        Assert.False(IsMutable(typeof(System.Collections.Immutable.ImmutableArray<string>)));
        Assert.False(IsMutable(typeof(IReadOnlyList<string>)));
    }

    [Fact]
    public void PublicStaticFieldsAndProperties_CannotBeChanged()
    {
        var problems = new List<string>();
        foreach (var type in OurTypes().Where(t => t.IsVisible))
        {
            foreach (var f in type.GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (f.IsLiteral) continue;
                if (!f.IsInitOnly) problems.Add($"{type.FullName}.{f.Name} is a public static field anyone can assign");
                else if (IsMutable(f.FieldType)) problems.Add($"{type.FullName}.{f.Name} is a public static {f.FieldType.Name} anyone can change");
            }
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (p.SetMethod is { IsPublic: true }) problems.Add($"{type.FullName}.{p.Name} is a public static property with a public setter");
                if (IsMutable(p.PropertyType)) problems.Add($"{type.FullName}.{p.Name} is a public static {p.PropertyType.Name} anyone can change");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void StaticFields_AreReadOnly_SaveTheThreadSafeOnesNamed()
    {
        var problems = new List<string>();
        const BindingFlags statics = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in OurTypes())
            foreach (var f in type.GetFields(statics))
            {
                if (f.IsLiteral || f.IsInitOnly || f.Name.StartsWith('<') || f.GetCustomAttribute<CompilerGeneratedAttribute>() is not null) continue;
                var name = $"{type.FullName}.{f.Name}";
                if (!Allowed.ContainsKey(name)) problems.Add($"{name} is a static field that can be assigned after start-up");
            }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
