using ProtocolEngine.Language.Binding;

namespace ProtocolEngine.Checks.Execution;

/// <summary>
/// What a check reads, found by walking its bound expressions and everything they call (definitions,
/// functions, decision tables, parameters): the domains it names and the variables it reads.
/// </summary>
internal static class CheckAnalysis
{
    /// <summary>The domains a check names in its expressions (its own scope domain excluded) and the variables it reads, as (domain, variable).</summary>
    public static (IReadOnlySet<string> Domains, IReadOnlySet<(string Domain, string Variable)> Variables) Reads(BoundCheck check)
    {
        var domains = new SortedSet<string>(StringComparer.Ordinal);
        var variables = new SortedSet<(string, string)>();
        var visited = new HashSet<Symbol>();
        var roots = new List<BoundExpression?> { check.Expect, check.Where };
        roots.AddRange(check.Message.Select(p => p.Value));
        foreach (var root in roots) Walk(root, domains, variables, visited);
        return (domains, variables);
    }

    private static void Walk(BoundExpression? node, SortedSet<string> domains, SortedSet<(string, string)> variables, HashSet<Symbol> visited)
    {
        if (node is null) return;
        foreach (var e in BoundTreeWalker.DescendantsAndSelf(node))
        {
            switch (e)
            {
                case BoundDomainReference d:
                    domains.Add(d.Domain.Name);
                    break;
                case BoundVariableAccess v:
                    variables.Add((v.Domain.Name, v.Variable.Name));
                    break;
                case BoundDefineReference d when visited.Add(d.Define):
                    Walk(d.Define.Body, domains, variables, visited);
                    break;
                case BoundFunctionCall f when visited.Add(f.Function):
                    Walk(f.Function.Body, domains, variables, visited);
                    break;
                case BoundTableCall t when visited.Add(t.Table):
                    foreach (var row in t.Table.Rows)
                    {
                        foreach (var condition in row.Conditions) Walk(condition, domains, variables, visited);
                        Walk(row.Result, domains, variables, visited);
                    }
                    break;
                case BoundParameterReference p when visited.Add(p.Parameter):
                    Walk(p.Parameter.Value, domains, variables, visited);
                    break;
            }
        }
    }
}
