using System.Text;
using ProtocolEngine.Language.Parsing;

namespace ProtocolEngine.Language.FuzzHost;

/// <summary>
/// Makes mutants of the seed protocols, half token by token (with the compiler's own tokenizer: tokens deleted,
/// duplicated, swapped, replaced or inserted from the shipped protocols' vocabulary, runs of tokens moved, terms nested
/// or chained thousands deep, brackets left open) and half byte by byte (bits flipped, bytes replaced with NUL or
/// invalid UTF-8, ranges deleted, duplicated or overwritten, the text cut short, byte order marks). One seeded random
/// source: the same seed gives the same mutants.
/// </summary>
internal sealed class Mutator(IReadOnlyList<SeedProtocol> seeds, Random random)
{
    private static readonly string[] Extra =
    [
        "(", ")", "[", "]", "{", "}", "'", "\"", "`", ",", ":", ".", "..", "->", "@", "@2014-13-45", "@T25:61", "1e400", "99999999999999999999999",
        "-2147483648", "0.0000000000000000000000001", "'\\u", "/*", "*/", "//", "\u00e9", "\U0001F600", "\0", "null", "Interval[", "List<", "Tuple {",
        "days", "years between", "exists", "where", "such that", "return", "case", "end", "if", "then", "else", "with", "define", "criteria", "workflow",
    ];

    private static readonly byte[] SpecialBytes = [0x00, 0xFF, 0xFE, 0xC0, 0xC3, 0xE2, 0x80, 0xBF, (byte)'\n', (byte)'\r', (byte)'"', (byte)'\'', (byte)'(', (byte)'`', (byte)'{'];

