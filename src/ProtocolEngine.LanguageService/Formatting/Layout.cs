using System.Collections.Immutable;
using System.Text;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.LanguageService.Formatting;

/// <summary>What may happen in the gap before a token.</summary>
internal enum Gap
{
    /// <summary>The author's line break is kept (inside rules and lists).</summary>
    Keep,
    /// <summary>Same line as the token before (unless a line comment ends that line).</summary>
    Join,
    /// <summary>A new line at a structural indentation.</summary>
    Required,
    /// <summary>A list element (codes, a list's items): the list fills its lines, breaking only where a line would be too long.</summary>
    Fill,
}

/// <summary>How a region indents its continuation lines.</summary>
internal enum RegionKind
{
    /// <summary>Two more than the line it starts on, and two more per earlier line with a bracket still open.</summary>
    Expression,
    /// <summary>A list (codes, obligations): the same as the line it starts on, and two more per open bracket line.</summary>
    List,
    /// <summary>A state's clauses: two more than the column of its first clause.</summary>
    Clauses,
}

/// <summary>A stretch of tokens whose continuation lines indent together.</summary>
/// <param name="First">Its first token.</param>
/// <param name="Last">Its last token.</param>
/// <param name="Kind">How it indents.</param>
internal sealed record Region(int First, int Last, RegionKind Kind);

/// <summary>
/// The formatter's engine: per-gap decisions and regions (set by <see cref="Annotator"/> from the syntax tree), then
/// line breaking, indentation, spacing, column alignment and breaking of long lines, repeated until every breakable line fits.
/// </summary>
internal sealed class Layout
{
    private readonly string _text;
    private readonly int[] _newlines;

    public Layout(string text, ImmutableArray<SyntaxToken> tokens)
    {
        _text = text;
        Tokens = tokens;
        int n = tokens.Length;
        Gaps = new Gap[n];
        Indents = new int[n];
        NoSpace = new bool[n];
        NoBreak = new bool[n];
        Cells = new (int Run, int Column)?[n];
        _newlines = new int[n];
        for (int i = 0; i < n; i++)
        {
            int from = i == 0 ? 0 : tokens[i - 1].Span.End;
            for (int k = from; k < tokens[i].Span.Start; k++)
                if (text[k] == '\n' || text[k] == '\r' && (k + 1 >= text.Length || text[k + 1] != '\n')) _newlines[i]++;
        }
        Breaks = new bool[n];
    }

    public ImmutableArray<SyntaxToken> Tokens { get; }

    public Gap[] Gaps { get; }

    /// <summary>The indentation of a <see cref="Gap.Required"/> line.</summary>
    public int[] Indents { get; }

    /// <summary>No space before the token when on the same line as the one before.</summary>
    public bool[] NoSpace { get; }

    /// <summary>Never a line break before the token inside a region (a comma, a dot, an argument list).</summary>
    public bool[] NoBreak { get; }

    /// <summary>The token starts an aligned column: the run (consecutive rows of one kind) and the column's order.</summary>
    public (int Run, int Column)?[] Cells { get; }

    public List<Region> Regions { get; } = [];

    private bool[] Breaks { get; }

