namespace ProtocolEngine.LanguageService.Tests.Infrastructure;

/// <summary>The lines one text lost and gained against another (longest common subsequence of lines).</summary>
public static class LineDiff
{
    public static (List<string> Removed, List<string> Added) Of(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
            for (int j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var removed = new List<string>();
        var added = new List<string>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y])) added.Add(b[y++]);
            else removed.Add(a[x++]);
        }
        return (removed, added);
    }
}
