using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Syntax;

namespace ProtocolEngine.Language.Lowering;

/// <summary>
/// What a lowered scalar holds, in every target. Booleans are 0 (false), 1 (unknown) and 2 (true), never null, so no
/// target's own null logic decides anything.
/// </summary>
internal enum ValueKind
{
    Bool,
    Num,
    Int,
    Text,
    /// <summary>An ISO 8601 date or date-time as canonical text: it sorts as the engine sorts it, and is only sorted or tested for null.</summary>
    Date,
}

/// <summary>A lowered value: a scalar in the target's text, a subject's records of a domain, one chosen record, a list, a code list, an interval.</summary>
internal abstract record Sym;

/// <summary>
/// A scalar expression of a kind in the target's text. <paramref name="NonNull"/> marks a literal (a target that cannot
/// test a literal for null, Dynamic LINQ, writes its null test as false).
/// </summary>
internal sealed record ScalarSym(string Text, ValueKind Kind, bool NonNull = false) : Sym;

/// <summary>
/// A subject's records of a domain, filtered: <c>MH M where ...</c>. <paramref name="Name"/> is the target's name for one
/// record (a SQL table alias, a lambda parameter); <paramref name="Where"/> a lowered 0/1/2 Boolean over it, null without a
/// filter; <paramref name="Missing"/> when the data have no such domain (every use is then Unknown, as natively).
/// </summary>
internal sealed record RecordsSym(string Domain, string Name, string? Where, ImmutableArray<(string Key, bool Descending)> Sort, bool Missing) : Sym;

/// <summary>The first or last record of a <see cref="RecordsSym"/> (First / Last of a query).</summary>
internal sealed record PickSym(RecordsSym Records, bool Last) : Sym;

/// <summary>
/// One record read directly: a record bound by a query alias inside its query, or (<paramref name="IsSubject"/>) the
/// subject's own record of a one-per-subject domain (DM). <paramref name="Text"/> is the target's expression for it.
/// </summary>
internal sealed record RowSym(string Domain, string Text, bool IsSubject, bool Missing) : Sym;

/// <summary>A list literal of scalars.</summary>
internal sealed record ListSym(ImmutableArray<ScalarSym> Elements) : Sym;

/// <summary>A protocol code list: its codes (matched exactly) and displays (matched ignoring case).</summary>
internal sealed record CodeListSym(ImmutableArray<string> Codes, ImmutableArray<string> Displays) : Sym;

/// <summary>An interval of numbers.</summary>
internal sealed record IntervalSym(ScalarSym Low, bool LowClosed, ScalarSym High, bool HighClosed) : Sym
{
    /// <summary>The operator a point is compared to the low bound with.</summary>
    public string LowOperator => LowClosed ? ">=" : ">";

    /// <summary>The operator a point is compared to the high bound with.</summary>
    public string HighOperator => HighClosed ? "<=" : "<";
}

/// <summary>Why an expression cannot be lowered to a target, and where: the reason the target's diagnostic names.</summary>
internal sealed class NotLowerable(SyntaxNode syntax, string reason) : Exception(reason)
{
    public SyntaxNode Syntax { get; } = syntax;

    public string Reason { get; } = reason;
}

/// <summary>The locals in scope while lowering: query aliases and function parameters.</summary>
internal sealed class LoweringEnv
{
    private readonly ImmutableDictionary<LocalSymbol, Sym> _locals;

    private LoweringEnv(ImmutableDictionary<LocalSymbol, Sym> locals) => _locals = locals;

    public static LoweringEnv Empty { get; } = new(ImmutableDictionary<LocalSymbol, Sym>.Empty);

    public LoweringEnv With(LocalSymbol local, Sym value) => new(_locals.SetItem(local, value));

    public Sym? Find(LocalSymbol local) => _locals.TryGetValue(local, out var s) ? s : null;
}
