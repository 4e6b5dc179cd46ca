namespace ProtocolEngine.Checks.Execution;

/// <summary>The outcomes of every check over one block of subjects (or over the records outside any block).</summary>
internal sealed class BlockResult(int checks)
{
    public CheckTally?[] Tallies { get; } = new CheckTally?[checks];

    public long RecordsVisited { get; set; }

    public CheckTally Tally(CheckPlan plan) => Tallies[plan.Index] ??= new CheckTally();
}
