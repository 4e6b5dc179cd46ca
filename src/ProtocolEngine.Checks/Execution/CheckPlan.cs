using ProtocolEngine.Checks.Results;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Checks.Execution;

/// <summary>A check prepared for one study: where it runs and what stops it from running.</summary>
internal sealed class CheckPlan(int index, ExecutableCheck executable)
{
    /// <summary>The check's position in the report.</summary>
    public int Index { get; } = index;

    /// <summary>The compiled check.</summary>
    public ExecutableCheck Executable { get; } = executable;

    /// <summary>The bound check.</summary>
    public BoundCheck Check => Executable.Check;

    /// <summary>The dataset a record check runs over (null when the study lacks it, and for subject and study checks).</summary>
    public DomainTable? Table { get; set; }

    /// <summary>Why the check does not apply, when it does not.</summary>
    public string? SkipReason { get; set; }

    /// <summary>An error known before any record is read (a domain the study lacks).</summary>
    public CheckError? StaticError { get; set; }

    /// <summary>True when the check runs.</summary>
    public bool Runs => SkipReason is null && StaticError is null;
}
