using ProtocolEngine.Checks.Results;

namespace ProtocolEngine.Checks.Execution;

/// <summary>One check's outcomes over one block of subjects (or the records outside any subject block).</summary>
internal sealed class CheckTally
{
    public long Evaluated;
    public long Passed;
    public long Failed;
    public long NotEvaluable;
    public long Excluded;
    public List<Finding>? Failures;
    public List<Finding>? NotEvaluated;

    /// <summary>The first error in this block; once set, the check is not evaluated further in the block.</summary>
    public CheckError? Error;
}
