namespace ProtocolEngine.Checks.Results;

/// <summary>How a check's run ended, as the rules report of a CDISC CORE report states it.</summary>
public enum CheckStatus
{
    /// <summary>The check ran over every record in its scope and none failed.</summary>
    Success,
    /// <summary>The check ran and at least one record failed it.</summary>
    IssueReported,
    /// <summary>The check could not run to the end (a runtime error, a division by zero, a domain the study lacks): the data are not verified against it.</summary>
    ExecutionError,
    /// <summary>The check does not apply: the study has no dataset for the domain it runs over.</summary>
    Skipped,
}
