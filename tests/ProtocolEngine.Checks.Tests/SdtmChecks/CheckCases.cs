namespace ProtocolEngine.Checks.Tests.SdtmChecks;

/// <summary>One check's pass and fail studies, read from cases.txt.</summary>
public sealed record CheckCase(string CheckId, IReadOnlyList<string> Pass, IReadOnlyList<string> Fail, int Line)
{
    public static IReadOnlyList<CheckCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "SdtmChecks", "cases.txt");
        var cases = new List<CheckCase>();
        string? id = null;
        int line = 0, start = 0;
        List<string>? pass = null, fail = null, current = null;
        foreach (var raw in File.ReadLines(path))
        {
            line++;
            var text = raw.Trim();
            if (text.Length == 0 || text.StartsWith('#')) continue;
            if (text.StartsWith("===", StringComparison.Ordinal))
            {
                if (id is not null) cases.Add(new CheckCase(id, pass ?? [], fail ?? [], start));
                id = text[3..].Trim();
                start = line;
                pass = fail = current = null;
            }
            else if (text == "--- pass") current = pass = [];
            else if (text == "--- fail") current = fail = [];
            else if (current is null) throw new FormatException($"cases.txt line {line}: a record outside a pass or fail study.");
            else current.Add(text);
        }
        if (id is not null) cases.Add(new CheckCase(id, pass ?? [], fail ?? [], start));
        return cases;
    }
}
