using System.Collections.Immutable;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Syntax;

namespace ProtocolEngine.Sql.Lowering;

/// <summary>A lowered value: a SQL scalar, a subject's records of a domain, one chosen record, a literal list or code list.</summary>
internal abstract record Sym;

/// <summary>A scalar SQL expression of a kind (booleans as 0, 1, 2: false, unknown, true).</summary>
internal sealed record ScalarSym(string Sql, SqlKind Kind) : Sym;

/// <summary>
/// A subject's records of a domain, filtered: <c>MH M where ...</c>. <paramref name="Where"/> is a lowered boolean
/// (0/1/2) over <paramref name="Alias"/>'s columns, null when there is no filter; <paramref name="Missing"/> when the
/// database has no such table (every use is then Unknown, as the engine's missing domain is).
/// </summary>
internal sealed record RelSym(string Domain, string Alias, string? Where, ImmutableArray<(string Key, bool Descending)> Sort, bool Missing) : Sym;

/// <summary>The first or last record of a <see cref="RelSym"/> (First / Last of a query).</summary>
internal sealed record PickSym(RelSym Rel, bool Last) : Sym;

/// <summary>A record bound by a query alias inside its query: its columns are read directly.</summary>
internal sealed record RowSym(string Domain, string Alias, bool Missing) : Sym;

/// <summary>The subject's own record of a one-per-subject domain (DM).</summary>
internal sealed record SubjectRowSym(string Domain, string Alias, bool Missing) : Sym;

/// <summary>A list literal of scalars.</summary>
internal sealed record ListSym(ImmutableArray<ScalarSym> Elements) : Sym;

/// <summary>A protocol code list: its codes (matched exactly) and displays (matched ignoring case).</summary>
internal sealed record CodeListSym(ImmutableArray<string> Codes, ImmutableArray<string> Displays) : Sym;

/// <summary>An interval of numbers.</summary>
internal sealed record IntervalSym(ScalarSym Low, bool LowClosed, ScalarSym High, bool HighClosed) : Sym;

/// <summary>Why an expression cannot be pushed down, and where.</summary>
internal sealed class NotPushable(SyntaxNode syntax, string reason) : Exception(reason)
{
    public SyntaxNode Syntax { get; } = syntax;

    public string Reason { get; } = reason;
}

/// <summary>The locals in scope while lowering: query aliases and function parameters.</summary>
internal sealed class Env
{
    private readonly ImmutableDictionary<LocalSymbol, Sym> _locals;

    private Env(ImmutableDictionary<LocalSymbol, Sym> locals) => _locals = locals;

    public static Env Empty { get; } = new(ImmutableDictionary<LocalSymbol, Sym>.Empty);

    public Env With(LocalSymbol local, Sym value) => new(_locals.SetItem(local, value));

    public Sym? Find(LocalSymbol local) => _locals.TryGetValue(local, out var s) ? s : null;
}
