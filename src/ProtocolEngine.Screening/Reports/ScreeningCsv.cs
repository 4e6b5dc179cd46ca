using System.Text;
using ProtocolEngine.Runtime.Eligibility;

namespace ProtocolEngine.Screening.Reports;

/// <summary>Writes a screening as CSV: one row per subject with its status, each criterion's outcome and the reasons.</summary>
public static class ScreeningCsv
{
    /// <summary>Writes the header (USUBJID, STATUS, one column per criterion id, REASONS) and one row per subject.</summary>
    public static void Write(ScreeningResult result, TextWriter writer)
    {
        var header = new List<string> { "USUBJID", "STATUS" };
        header.AddRange(result.Criteria.Select(c => c.Id));
        header.Add("REASONS");
        writer.WriteLine(string.Join(',', header.Select(Quote)));
        var line = new StringBuilder();
        for (int i = 0; i < result.SubjectCount; i++)
        {
            line.Clear();
            line.Append(Quote(result.SubjectId(i))).Append(',').Append(result.Status(i));
            for (int j = 0; j < result.Criteria.Count; j++) line.Append(',').Append(result.Outcome(i, j));
            var reasons = result.Status(i) == EligibilityStatus.Eligible ? "" : string.Join("; ", result.Subject(i).Reasons);
            line.Append(',').Append(Quote(reasons));
            writer.WriteLine(line);
        }
    }

    /// <summary>Quotes a CSV field when it holds a comma, quote or line break (RFC 4180).</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
