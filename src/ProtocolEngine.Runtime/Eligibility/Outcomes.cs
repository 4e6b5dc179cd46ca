namespace ProtocolEngine.Runtime.Eligibility;

/// <summary>What one criterion says about one subject.</summary>
public enum CriterionOutcome : byte
{
    /// <summary>The criterion was not evaluated (another phase was screened).</summary>
    NotEvaluated = 0,
    /// <summary>The criterion holds: an inclusion is satisfied, or an exclusion applies.</summary>
    Met = 1,
    /// <summary>The criterion does not hold: an inclusion is not satisfied, or an exclusion does not apply.</summary>
    NotMet = 2,
    /// <summary>The data cannot decide (missing or uncertain values, a rule error, a contradiction): a person must.</summary>
    Unknown = 3,
    /// <summary>Only a person can decide (<c>attested by ROLE</c>) and nobody has recorded a determination yet.</summary>
    Attested = 4,
}

/// <summary>A subject's eligibility over the criteria screened.</summary>
public enum EligibilityStatus : byte
{
    /// <summary>Every inclusion Met and every exclusion NotMet.</summary>
    Eligible = 1,
    /// <summary>An inclusion NotMet or an exclusion Met, decided by data or by a recorded determination.</summary>
    Ineligible = 2,
    /// <summary>Anything else: unknown data, attestations outstanding, rule errors or discrepancies; a person decides.</summary>
    NeedsReview = 3,
}

/// <summary>Why a criterion's outcome is what it is, beyond the rule's value.</summary>
public enum OutcomeCause : byte
{
    /// <summary>The rule decided from the subject's data.</summary>
    Rule = 0,
    /// <summary>The rule's value was null: a value it needs is missing or uncertain.</summary>
    NullResult,
    /// <summary>The rule stopped with a runtime error (reported with its PE9xxx diagnostic).</summary>
    RuntimeError,
    /// <summary>The rule could not decide and reads a domain the study does not contain.</summary>
    DomainMissing,
    /// <summary>The rule could not decide and read a domain in which the subject has no records at all: absence of records is not evidence of absence.</summary>
    NoSubjectRecords,
    /// <summary>The rule could not decide and read a variable the study's dataset does not have.</summary>
    VariableMissing,
    /// <summary>The criterion is attested by a role and no determination is recorded.</summary>
    AwaitingAttestation,
    /// <summary>A recorded determination (an SDTM IE record) decided where the rule could not.</summary>
    RecordedDetermination,
    /// <summary>The rule and a recorded determination agree.</summary>
    RuleAndRecordAgree,
    /// <summary>The rule's own outcome contradicts a recorded determination: a data-quality finding for a person.</summary>
    Discrepancy,
}

/// <summary>What kind of data a rule needed and did not find.</summary>
public enum DataGapKind : byte
{
    /// <summary>The study has no such domain.</summary>
    DomainMissing,
    /// <summary>The study's dataset has no such variable.</summary>
    VariableMissing,
    /// <summary>The subject has no records in the domain.</summary>
    NoSubjectRecords,
}

/// <summary>Data a rule read and did not find: a domain, a variable (DOMAIN.VARIABLE) or the subject's records of a domain.</summary>
/// <param name="Kind">What is missing.</param>
/// <param name="Name">The domain, or DOMAIN.VARIABLE.</param>
public readonly record struct DataGap(DataGapKind Kind, string Name)
{
    /// <summary>The gap in words.</summary>
    public override string ToString() => Kind switch
    {
        DataGapKind.DomainMissing => $"the study has no {Name} domain",
        DataGapKind.VariableMissing => $"the study's data have no variable {Name}",
        _ => $"no {Name} records for this subject",
    };
}
