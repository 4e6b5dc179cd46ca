using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Checks.Results;

/// <summary>Whether a record failed a check or could not be evaluated against it.</summary>
public enum FindingOutcome
{
    /// <summary>The expectation was false.</summary>
    Failed,
    /// <summary>The expectation was null: a value it needs is missing or too imprecise to decide (a person must look).</summary>
    NotEvaluable,
}

/// <summary>A variable the check read for a finding, with the value it read, as people read it.</summary>
/// <param name="Variable">The variable: bare (AESER) for the record checked, qualified (DM.RFSTDTC) for others.</param>
/// <param name="Value">The value read, as text; "(missing)" when null.</param>
public sealed record FindingValue(string Variable, string Value);

/// <summary>One record (or subject, or the study) that failed a check or could not be evaluated against it.</summary>
/// <param name="CheckId">The check's id.</param>
/// <param name="Severity">The check's severity.</param>
/// <param name="Outcome">Failed or not evaluable.</param>
/// <param name="Message">The check's message with its placeholders filled.</param>
/// <param name="Dataset">The dataset of the record checked (null for subject and study checks).</param>
/// <param name="SubjectId">The USUBJID (null for study checks and trial-level datasets).</param>
/// <param name="Sequence">The record's --SEQ, when the dataset has one.</param>
/// <param name="Record">The record's position in the loaded dataset, from 1 (null for subject and study checks).</param>
/// <param name="RecordKey">A key that finds the record again after the data change (AESEQ=3, VISITNUM=4, row 12), used to match a finding across runs.</param>
/// <param name="Values">The variables read and their values.</param>
/// <param name="Evidence">Everything the check read, with the rows it came from.</param>
/// <param name="CheckHash">The content hash of the check that raised it.</param>
public sealed record Finding(
    string CheckId,
    CheckSeverity Severity,
    FindingOutcome Outcome,
    string Message,
    string? Dataset,
    string? SubjectId,
    double? Sequence,
    int? Record,
    string RecordKey,
    IReadOnlyList<FindingValue> Values,
    IReadOnlyList<EvidenceItem> Evidence,
    string CheckHash)
{
    /// <summary>What identifies the finding across runs: the check, the dataset, the subject and the record key.</summary>
    public string Key => $"{CheckId}|{Dataset}|{SubjectId}|{RecordKey}";
}
