namespace ProtocolEngine.Language.Tests.Infrastructure;

/// <summary>
/// Compares text with a committed baseline file. On a difference the actual text is written next to the
/// baseline and the failure message gives the `cp` command that accepts it; with
/// PROTOCOLENGINE_UPDATE_BASELINES=1 the baseline is rewritten instead.
/// </summary>
public static class Baseline
{
    public static bool UpdateRequested => Environment.GetEnvironmentVariable("PROTOCOLENGINE_UPDATE_BASELINES") == "1";

    public static void AssertMatches(string expectedPath, string actual)
    {
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        var actualPath = Path.ChangeExtension(expectedPath, null) + ".actual" + Path.GetExtension(expectedPath);
        if (UpdateRequested)
        {
            File.WriteAllText(expectedPath, actual);
            if (File.Exists(actualPath)) File.Delete(actualPath);
            return;
        }
        var expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (expected == actual)
        {
            if (File.Exists(actualPath)) File.Delete(actualPath);
            return;
        }
        File.WriteAllText(actualPath, actual);
        Assert.Fail($"Baseline {Path.GetFileName(expectedPath)} differs. Review the difference, then accept it with:\n" +
                    $"  cp \"{actualPath}\" \"{expectedPath}\"\n" +
                    $"or rewrite every baseline with PROTOCOLENGINE_UPDATE_BASELINES=1 dotnet test.");
    }
}
