namespace ProtocolEngine.Runtime.Eligibility;

/// <summary>One subject's eligibility over the criteria evaluated.</summary>
/// <param name="SubjectId">USUBJID.</param>
/// <param name="Status">Eligible, Ineligible or NeedsReview.</param>
/// <param name="Criteria">Every criterion evaluated, in protocol order.</param>
/// <param name="Reasons">Why the status is not Eligible: one sentence per criterion that is not passing.</param>
/// <param name="AwaitsAttestationOnly">
/// True when the subject needs review only for attestations: every criterion not passing awaits a person's
/// attestation (eligible on the data).
/// </param>
public sealed record SubjectEligibility(string SubjectId, EligibilityStatus Status, IReadOnlyList<CriterionResult> Criteria, IReadOnlyList<string> Reasons, bool AwaitsAttestationOnly);
