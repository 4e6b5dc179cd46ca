using System.Text;
using System.Text.RegularExpressions;

namespace ProtocolEngine.Cli.Tests.BadInput;

/// <summary>
/// One case of the bad-input corpus: a folder <c>Cases/&lt;class&gt;/&lt;case&gt;/</c> with input files and a
/// <c>case.txt</c>:
/// <code>
/// # one line: what this case proves
/// args: check {case}/main.protocol
/// exit: 1
/// error: &lt;a .NET regex the one-line error must match&gt;
/// timeout: 60
/// </code>
/// <c>{case}</c> is a fresh temp copy of the folder, <c>{shared}</c> ../shared/data, <c>{repo}</c> the repository
/// root and <c>{tmp}</c> an empty temp folder (the working directory of the run). Optional keys:
/// <c>locate: place</c> (default: the error names a file of the run and a line, record, offset, column or
/// variable), <c>locate: file</c> (a file or folder only), <c>locate: none</c> (usage errors);
/// <c>mkfifo: PATH</c> and <c>symlink: PATH -&gt; TARGET</c> (repeatable, made in the copy before the run, as git
/// cannot hold FIFOs); <c>env: NAME=VALUE</c> (repeatable; <c>NAME=</c> unsets); <c>absent: REGEX</c> (repeatable:
/// must match nowhere in the output, a password for example); <c>max-size: PATH BYTES</c> (repeatable: the file
/// the run wrote, usually under <c>{tmp}</c>, exists and holds at most BYTES); <c>grow: PATH BYTES</c> (repeatable: the
/// file's last line is a template, replaced before the run by copies of it numbered 1, 2, ... in place of <c>{n}</c>
/// until the file holds at least BYTES bytes: a huge input without a huge file in git).
/// </summary>
public sealed record BadInputCase(
    string Name, string Folder, string Description, IReadOnlyList<string> Args, int Exit, Regex? Error, TimeSpan Timeout,
    string Locate, IReadOnlyList<string> Fifos, IReadOnlyList<(string Path, string Target)> Symlinks, IReadOnlyDictionary<string, string?> Environment,
    IReadOnlyList<Regex> Absent, IReadOnlyList<(string Path, long Bytes)> MaxSizes, IReadOnlyList<(string Path, long Bytes)> Grows)
{
    /// <summary>Where the cases are, in the source tree (the harness reads them from there, never from bin).</summary>
    public static string Root => Path.Combine(CliRunner.Root, "tests", "ProtocolEngine.Cli.Tests", "BadInput", "Cases");

    /// <summary>Every case folder, as "class/case".</summary>
    public static IEnumerable<string> All() =>
        Directory.Exists(Root)
            ? Directory.EnumerateFiles(Root, "case.txt", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Root, Path.GetDirectoryName(f)!).Replace('\\', '/'))
                .Where(n => n.Count(c => c == '/') == 1)
                .Order(StringComparer.Ordinal)
            : [];

    /// <summary>Reads a case; a malformed case.txt fails with what is wrong.</summary>
    public static BadInputCase Read(string name)
    {
        var folder = Path.Combine(Root, name);
        var file = Path.Combine(folder, "case.txt");
        var lines = File.ReadAllLines(file, Encoding.UTF8);
        if (lines.Length == 0 || !lines[0].StartsWith('#'))
            throw new FormatException($"{file}: the first line must be '# what this case proves'.");
        string? args = null, exit = null, error = null, timeout = null, locate = null;
        var fifos = new List<string>();
        var links = new List<(string, string)>();
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        var absent = new List<Regex>();
        var sizes = new List<(string, long)>();
        var grows = new List<(string, long)>();
        foreach (var (line, number) in lines.Skip(1).Select((l, i) => (l, i + 2)))
        {
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#')) continue;
            int colon = line.IndexOf(':');
            if (colon <= 0) throw new FormatException($"{file}({number}): expected 'key: value'.");
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "args": args = value; break;
                case "exit": exit = value; break;
                case "error": error = value; break;
                case "timeout": timeout = value; break;
                case "locate": locate = value; break;
                case "mkfifo": fifos.Add(value); break;
                case "absent": absent.Add(new Regex(value, RegexOptions.CultureInvariant)); break;
                case "max-size":
                    var sized = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (sized.Length != 2 || !long.TryParse(sized[1], out long bytes)) throw new FormatException($"{file}({number}): max-size: PATH BYTES");
                    sizes.Add((sized[0], bytes));
                    break;
                case "grow":
                    var grown = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (grown.Length != 2 || !long.TryParse(grown[1], out long target)) throw new FormatException($"{file}({number}): grow: PATH BYTES");
                    grows.Add((grown[0], target));
                    break;
                case "symlink":
                    var parts = value.Split("->", 2, StringSplitOptions.TrimEntries);
                    if (parts.Length != 2) throw new FormatException($"{file}({number}): symlink: PATH -> TARGET");
                    links.Add((parts[0], parts[1]));
                    break;
                case "env":
                    int eq = value.IndexOf('=');
                    if (eq <= 0) throw new FormatException($"{file}({number}): env: NAME=VALUE");
                    env[value[..eq]] = value[(eq + 1)..].Length == 0 ? null : value[(eq + 1)..];
                    break;
                default: throw new FormatException($"{file}({number}): unknown key '{key}'.");
            }
        }
        if (args is null) throw new FormatException($"{file}: 'args:' is required.");
        if (exit is null || !int.TryParse(exit, out int code)) throw new FormatException($"{file}: 'exit:' must be a number.");
        if (locate is not (null or "place" or "file" or "none")) throw new FormatException($"{file}: 'locate:' is place, file or none.");
        return new BadInputCase(name, folder, lines[0].TrimStart('#').Trim(), Split(args), code,
            error is null ? null : new Regex(error, RegexOptions.CultureInvariant),
            TimeSpan.FromSeconds(timeout is null ? 60 : double.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture)),
            locate ?? "place", fifos, links, env, absent, sizes, grows);
    }

    // Arguments split on spaces; double quotes group (a path with spaces, an empty argument "").
    private static List<string> Split(string text)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, any = false;
        foreach (var c in text)
        {
            if (c == '"') { quoted = !quoted; any = true; continue; }
            if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any) result.Add(current.ToString());
                current.Clear();
                any = false;
                continue;
            }
            current.Append(c);
            any = true;
        }
        if (any) result.Add(current.ToString());
        return result;
    }
}
