using System.Text.RegularExpressions;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Syntax;

namespace ProtocolEngine.Checks.Results;

/// <summary>What one check found: its status, how many records it evaluated with each outcome, and the findings.</summary>
public sealed partial class CheckResult
{
    internal CheckResult(BoundCheck check)
    {
        Check = check;
        CdiscRuleId = RuleIdOf(check);
    }

    /// <summary>The check as compiled (id, title, text, citations, hash).</summary>
    public BoundCheck Check { get; }

    /// <summary>The check id.</summary>
    public string Id => Check.Id;

    /// <summary>The check title.</summary>
    public string Title => Check.Title;

    /// <summary>The severity.</summary>
    public CheckSeverity Severity => Check.Severity;

    /// <summary>The content hash of the check's text and everything it depends on.</summary>
    public string Hash => Check.Hash;

    /// <summary>The dataset the check runs over (null for subject and study checks).</summary>
    public string? Dataset => Check.Domain?.Name;

    /// <summary>The library that declares the check (null for the protocol's own).</summary>
    public string? Library { get; internal set; }

    /// <summary>The CDISC SDTM Conformance Rule the check implements (CGnnnn), when its id or citations name one.</summary>
    public string? CdiscRuleId { get; }

    /// <summary>The role its findings are routed to as data queries (null when none).</summary>
    public string? QueryTo => Check.QueryTo?.Name;

    /// <summary>How the run ended.</summary>
    public CheckStatus Status { get; internal set; }

    /// <summary>Why the check is skipped (Skipped only).</summary>
    public string? SkipReason { get; internal set; }

    /// <summary>What stopped it (ExecutionError only).</summary>
    public CheckError? Error { get; internal set; }

    /// <summary>Records (or subjects) in scope that the expectation was evaluated for.</summary>
    public long Evaluated { get; internal set; }

    /// <summary>Records whose expectation was true.</summary>
    public long Passed { get; internal set; }

    /// <summary>Records whose expectation was false.</summary>
    public long Failed { get; internal set; }

    /// <summary>Records whose expectation was null (cannot be evaluated).</summary>
    public long NotEvaluable { get; internal set; }

    /// <summary>Records the check's where condition left out (false or null).</summary>
    public long Excluded { get; internal set; }

    /// <summary>The failures listed (all of them unless the run capped the details).</summary>
    public IReadOnlyList<Finding> Failures { get; internal set; } = [];

    /// <summary>The records that could not be evaluated, listed (all of them unless the run capped the details).</summary>
    public IReadOnlyList<Finding> NotEvaluated { get; internal set; } = [];

    /// <summary>Variables the check reads that the study's datasets do not have (they read as null), such as AE.AESMIE.</summary>
    public IReadOnlyList<string> AbsentVariables { get; internal set; } = [];

    /// <summary>True when the status counts against the data: a failure at error or critical severity, or an execution error.</summary>
    public bool Blocks => Status == CheckStatus.ExecutionError
        || (Status == CheckStatus.IssueReported && Severity is CheckSeverity.Error or CheckSeverity.Critical);

    /// <summary>The status as a CDISC CORE rules report writes it: SUCCESS, ISSUE REPORTED, EXECUTION ERROR or SKIPPED.</summary>
    public string StatusText => Status switch
    {
        CheckStatus.Success => "SUCCESS",
        CheckStatus.IssueReported => "ISSUE REPORTED",
        CheckStatus.ExecutionError => "EXECUTION ERROR",
        _ => "SKIPPED",
    };

    private static string? RuleIdOf(BoundCheck check)
    {
        var inId = RuleId().Match(check.Id);
        if (inId.Success) return inId.Value;
        foreach (var cite in check.Syntax.Citations)
        {
            var m = RuleId().Match(cite.Value);
            if (m.Success) return m.Value;
        }
        return null;
    }

    [GeneratedRegex(@"\bCG\d{4}\b")]
    private static partial Regex RuleId();
}
