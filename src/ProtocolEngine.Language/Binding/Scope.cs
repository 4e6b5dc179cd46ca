namespace ProtocolEngine.Language.Binding;

/// <summary>
/// Locals visible at a point of an expression (query aliases, lets, function parameters, table inputs),
/// chained to the enclosing scope. An optional implicit element lets <c>sort by NAME</c> read members of
/// each result element by bare name, as CQL allows.
/// </summary>
internal sealed class Scope
{
    private readonly Dictionary<string, LocalSymbol> _locals = new(StringComparer.Ordinal);

    public Scope(Scope? parent, LocalSymbol? implicitElement = null)
    {
        Parent = parent;
        ImplicitElement = implicitElement;
    }

    public static readonly Scope Empty = new(null);

    public Scope? Parent { get; }

    /// <summary>The element whose members bare names may read (sort by clauses).</summary>
    public LocalSymbol? ImplicitElement { get; }

    public Scope Add(LocalSymbol local)
    {
        _locals[local.Name] = local;
        return this;
    }

    public LocalSymbol? Lookup(string name)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s._locals.TryGetValue(name, out var local)) return local;
        return null;
    }

    public IEnumerable<string> Names()
    {
        for (var s = this; s is not null; s = s.Parent)
            foreach (var n in s._locals.Keys) yield return n;
    }

    public LocalSymbol? FindImplicitElement()
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s.ImplicitElement is not null) return s.ImplicitElement;
        return null;
    }
}
