using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ProtocolEngine.Cli.Tests.BadInput;

/// <summary>
/// The bad-input corpus: every folder under Cases/&lt;class&gt;/&lt;case&gt;/ runs the real command line on a fresh
/// copy of its files (see <see cref="BadInputCase"/>) and must give the exit code its case.txt names, one error
/// line matching its pattern that names the file and the place in it, no .NET type name or stack trace anywhere
/// in the output, no file of the case (or any path named on the command line) written or changed, nothing left
/// behind by a run that failed (exit code 2 or more; exit code 1 means findings, with their reports), and an end
/// within its time limit.
/// </summary>
public sealed class BadInputCorpusTests
{
    private static readonly Regex Place = new(@"\b(line|record|row|offset|column|byte|observation|entry|instance)\s+\d+|\(\d+,\d+\)|\bvariable [A-Z]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex Internals = new(@"\b(System|Microsoft|ProtocolEngine|Spectre|Npgsql|Dapper|Antlr4|SQLitePCL)\.[A-Z][A-Za-z]+|[A-Za-z]Exception\b|^\s+at \S+\(|^\s+at \S+ in |--- End of", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in BadInputCase.All()) data.Add(name);
        return data;
    }

    [Fact]
    public void TheCorpusHasCasesForEveryClass()
    {
        var classes = BadInputCase.All().Select(n => n.Split('/')[0]).Distinct().ToList();
        Assert.True(classes.Count >= 10, "classes: " + string.Join(", ", classes));
        foreach (var name in BadInputCase.All()) BadInputCase.Read(name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_BehavesAsItsCaseFileSays(string name)
    {
        var c = BadInputCase.Read(name);
        var work = Path.Combine(Path.GetTempPath(), "pe-bad-input", Guid.NewGuid().ToString("N")[..10]);
        var copy = Path.Combine(work, "case");
        var tmp = Path.Combine(work, "tmp");
        Directory.CreateDirectory(tmp);
        try
        {
            Copy(c.Folder, copy);
            foreach (var (grown, bytes) in c.Grows) Grow(Path.Combine(copy, grown), bytes);
            // Git keeps no empty folders, so the folder a link or pipe sits in is made here.
            foreach (var fifo in c.Fifos) Run("mkfifo", InFolder(Path.Combine(copy, fifo)));
            foreach (var (link, target) in c.Symlinks) File.CreateSymbolicLink(InFolder(Path.Combine(copy, link)), Expand(target, copy, tmp));
            var args = c.Args.Select(a => Expand(a, copy, tmp)).ToList();
            var environment = c.Environment.ToDictionary(kv => kv.Key, kv => kv.Value is null ? null : Expand(kv.Value, copy, tmp));
            var outside = args.Where(a => Path.IsPathRooted(a) && !a.StartsWith(copy, StringComparison.Ordinal) && !a.StartsWith(tmp, StringComparison.Ordinal) && Exists(a)).ToList();

            var before = Snapshot(copy, c.Fifos);
            var outsideBefore = Stat(outside);
            var result = CliProcess.Run(args, tmp, c.Timeout, environment);
            var transcript = $"case {name}: {c.Description}\nargs: {string.Join(' ', args)}\nexit {result.ExitCode} in {result.Elapsed.TotalSeconds:F1} s\n--- stdout ---\n{result.Out}\n--- stderr ---\n{result.Error}";

            Assert.False(result.TimedOut, $"did not finish within {c.Timeout.TotalSeconds:F0} s\n{transcript}");
            Assert.True(result.ExitCode == c.Exit, $"exit code {result.ExitCode}, expected {c.Exit}\n{transcript}");
            var internals = Internals.Match(result.Out + "\n" + result.Error);
            Assert.False(internals.Success, $"the output shows .NET internals: '{internals.Value}'\n{transcript}");
            foreach (var (sized, bytes) in c.MaxSizes)
            {
                var path = Expand(sized, copy, tmp);
                Assert.True(File.Exists(path), $"{path} was not written\n{transcript}");
                long size = new FileInfo(path).Length;
                Assert.True(size <= bytes, $"{path} has {size:N0} bytes, more than {bytes:N0}\n{transcript}");
            }
            foreach (var absent in c.Absent)
                Assert.False(absent.IsMatch(result.Out + "\n" + result.Error), $"the output shows /{absent}/, which it must not\n{transcript}");

            if (c.Error is { } pattern)
            {
                var lines = (result.Error + "\n" + result.Out).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
                var line = lines.FirstOrDefault(pattern.IsMatch);
                Assert.True(line is not null, $"no line matches /{pattern}/\n{transcript}");
                if (c.Locate is "place" or "file")
                {
                    var named = new[] { copy, tmp, Shared, CliRunner.Root }.Any(p => line!.Contains(p, StringComparison.Ordinal))
                                || outside.Any(p => line!.Contains(p, StringComparison.Ordinal));
                    Assert.True(named, $"the error line names no file of the run: {line}\n{transcript}");
                }
                if (c.Locate == "place")
                    Assert.True(Place.IsMatch(line!), $"the error line names no line, record, offset, column or variable: {line}\n{transcript}");
            }

            var after = Snapshot(copy, c.Fifos);
            foreach (var (path, state) in before)
                Assert.True(after.TryGetValue(path, out var now) && now == state, $"{path} was {(after.ContainsKey(path) ? "changed" : "removed")} ({state} -> {now})\n{transcript}");
            var added = after.Keys.Except(before.Keys).ToList();
            Assert.True(added.Count == 0, $"new in the case folder: {string.Join(", ", added)}\n{transcript}");
            var outsideAfter = Stat(outside);
            foreach (var p in outside)
                Assert.True(outsideBefore[p] == outsideAfter[p], $"{p} changed: {outsideBefore[p]} -> {outsideAfter[p]}\n{transcript}");
            if (c.Exit >= 2)
            {
                var left = Directory.EnumerateFileSystemEntries(tmp, "*", SearchOption.AllDirectories).ToList();
                Assert.True(left.Count == 0, $"the failed run left files behind: {string.Join(", ", left)}\n{transcript}");
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string Shared => Path.GetFullPath(Path.Combine(CliRunner.Root, "..", "shared", "data"));

    private static string Expand(string text, string copy, string tmp) => text
        .Replace("{case}", copy, StringComparison.Ordinal)
        .Replace("{shared}", Shared, StringComparison.Ordinal)
        .Replace("{repo}", CliRunner.Root, StringComparison.Ordinal)
        .Replace("{tmp}", tmp, StringComparison.Ordinal);

    // Replaces a file's last line (a template) with copies of it numbered 1, 2, ... in place of {n}, up to a size.
    private static void Grow(string path, long bytes)
    {
        var lines = File.ReadAllLines(path);
        File.WriteAllLines(path, lines[..^1]);
        using var writer = new StreamWriter(path, append: true);
        long size = new FileInfo(path).Length;
        for (long n = 1; size < bytes; n++)
        {
            var line = lines[^1].Replace("{n}", n.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) + "\n";
            writer.Write(line);
            size += System.Text.Encoding.UTF8.GetByteCount(line);
        }
    }

    private static string InFolder(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    // Copies a case folder, keeping symbolic links as links (a case may hold one); case.txt stays behind.
    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link) File.CreateSymbolicLink(target, link);
            else if (entry is DirectoryInfo) Copy(entry.FullName, target);
            else if (entry.Name != "case.txt") File.Copy(entry.FullName, target);
        }
    }

    // Every entry of the case folder: its kind, and for files its size, hash and modification time.
    private static Dictionary<string, string> Snapshot(string root, IReadOnlyList<string> fifos)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var special = fifos.Select(f => Path.GetFullPath(Path.Combine(root, f))).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, entry.FullName);
            entry.Refresh();
            result[relative] = entry.LinkTarget is { } link ? $"link -> {link}"
                : entry is DirectoryInfo ? "folder"
                : special.Contains(entry.FullName) ? Stat([entry.FullName])[entry.FullName]
                : $"file {((FileInfo)entry).Length} bytes sha256 {Hash(entry.FullName)} mtime {entry.LastWriteTimeUtc:O}";
        }
        return result;
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream))[..16];
    }

    // The kind (regular file, FIFO, character device, link), size and modification time of paths, as stat(1) reports them.
    private static Dictionary<string, string> Stat(IReadOnlyList<string> paths)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (paths.Count == 0) return result;
        var output = Run("stat", ["-c", "%n|%F|%s|%.9Y", .. paths]);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('|', 2);
            result[parts[0]] = parts[1];
        }
        foreach (var p in paths) result.TryAdd(p, "missing");
        return result;
    }

    private static string Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
