namespace ProtocolEngine.Language.Binding;

/// <summary>Enumerates the child expressions of a bound node, for analyses that walk the whole tree.</summary>
public static class BoundTreeWalker
{
    /// <summary>The direct children of a node, in evaluation order.</summary>
    public static IEnumerable<BoundExpression> Children(BoundExpression node)
    {
        switch (node)
        {
            case BoundCall c: foreach (var a in c.Arguments) yield return a; break;
            case BoundConversion cv: yield return cv.Operand; break;
            case BoundTypeOperator t: yield return t.Operand; break;
            case BoundFunctionCall f: foreach (var a in f.Arguments) yield return a; break;
            case BoundTableCall tc: foreach (var a in tc.Arguments) yield return a; break;
            case BoundVariableAccess v: yield return v.Record; break;
            case BoundMemberAccess m: yield return m.Target; break;
            case BoundListMemberAccess lm:
                yield return lm.Target;
                yield return lm.Access;
                break;
            case BoundIf i:
                yield return i.Condition;
                yield return i.Then;
                yield return i.Else;
                break;
            case BoundCase cs:
                if (cs.Comparand is not null) yield return cs.Comparand;
                foreach (var item in cs.Items)
                {
                    yield return item.When;
                    yield return item.Then;
                }
                yield return cs.Else;
                break;
            case BoundList l: foreach (var e in l.Elements) yield return e; break;
            case BoundTuple tu: foreach (var (_, value) in tu.Elements) yield return value; break;
            case BoundInterval iv:
                yield return iv.Low;
                yield return iv.High;
                break;
            case BoundQuery q:
                foreach (var s in q.Sources) yield return s.Source;
                foreach (var (_, value) in q.Lets) yield return value;
                foreach (var inc in q.Inclusions)
                {
                    yield return inc.Source.Source;
                    yield return inc.Condition;
                }
                if (q.Where is not null) yield return q.Where;
                if (q.Return is not null) yield return q.Return;
                if (q.Aggregate is { } ag)
                {
                    if (ag.Starting is not null) yield return ag.Starting;
                    yield return ag.Value;
                }
                foreach (var s in q.Sort)
                    if (s.Key is not null) yield return s.Key;
                break;
        }
    }

    /// <summary>The node and all its descendants, depth first.</summary>
    public static IEnumerable<BoundExpression> DescendantsAndSelf(BoundExpression node)
    {
        var stack = new Stack<BoundExpression>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            foreach (var child in Children(current).Reverse()) stack.Push(child);
        }
    }
}