    /// <summary>The index of the code token starting at an offset, or -1.</summary>
    public int At(int offset)
    {
        int lo = 0, hi = Tokens.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (Tokens[mid].Span.Start == offset) return mid;
            if (Tokens[mid].Span.Start < offset) lo = mid + 1;
            else hi = mid - 1;
        }
        return -1;
    }

    /// <summary>The index of the last token ending at or before an offset.</summary>
    public int LastBefore(int end)
    {
        int lo = 0, hi = Tokens.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (Tokens[mid].Span.End <= end)
            {
                found = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        return found;
    }

    // ---------------------------------------------------------------- rendering

    private sealed class Line
    {
        public int First;
        public int Last;            // last token of the line, trailing comment included
        public int? Comment;        // a trailing comment
        public int Indent;
        public bool Blank;          // a blank line before it
        public readonly List<int> Offsets = [];  // column of each token within the content (from the indent), comment excluded
        public StringBuilder Content = new();
    }

    public string Render()
    {
        int n = Tokens.Length;
        for (int i = 0; i < n; i++) Breaks[i] = i == 0 || InitialBreak(i);
        for (int attempt = 0; ; attempt++)
        {
            var lines = BuildLines();
            if (attempt > n || !BreakLongLine(lines)) return Write(lines);
        }
    }

    private bool InitialBreak(int i)
    {
        var previous = Tokens[i - 1];
        if (previous.Kind == SyntaxTokenKind.LineComment) return true;
        if (Tokens[i].IsComment) return _newlines[i] > 0;
        if (previous.Kind == SyntaxTokenKind.BlockComment && _newlines[i] > 0) return true;
        return Gaps[i] switch
        {
            Gap.Required => true,
            Gap.Keep => _newlines[i] > 0 && !NoBreak[i],
            _ => false,
        };
    }

    private List<Line> BuildLines()
    {
        var lines = new List<Line>();
        for (int i = 0; i < Tokens.Length; i++)
        {
            if (Breaks[i]) lines.Add(new Line { First = i, Blank = i > 0 && _newlines[i] >= 2 });
            lines[^1].Last = i;
        }
        foreach (var line in lines)
        {
            // A comment after code on the same line is a trailing comment, aligned separately.
            if (line.Last > line.First && Tokens[line.Last].Kind == SyntaxTokenKind.LineComment) line.Comment = line.Last;
            int end = line.Comment is { } c ? c - 1 : line.Last;
            for (int i = line.First; i <= end; i++)
            {
                if (i > line.First && Spaced(i)) line.Content.Append(' ');
                line.Offsets.Add(line.Content.Length);
                line.Content.Append(Tokens[i].Text);
            }
        }
        Indent(lines);
        return lines;
    }

    private bool Spaced(int i) => !NoSpace[i] || Tokens[i].IsComment || Tokens[i - 1].IsComment;

    private void Indent(List<Line> lines)
    {
        var lineOf = new int[Tokens.Length];
        for (int l = 0; l < lines.Count; l++)
            for (int i = lines[l].First; i <= lines[l].Last; i++) lineOf[i] = l;
        var opener = Openers();
        var scans = new Dictionary<Region, BracketScan>(ReferenceEqualityComparer.Instance);
        var known = new bool[lines.Count];
        // Structural lines first: aligned rows need their indentation, and state continuations their rows' columns.
        for (int l = 0; l < lines.Count; l++)
        {
            var anchor = Anchor(lines[l]);
            if (anchor is { } a && Breaks[a] && Gaps[a] == Gap.Required && a == lines[l].First)
            {
                lines[l].Indent = Indents[a];
                known[l] = true;
            }
        }
        Align(lines, known);
        for (int l = 0; l < lines.Count; l++)
        {
            if (known[l]) continue;
            var line = lines[l];
            if (Anchor(line) is not { } anchor) continue;
            if (Gaps[anchor] == Gap.Required)
            {
                line.Indent = Indents[anchor];
            }
            else if (IsCloser(anchor) && opener[anchor] >= 0)
            {
                line.Indent = lines[lineOf[opener[anchor]]].Indent;
            }
            else if (Enclosing(anchor) is { } region)
            {
                int regionLine = lineOf[region.First];
                if (region.Kind == RegionKind.Clauses)
                {
                    var row = lines[regionLine];
                    line.Indent = row.Indent + row.Offsets[region.First - row.First] + 2;
                }
                else
                {
                    // A bracket left open on the region's first line is what the first continuation indent stands for.
                    int open = OpenLines(anchor, region, lineOf, l, regionLine, scans);
                    line.Indent = lines[regionLine].Indent + (region.Kind == RegionKind.List ? 0 : 2) + 2 * open;
                }
            }
            else
            {
                line.Indent = l > 0 ? lines[l - 1].Indent + 2 : 0;
            }
            known[l] = true;
        }
        // A line of comments only takes the indentation of the code that follows it.
        int next = 0;
        for (int l = lines.Count - 1; l >= 0; l--)
        {
            if (Anchor(lines[l]) is null) lines[l].Indent = next;
            else next = lines[l].Indent;
        }
    }

    private int? Anchor(Line line)
    {
        for (int i = line.First; i <= line.Last; i++)
            if (!Tokens[i].IsComment) return i;
        return null;
    }

    /// <summary>The innermost region holding a token that does not start at it.</summary>
    private Region? Enclosing(int token)
    {
        Region? best = null;
        foreach (var r in Regions)
            if (r.First < token && token <= r.Last && (best is null || r.First >= best.First && r.Last <= best.Last)) best = r;
        return best;
    }

    /// <summary>How many earlier lines of a region hold a bracket still open at a token.</summary>
    /// <remarks>
    /// Lines come in order, so each region's brackets are scanned once per layout, from where the last line of the region
    /// left off: rescanning from the region's start for every line made a rule of thousands of lines take minutes.
    /// </remarks>
    private int OpenLines(int token, Region region, int[] lineOf, int currentLine, int firstLine, Dictionary<Region, BracketScan> scans)
    {
        if (!scans.TryGetValue(region, out var scan) || scan.Next > token) scans[region] = scan = new BracketScan { Next = region.First };
        for (; scan.Next < token; scan.Next++)
        {
            int i = scan.Next;
            if (IsOpener(i)) scan.Open.Push(i);
            else if (IsCloser(i) && scan.Open.Count > 0) scan.Open.Pop();
        }
        // The stack holds brackets from the innermost (latest) out, so their lines come in descending order: count the distinct ones.
        int count = 0, last = -1;
        foreach (var o in scan.Open)
        {
            int line = lineOf[o];
            if (line == last || line >= currentLine || line == firstLine) continue;
            last = line;
            count++;
        }
        return count;
    }

    /// <summary>The brackets open before <see cref="Next"/>, scanning a region from its first token.</summary>
    private sealed class BracketScan
    {
        public int Next;
        public readonly Stack<int> Open = new();
    }

    private bool IsOpener(int i) => Tokens[i].Text is "(" or "[" or "{" || Tokens[i].Text == "case" && Tokens[i].Kind == SyntaxTokenKind.Keyword;

    private bool IsCloser(int i) => Tokens[i].Text is ")" or "]" or "}" || Tokens[i].Text == "end" && (i + 1 >= Tokens.Length || Tokens[i + 1].Text != "of");

    private int[] Openers()
    {
        var result = new int[Tokens.Length];
        Array.Fill(result, -1);
        var stack = new Stack<int>();
        for (int i = 0; i < Tokens.Length; i++)
        {
            if (IsOpener(i)) stack.Push(i);
            else if (IsCloser(i) && stack.Count > 0)
            {
                // `end` closes a case only.
                if (Tokens[i].Text == "end" && Tokens[stack.Peek()].Text != "case") continue;
                result[i] = stack.Pop();
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- alignment

    private void Align(List<Line> lines, bool[] known)
    {
        // Rows: lines whose anchor starts a structural line and that hold cells; runs: consecutive rows of one run id.
        var rows = new List<(int Line, int Run, List<(int Column, int Token)> Cells)>();
        for (int l = 0; l < lines.Count; l++)
        {
            if (!known[l]) continue;
            var line = lines[l];
            int end = line.Comment is { } c ? c - 1 : line.Last;
            var cells = new List<(int, int)>();
            int run = -1;
            for (int i = line.First; i <= end; i++)
                if (Cells[i] is { } cell)
                {
                    run = cell.Run;
                    cells.Add((cell.Column, i));
                }
            if (cells.Count > 0) rows.Add((l, run, cells));
        }
        int start = 0;
        while (start < rows.Count)
        {
            int stop = start + 1;
            while (stop < rows.Count && rows[stop].Run == rows[start].Run && Contiguous(lines, rows[stop - 1].Line, rows[stop].Line)) stop++;
            AlignRun(lines, rows.GetRange(start, stop - start));
            start = stop;
        }
    }

    // Rows of a run are separated by nothing but their own continuation lines and comment lines: a blank line ends a run.
    private bool Contiguous(List<Line> lines, int from, int to)
    {
        for (int l = from + 1; l <= to; l++)
            if (lines[l].Blank) return false;
        return true;
    }

    private void AlignRun(List<Line> lines, List<(int Line, int Run, List<(int Column, int Token)> Cells)> rows)
    {
        var columns = rows.SelectMany(r => r.Cells.Select(c => c.Column)).Distinct().Order().ToList();
        // Segments of each row: the text from one cell's start to the next cell's start (the text before the first cell is its head).
        var texts = rows.Select(r => lines[r.Line].Content.ToString()).ToArray();
        var rebuilt = rows.Select((r, k) => new StringBuilder(texts[k][..SegmentStart(lines[r.Line], r.Cells[0].Token)].TrimEnd())).ToArray();
        var newOffsets = rows.Select(r => new Dictionary<int, int>()).ToArray();
        foreach (var column in columns)
        {
            int position = 0;
            for (int k = 0; k < rows.Count; k++)
                if (rows[k].Cells.Any(c => c.Column == column)) position = Math.Max(position, rebuilt[k].Length + 1);
            for (int k = 0; k < rows.Count; k++)
            {
                int index = rows[k].Cells.FindIndex(c => c.Column == column);
                if (index < 0) continue;
                var line = lines[rows[k].Line];
                int from = SegmentStart(line, rows[k].Cells[index].Token);
                int to = index + 1 < rows[k].Cells.Count ? SegmentStart(line, rows[k].Cells[index + 1].Token) : texts[k].Length;
                rebuilt[k].Append(' ', position - rebuilt[k].Length);
                newOffsets[k][rows[k].Cells[index].Token] = rebuilt[k].Length - from;
                rebuilt[k].Append(texts[k][from..to].TrimEnd());
            }
        }
        for (int k = 0; k < rows.Count; k++)
        {
            var line = lines[rows[k].Line];
            // Token offsets after each cell start shift by that cell's padding.
            int shift = 0;
            for (int i = line.First; i < line.First + line.Offsets.Count; i++)
            {
                if (newOffsets[k].TryGetValue(i, out var s)) shift = s;
                line.Offsets[i - line.First] += shift;
            }
            line.Content = rebuilt[k];
        }
    }

    private static int SegmentStart(Line line, int token) => line.Offsets[token - line.First];

    // ---------------------------------------------------------------- long lines

    private static readonly HashSet<string> PreferredBreaks = new(StringComparer.Ordinal)
    {
        "and", "or", "xor", "implies", "where", "return", "sort", "with", "without", "let", "then", "else", "union", "intersect", "except",
    };

    private static readonly HashSet<string> Comparisons = new(StringComparer.Ordinal) { "=", "!=", "~", "!~", "<", "<=", ">", ">=", "in", "contains" };

    private static readonly HashSet<string> Arithmetic = new(StringComparer.Ordinal) { "+", "-", "*", "/", "&", "div", "mod" };

    /// <summary>Breaks the first line that is too long and can be broken; false when there is none.</summary>
    /// <remarks>
    /// A continuation line of thousands of terms (a 20,000-term sum) would take one pass over the whole text per break:
    /// where the next line is certain to get this line's indentation (it starts in the same region, at bracket depth 0
    /// of this line, after no bracket of an earlier line closed) and the piece before the break fits, the rest of the line
    /// is broken in the same pass, exactly where a pass of its own would break it.
    /// </remarks>
    private bool BreakLongLine(List<Line> lines)
    {
        foreach (var line in lines)
        {
            int width = line.Indent + line.Content.Length + (line.Comment is { } c ? 2 + Tokens[c].Text.Length : 0);
            if (width <= ProtocolFormatter.MaxWidth) continue;
            int end = line.Comment is { } cm ? cm - 1 : line.Last;
            var (costs, flat, cheapest) = Costs(line, end);
            if (cheapest[0] == int.MaxValue) continue;
            var region = ContinuationRegion(line);
            for (int from = line.First; ;)
            {
                var (best, fits) = BestBreak(line, from, end, costs, cheapest);
                Breaks[best] = true;
                if (!fits || !flat[best - line.First] || region is null || line.Comment is not null || IsCloser(best) || _newlines[best] >= 2
                    || !ReferenceEquals(Enclosing(best), region)) break;
                if (line.Indent + line.Content.Length - line.Offsets[best - line.First] <= ProtocolFormatter.MaxWidth) break;
                if (cheapest[best - line.First] == int.MaxValue) break;
                from = best;
            }
            return true;
        }
        return false;
    }

    /// <summary>
    /// What breaking a line before each of its tokens costs (int.MaxValue where it cannot break): outermost first; at one
    /// depth and/or, query clauses and commas before comparisons, comparisons before arithmetic. Also whether each token
    /// is at depth 0 with no bracket of an earlier line closed before it, and the cheapest cost after each token.
    /// </summary>
    private (int[] Costs, bool[] Flat, int[] Cheapest) Costs(Line line, int end)
    {
        int count = end - line.First + 1;
        var costs = new int[count];
        var flat = new bool[count];
        var cheapest = new int[count + 1];
        int depth = 0;
        bool closedEarlier = false;
        for (int i = line.First; i <= end; i++)
        {
            int k = i - line.First;
            costs[k] = int.MaxValue;
            flat[k] = depth == 0 && !closedEarlier;
            if (i > line.First && CanBreak(i))
            {
                int kind = PreferredBreaks.Contains(Tokens[i].Text) && Tokens[i].Kind == SyntaxTokenKind.Keyword || Tokens[i - 1].Text == "," ? 0
                    : Comparisons.Contains(Tokens[i].Text) ? 1
                    : Arithmetic.Contains(Tokens[i].Text) ? 3 : -1;
                if (kind >= 0) costs[k] = 2 * depth + kind;
            }
            if (IsOpener(i)) depth++;
            else if (IsCloser(i))
            {
                closedEarlier |= depth == 0;
                depth = Math.Max(0, depth - 1);
            }
        }
        // cheapest[k]: the least cost at a token after the k-th (cheapest[0] covers the whole line after its first token).
        cheapest[count] = int.MaxValue;
        for (int k = count - 1; k >= 0; k--) cheapest[k] = Math.Min(cheapest[k + 1], k + 1 < count ? costs[k + 1] : int.MaxValue);
        return (costs, flat, cheapest);
    }

    /// <summary>
    /// Where the part of a line from a token breaks: at the cheapest cost, the last such break that leaves the part short
    /// enough, else the last one. Only the tokens up to that point are looked at, so peeling a long line stays linear.
    /// </summary>
    private (int Best, bool Fits) BestBreak(Line line, int from, int end, int[] costs, int[] cheapest)
    {
        int least = cheapest[from - line.First];
        int origin = line.Offsets[from - line.First];
        int best = -1;
        bool bestFits = false;
        for (int i = from + 1; i <= end; i++)
        {
            bool fits = line.Indent + line.Offsets[i - line.First] - origin <= ProtocolFormatter.MaxWidth;
            if (!fits && bestFits) break;
            if (costs[i - line.First] == least)
            {
                best = i;
                bestFits = fits;
            }
        }
        return (best, bestFits);
    }

    /// <summary>The region whose continuation indentation a line has (as <see cref="Indent"/> gives it), or null for any other line.</summary>
    private Region? ContinuationRegion(Line line)
    {
        if (Anchor(line) is not { } anchor || Gaps[anchor] == Gap.Required || IsCloser(anchor)) return null;
        return Enclosing(anchor) is { Kind: not RegionKind.Clauses } region && region.First < line.First ? region : null;
    }

    // Rules and lists break; a state's clauses (a role list, a task's title) stay as the author wrote them.
    private bool CanBreak(int i) => !Breaks[i] && Gaps[i] is Gap.Keep or Gap.Fill && !NoBreak[i] && !Tokens[i].IsComment && !Tokens[i - 1].IsComment
        && Enclosing(i)?.Kind != RegionKind.Clauses;

    // ---------------------------------------------------------------- output

    private string Write(List<Line> lines)
    {
        // Trailing comments of consecutive lines align two spaces after the longest line's code.
        var sb = new StringBuilder(_text.Length + 256);
        int l = 0;
        while (l < lines.Count)
        {
            int stop = l;
            if (lines[l].Comment is not null)
                while (stop + 1 < lines.Count && lines[stop + 1].Comment is not null && !lines[stop + 1].Blank) stop++;
            int column = 0;
            for (int k = l; k <= stop; k++) column = Math.Max(column, lines[k].Indent + lines[k].Content.Length + 2);
            for (int k = l; k <= stop; k++)
            {
                var line = lines[k];
                if (line.Blank && sb.Length > 0) sb.Append('\n');
                sb.Append(' ', line.Content.Length == 0 && line.Comment is null ? 0 : line.Indent).Append(line.Content);
                if (line.Comment is { } c) sb.Append(' ', column - line.Indent - line.Content.Length).Append(Tokens[c].Text);
                sb.Append('\n');
            }
            l = stop + 1;
        }
        return sb.ToString();
    }
}
