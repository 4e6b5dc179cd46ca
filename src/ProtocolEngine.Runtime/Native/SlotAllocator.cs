using ProtocolEngine.Language.Binding;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// Numbers the definitions, domains and variables compiled code refers to, so evaluation reads them from
/// arrays (bound once per study) instead of looking names up.
/// </summary>
internal sealed class SlotAllocator
{
    private readonly Dictionary<DefineSymbol, int> _defines = [];
    private readonly Dictionary<string, int> _domains = new(StringComparer.Ordinal);
    private readonly Dictionary<(int, string), int> _columns = [];

    public List<DefineSymbol> Defines { get; } = [];
    public List<string> Domains { get; } = [];
    public List<(int DomainSlot, string Variable)> Columns { get; } = [];

    public int Define(DefineSymbol define)
    {
        if (_defines.TryGetValue(define, out int slot)) return slot;
        slot = Defines.Count;
        _defines[define] = slot;
        Defines.Add(define);
        return slot;
    }

    public int Domain(string name)
    {
        if (_domains.TryGetValue(name, out int slot)) return slot;
        slot = Domains.Count;
        _domains[name] = slot;
        Domains.Add(name);
        return slot;
    }

    public int Column(string domain, string variable)
    {
        int domainSlot = Domain(domain);
        if (_columns.TryGetValue((domainSlot, variable), out int slot)) return slot;
        slot = Columns.Count;
        _columns[(domainSlot, variable)] = slot;
        Columns.Add((domainSlot, variable));
        return slot;
    }
}
