using ProtocolEngine.Language.Binding;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// Numbers the definitions, domains and variables compiled code refers to, so evaluation reads them from
/// arrays (bound once per study) instead of looking names up.
/// </summary>
internal sealed class SlotAllocator
{
    private readonly Dictionary<DefineSymbol, int> _defines = [];
    private readonly Dictionary<(FunctionSymbol, string), int> _memos = [];
    private readonly Dictionary<string, int> _domains = new(StringComparer.Ordinal);
    private readonly Dictionary<(int, string), int> _columns = [];

    public List<DefineSlot> Defines { get; } = [];
    public List<string> Domains { get; } = [];
    public List<(int DomainSlot, string Variable)> Columns { get; } = [];

    public int Define(DefineSymbol define)
    {
        if (_defines.TryGetValue(define, out int slot)) return slot;
        slot = Defines.Count;
        _defines[define] = slot;
        Defines.Add(new DefineSlot(define.Name, define.Library, define.Body, null));
        return slot;
    }

    /// <summary>
    /// A slot for a function called with constant arguments (ScreeningLab('ALT')): its value is computed once per
    /// subject like a definition's, however many rules call it.
    /// </summary>
    public int Memo(BoundFunctionCall call, string arguments)
    {
        if (_memos.TryGetValue((call.Function, arguments), out int slot)) return slot;
        slot = Defines.Count;
        _memos[(call.Function, arguments)] = slot;
        Defines.Add(new DefineSlot($"{call.Function.Name}({arguments})", "(call)", null, call));
        return slot;
    }

    /// <summary>How many kept slots are numbered (<see cref="Kept"/>).</summary>
    public int KeptCount { get; private set; }

    /// <summary>
    /// A slot for what one compiled node keeps per study (a column lookup's rows, an exists kernel's states, a query's
    /// dictionary codes): kept in the study's binding (<see cref="Evaluation.StudyBinding.Kept"/>), not on the node.
    /// </summary>
    public int Kept() => KeptCount++;

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

/// <summary>A cached value per subject: a definition, or a function called with constant arguments.</summary>
/// <param name="Name">The definition's name, or the call as text.</param>
/// <param name="Library">The library the definition comes from (null for the protocol's own).</param>
/// <param name="Body">The definition's body.</param>
/// <param name="Call">The memoised function call.</param>
internal sealed record DefineSlot(string Name, string? Library, BoundExpression? Body, BoundFunctionCall? Call);
