using System.Globalization;
using ProtocolEngine.Checks.Results;
using ProtocolEngine.Language.Syntax;

namespace ProtocolEngine.Checks.Reports;

/// <summary>Wording shared by the report writers.</summary>
internal static class ReportText
{
    public static readonly CheckSeverity[] SeverityOrder = [CheckSeverity.Critical, CheckSeverity.Error, CheckSeverity.Warning, CheckSeverity.Notice];

    public static string Severity(CheckSeverity s) => s.ToString().ToLowerInvariant();

    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Outcome(FindingOutcome o) => o == FindingOutcome.Failed ? "failed" : "not evaluable";

    /// <summary>Checks ordered for reading: most severe first, then those with issues, then by id.</summary>
    public static IEnumerable<CheckResult> BySeverity(IEnumerable<CheckResult> checks) =>
        checks.OrderBy(c => Array.IndexOf(SeverityOrder, c.Severity))
            .ThenBy(c => c.Status switch { CheckStatus.ExecutionError => 0, CheckStatus.IssueReported => 1, CheckStatus.Success => 2, _ => 3 })
            .ThenBy(c => c.Id, StringComparer.Ordinal);

    public static string Sequence(double? seq) => seq?.ToString("R", CultureInfo.InvariantCulture) ?? "";
}
