using ProtocolEngine.Language.Diagnostics;

namespace ProtocolEngine.Language.Binding;

internal sealed partial class Binder
{
    /// <summary>
    /// Finds the longest chain of definitions, functions, tables and parameters each using the next. Evaluating the
    /// first of a chain evaluates the others one inside another, so a chain longer than the limit could exhaust the
    /// stack of a screening worker; it is reported at the first of this file's symbols that starts one.
    /// </summary>
    private void CheckDefinitionChains()
    {
        if (_chainReported) return;
        int limit = Limits.MaxDefinitionDepth;
        // A chain longer than the limit needs more symbols than the limit: the common case costs nothing.
        if (SymbolCount() <= limit) return;

        var depths = new Dictionary<Symbol, int>(ReferenceEqualityComparer.Instance);
        var onPath = new HashSet<Symbol>(ReferenceEqualityComparer.Instance);
        var own = _defines.Values.Cast<Symbol>().Concat(_functions.Values).Concat(_tables.Values).Concat(_parameters.Values).ToList();
        foreach (var root in own)
        {
            // Depth-first with an explicit stack: the chains this looks for are the ones too long to recurse along.
            var stack = new Stack<ChainFrame>();
            if (!depths.ContainsKey(root))
            {
                onPath.Add(root);
                stack.Push(new ChainFrame(root, Dependencies(root).GetEnumerator()));
            }
            while (stack.Count > 0)
            {
                var frame = stack.Peek();
                if (frame.Next.MoveNext())
                {
                    var child = frame.Next.Current;
                    if (depths.TryGetValue(child, out int known)) frame.Deepest = Math.Max(frame.Deepest, known);
                    else if (onPath.Add(child)) stack.Push(new ChainFrame(child, Dependencies(child).GetEnumerator()));
                    continue;
                }
                stack.Pop();
                onPath.Remove(frame.Symbol);
                int depth = frame.Deepest + 1;
                depths[frame.Symbol] = depth;
                if (stack.Count > 0) stack.Peek().Deepest = Math.Max(stack.Peek().Deepest, depth);
            }
            if (depths[root] > limit && root.Declaration is { } declaration)
            {
                var span = declaration switch
                {
                    Syntax.DefineSyntax d => d.Name.Span,
                    Syntax.TableSyntax t => t.Name.Span,
                    Syntax.ParameterSyntax p => p.Name.Span,
                    _ => declaration.Span,
                };
                Report(DiagnosticCatalog.DefinitionChainTooDeep(span, root.Name, limit));
                return;
            }
        }
    }

    private sealed class ChainFrame(Symbol symbol, IEnumerator<Symbol> next)
    {
        public Symbol Symbol { get; } = symbol;
        public IEnumerator<Symbol> Next { get; } = next;
        public int Deepest { get; set; }
    }

    private int SymbolCount()
    {
        int count = _defines.Count + _functions.Count + _tables.Count + _parameters.Count;
        var seen = new HashSet<LibraryExports>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<LibraryExports>(_imports);
        while (pending.Count > 0)
        {
            var library = pending.Pop();
            if (!seen.Add(library)) continue;
            count += library.Defines.Count + library.Functions.Count + library.Tables.Count + library.Parameters.Count;
            foreach (var inner in library.Imports) pending.Push(inner);
        }
        return count;
    }

    /// <summary>The symbols whose values evaluating <paramref name="symbol"/> evaluates.</summary>
    private static IEnumerable<Symbol> Dependencies(Symbol symbol)
    {
        IEnumerable<BoundExpression?> bodies = symbol switch
        {
            DefineSymbol d => [d.Body],
            FunctionSymbol f => [f.Body],
            TableSymbol t => t.Rows.SelectMany(r => r.Conditions.Append(r.Result)),
            ParameterSymbol p => [p.Value],
            _ => [],
        };
        foreach (var body in bodies)
        {
            if (body is null) continue;
            foreach (var node in BoundTreeWalker.DescendantsAndSelf(body))
            {
                switch (node)
                {
                    case BoundDefineReference d: yield return d.Define; break;
                    case BoundFunctionCall f: yield return f.Function; break;
                    case BoundTableCall t: yield return t.Table; break;
                    case BoundParameterReference p: yield return p.Parameter; break;
                }
            }
        }
    }
}
