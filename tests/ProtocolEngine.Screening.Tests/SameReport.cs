using System.Text;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Screening.Tests;

/// <summary>
/// The differential tests' comparison: two screenings must write the same screening JSON byte for byte (outcomes,
/// causes, reasons, evidence in its order, gap lists); a difference fails with the text around the first character
/// that differs, from both sides.
/// </summary>
internal static class SameReport
{
    /// <summary>The screening JSON of a result.</summary>
    public static string Json(ScreeningResult result)
    {
        using var stream = new MemoryStream();
        ScreeningJson.Write(result, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Fails unless both reports are the same, naming the case and each side.</summary>
    public static void Assert(string expected, string actual, string what, string expectedSide, string actualSide)
    {
        if (expected == actual) return;
        int at = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(k => expected[k] != actual[k]);
        int width = Math.Max(expectedSide.Length, actualSide.Length) + 1;
        Xunit.Assert.Fail($"{what}: the reports differ at character {at}:\n{(expectedSide + ":").PadRight(width)} {Excerpt(expected, at)}\n{(actualSide + ":").PadRight(width)} {Excerpt(actual, at)}");
    }

    private static string Excerpt(string text, int at) => text.Substring(Math.Max(0, at - 200), Math.Min(400, text.Length - Math.Max(0, at - 200)));
}
