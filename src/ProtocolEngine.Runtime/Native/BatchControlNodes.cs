using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// <c>Upper(X.VAR)</c> of a text variable, read as the compiled rule's <c>RecordAccess.UpperString</c> reads it: the
/// column's upper-cased dictionary (<see cref="TextColumn.GetUpper"/>), or the variable's text upper-cased (invariant)
/// when the column is not a text column.
/// </summary>
internal sealed class UpperVariableNode(VariableNode<string?> variable) : BatchNode<string?>
{
    public override bool Applies(StudyBinding binding) => variable.Applies(binding);

    // UpperString records the read as RecordAccess.String does (the text as stored), right after the record.
    public override bool RecordsEvidence => true;

    public override void Eval(BatchRun run, bool[] active, string?[] output)
    {
        var rows = run.Buffer<int>(variable.Record.Id);
        variable.Record.Eval(run, active, rows);
        variable.RecordReads(run, active, rows);
        if (run.Binding.Columns[variable.ColumnSlot] is TextColumn text)
        {
            for (int i = 0; i < run.Count; i++)
                if (run.Live(active, i)) output[i] = rows[i] < 0 ? null : text.GetUpper(rows[i]);
            return;
        }
        variable.Read(run, active, rows, output);
        for (int i = 0; i < run.Count; i++)
            if (run.Live(active, i)) output[i] = output[i]?.ToUpperInvariant();
    }
}

/// <summary>Creates <see cref="CoalesceNode{T}"/>s and <see cref="IfNode{T}"/>s for the value types batch nodes carry.</summary>
internal static class CoalesceNode
{
    /// <summary>True for the CLR types whose null is their default (the nullable values batch nodes carry).</summary>
    public static bool Supports(Type type) => type == typeof(decimal?) || type == typeof(int?) || type == typeof(long?) || type == typeof(bool?) || type == typeof(string);

    /// <summary>A Coalesce of <paramref name="parts"/>, all of type <paramref name="type"/>.</summary>
    public static BatchNode Create(Type type, BatchNode[] parts)
    {
        var typed = Array.CreateInstance(typeof(BatchNode<>).MakeGenericType(type), parts.Length);
        for (int i = 0; i < parts.Length; i++) typed.SetValue(parts[i], i);
        return (BatchNode)Activator.CreateInstance(typeof(CoalesceNode<>).MakeGenericType(type), typed)!;
    }
}

/// <summary>Creates <see cref="IfNode{T}"/>s.</summary>
internal static class IfNode
{
    /// <summary>An if of <paramref name="condition"/>, <paramref name="then"/> and <paramref name="otherwise"/> (both of type <paramref name="type"/>).</summary>
    public static BatchNode Create(Type type, BatchNode<bool?> condition, BatchNode then, BatchNode otherwise) =>
        (BatchNode)Activator.CreateInstance(typeof(IfNode<>).MakeGenericType(type), condition, then, otherwise)!;
}

/// <summary>
/// Coalesce evaluated lazily, as the compiled rule's: each argument only for the subjects every earlier argument left
/// null (so the data those arguments read count as read for those subjects only).
/// </summary>
internal sealed class CoalesceNode<T>(BatchNode<T>[] parts) : BatchNode<T>
{
    // Each argument runs for the subjects that reach it, so each records what the compiled Coalesce reaches.
    public override bool RecordsEvidence => true;

    public override void Eval(BatchRun run, bool[] active, T[] output)
    {
        var pending = run.Mask(Id);
        var first = run.Buffer<T>(parts[0].Id);
        parts[0].Eval(run, active, first);
        bool any = false;
        for (int i = 0; i < run.Count; i++)
        {
            if (!run.Live(active, i))
            {
                pending[i] = false;
                continue;
            }
            output[i] = first[i];
            pending[i] = first[i] is null;
            any |= pending[i];
        }
        for (int k = 1; k < parts.Length && any; k++)
        {
            var values = run.Buffer<T>(parts[k].Id);
            parts[k].Eval(run, pending, values);
            any = false;
            for (int i = 0; i < run.Count; i++)
            {
                if (!pending[i]) continue;
                // A subject the argument sent to the compiled rule is no longer computed here.
                if (run.Fallback[i])
                {
                    pending[i] = false;
                    continue;
                }
                output[i] = values[i];
                pending[i] = values[i] is null;
                any |= pending[i];
            }
        }
    }
}

/// <summary><c>if condition then a else b</c>: the condition for every subject, then each branch for its subjects only (null takes the else branch), as the compiled conditional.</summary>
internal sealed class IfNode<T>(BatchNode<bool?> condition, BatchNode<T> then, BatchNode<T> otherwise) : BatchNode<T>
{
    // The condition, then each subject's branch only, as the compiled conditional reads them.
    public override bool RecordsEvidence => true;

    public override void Eval(BatchRun run, bool[] active, T[] output)
    {
        var tests = run.Buffer<bool?>(condition.Id);
        condition.Eval(run, active, tests);
        var branch = run.Mask(Id);
        foreach (bool taken in (ReadOnlySpan<bool>)[true, false])
        {
            // One mask for both branches in turn: the then-branch is done with it before the else-branch's subjects are marked.
            bool any = false;
            for (int i = 0; i < run.Count; i++)
            {
                branch[i] = run.Live(active, i) && (tests[i] == true) == taken;
                any |= branch[i];
            }
            if (!any) continue;
            var node = taken ? then : otherwise;
            var values = run.Buffer<T>(node.Id);
            node.Eval(run, branch, values);
            for (int i = 0; i < run.Count; i++)
                if (branch[i] && !run.Fallback[i]) output[i] = values[i];
        }
    }
}