    private readonly string[] _pool =
    [
        .. seeds.SelectMany(s => ProtocolTokenizer.Tokenize(s.Text)).Select(t => t.Text).Where(t => t.Length <= 80).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal),
        .. Extra,
    ];

    /// <summary>The next mutant: what was done, and its bytes.</summary>
    public (string Kind, byte[] Bytes) Next()
    {
        var seed = seeds[random.Next(seeds.Count)];
        var text = Window(seed);
        int count = 1 + random.Next(3);
        var kinds = new List<string>();
        if (random.Next(2) == 0)
        {
            for (int i = 0; i < count; i++) text = MutateTokens(text, kinds);
            return ($"{seed.Name} tokens: {string.Join("; ", kinds)}", Encoding.UTF8.GetBytes(text));
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        for (int i = 0; i < count; i++) bytes = MutateBytes(bytes, kinds);
        return ($"{seed.Name} bytes: {string.Join("; ", kinds)}", bytes);
    }

    private string Window(SeedProtocol seed)
    {
        // One mutant in twenty is a whole file; the others a file's head and a few of its declarations in a row.
        if (random.Next(20) == 0 || seed.Declarations.Count == 0) return seed.Text;
        int length = 1 + random.Next(Math.Min(6, seed.Declarations.Count));
        int start = random.Next(seed.Declarations.Count - length + 1);
        return seed.Head + string.Concat(seed.Declarations.Skip(start).Take(length));
    }

    private string Pool() => _pool[random.Next(_pool.Length)];

    private static string Short(string text) => text.Length <= 24 ? text : text[..24] + "...";

    private string MutateTokens(string text, List<string> kinds)
    {
        var tokens = ProtocolTokenizer.Tokenize(text);
        if (tokens.Length == 0)
        {
            kinds.Add("insert into an empty text");
            return Pool();
        }
        int i = random.Next(tokens.Length);
        var t = tokens[i];
        string Replace(int start, int end, string with) => string.Concat(text.AsSpan(0, start), with, text.AsSpan(end));
        switch (random.Next(20))
        {
            case 0 or 1 or 2:
                kinds.Add($"delete '{Short(t.Text)}'");
                return Replace(t.Span.Start, t.Span.End, "");
            case 3 or 4:
                kinds.Add($"duplicate '{Short(t.Text)}'");
                return Replace(t.Span.Start, t.Span.End, t.Text + " " + t.Text);
            case 5 or 6 when i + 1 < tokens.Length:
                var next = tokens[i + 1];
                kinds.Add($"swap '{Short(t.Text)}' and '{Short(next.Text)}'");
                return text[..t.Span.Start] + next.Text + text[t.Span.End..next.Span.Start] + t.Text + text[next.Span.End..];
            case 7 or 8 or 9 or 10:
                var with = Pool();
                kinds.Add($"replace '{Short(t.Text)}' with '{Short(with)}'");
                return Replace(t.Span.Start, t.Span.End, with);
            case 11 or 12 or 13:
                var inserted = Pool();
                kinds.Add($"insert '{Short(inserted)}'");
                return Replace(t.Span.Start, t.Span.Start, inserted + " ");
            case 14 or 15:
                // A run of tokens moved elsewhere (a clause into another declaration).
                int last = Math.Min(tokens.Length - 1, i + random.Next(12));
                var cut = text[t.Span.Start..tokens[last].Span.End];
                var without = Replace(t.Span.Start, tokens[last].Span.End, "");
                int at = random.Next(without.Length + 1);
                kinds.Add($"move {last - i + 1} tokens from '{Short(t.Text)}'");
                return without[..at] + " " + cut + " " + without[at..];
            case 16:
                int depth = random.Next(4) switch { 0 => 50, 1 => 199, 2 => 250, _ => 2_000 };
                kinds.Add($"nest '{Short(t.Text)}' {depth} deep");
                return Replace(t.Span.Start, t.Span.End, new string('(', depth) + t.Text + new string(')', depth));
            case 17:
                int terms = random.Next(2) == 0 ? 100 : 3_000;
                var op = random.Next(4) switch { 0 => " or ", 1 => " and ", 2 => " + ", _ => " * " };
                kinds.Add($"chain '{Short(t.Text)}' {terms} times with '{op.Trim()}'");
                return Replace(t.Span.Start, t.Span.End, string.Join(op, Enumerable.Repeat(t.Text, terms)));
            case 18:
                int open = random.Next(2) == 0 ? 300 : 5_000;
                var bracket = "([{"[random.Next(3)];
                kinds.Add($"open {open} '{bracket}'");
                return Replace(t.Span.Start, t.Span.Start, new string(bracket, open));
            default:
                kinds.Add($"cut from '{Short(t.Text)}' to the end");
                return text[..t.Span.Start];
        }
    }

    private byte[] MutateBytes(byte[] bytes, List<string> kinds)
    {
        if (bytes.Length == 0)
        {
            kinds.Add("a byte into an empty file");
            return [(byte)random.Next(256)];
        }
        int i = random.Next(bytes.Length);
        int length = 1 + random.Next(Math.Min(64, bytes.Length - i));
        byte Special() => random.Next(2) == 0 ? SpecialBytes[random.Next(SpecialBytes.Length)] : (byte)random.Next(256);
        switch (random.Next(8))
        {
            case 0:
                int bit = random.Next(8);
                kinds.Add($"flip bit {bit} at {i}");
                var flipped = (byte[])bytes.Clone();
                flipped[i] ^= (byte)(1 << bit);
                return flipped;
            case 1:
                var replaced = (byte[])bytes.Clone();
                replaced[i] = Special();
                kinds.Add($"byte {replaced[i]:X2} at {i}");
                return replaced;
            case 2:
                var insert = Enumerable.Range(0, 1 + random.Next(8)).Select(_ => Special()).ToArray();
                kinds.Add($"insert {Convert.ToHexString(insert)} at {i}");
                return [.. bytes.AsSpan(0, i), .. insert, .. bytes.AsSpan(i)];
            case 3:
                kinds.Add($"delete {length} at {i}");
                return [.. bytes.AsSpan(0, i), .. bytes.AsSpan(i + length)];
            case 4:
                int copy = Math.Min(256, bytes.Length - i);
                int to = random.Next(bytes.Length + 1);
                kinds.Add($"copy {copy} from {i} to {to}");
                return [.. bytes.AsSpan(0, to), .. bytes.AsSpan(i, copy), .. bytes.AsSpan(to)];
            case 5:
                kinds.Add($"cut at {i}");
                return bytes[..i];
            case 6:
                byte[] mark = random.Next(3) switch { 0 => [0xEF, 0xBB, 0xBF], 1 => [0xFF, 0xFE], _ => [0xFE, 0xFF] };
                int where = random.Next(2) == 0 ? 0 : i;
                kinds.Add($"byte order mark {Convert.ToHexString(mark)} at {where}");
                return [.. bytes.AsSpan(0, where), .. mark, .. bytes.AsSpan(where)];
            default:
                int from = random.Next(bytes.Length - length + 1);
                kinds.Add($"overwrite {length} at {i} with bytes from {from}");
                var overwritten = (byte[])bytes.Clone();
                Array.Copy(bytes, from, overwritten, i, length);
                return overwritten;
        }
    }
}
