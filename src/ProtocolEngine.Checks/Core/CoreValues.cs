using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace ProtocolEngine.Checks.Core;

/// <summary>How CORE reads values: missing and blank are empty, numbers compare as numbers, ISO 8601 dates at their precision.</summary>
internal static partial class CoreValues
{
    public static bool IsEmpty(object? v) => v switch
    {
        null => true,
        // As CORE reads values, only an absent or zero-length text is empty (a value of spaces is a value).
        string s => s.Length == 0,
        double d => double.IsNaN(d),
        IReadOnlyList<object?> l => l.Count == 0,
        _ => false,
    };

    public static string? Text(object? v) => v switch
    {
        null => null,
        string s => s,
        double d => CoreRuleEngine.Number(d),
        bool b => b ? "True" : "False",
        IReadOnlyList<object?> l => string.Join(", ", l.Select(Text)),
        _ => v.ToString(),
    };

    public static bool TryNumber(object? v, out double d)
    {
        switch (v)
        {
            case double x: d = x; return true;
            case string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d): return true;
            default: d = 0; return false;
        }
    }

    /// <summary>Equality as CORE's equal_to reads it: numbers numerically, booleans as true/false words, text exactly (or ignoring case).</summary>
    public static bool Equal(object? a, object? b, bool ignoreCase)
    {
        if (IsEmpty(a) || IsEmpty(b)) return false;
        if (a is bool || b is bool) return string.Equals(BoolText(a), BoolText(b), StringComparison.OrdinalIgnoreCase);
        if (TryNumber(a, out var x) && TryNumber(b, out var y)) return x == y;
        return string.Equals(Text(a), Text(b), ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether <paramref name="value"/> equals (as <see cref="Equal"/> reads it) an item of <paramref name="list"/>.
    /// A long list (an operation's distinct USUBJIDs, compared with every DM record) is indexed once per list object,
    /// so containment is not a scan of the list per record (100,000 subjects made that 10^10 comparisons).
    /// </summary>
    public static bool ContainedIn(object? value, IReadOnlyList<object?> list, bool ignoreCase)
    {
        if (IsEmpty(value)) return false;
        if (list.Count <= 16 || value is bool) return list.Any(x => Equal(value, x, ignoreCase));
        var index = (ignoreCase ? IgnoreCaseIndexes : OrdinalIndexes).GetValue(list, l => new ContainmentIndex(l, ignoreCase));
        return index.Contains(value!);
    }

    private static readonly ConditionalWeakTable<IReadOnlyList<object?>, ContainmentIndex> OrdinalIndexes = [];
    private static readonly ConditionalWeakTable<IReadOnlyList<object?>, ContainmentIndex> IgnoreCaseIndexes = [];

    // Mirrors Equal: a boolean item compares as a word, two numbers numerically, anything else by its text.
    private sealed class ContainmentIndex
    {
        private readonly List<object> _booleans = [];
        private readonly HashSet<double> _numbers = [];
        private readonly HashSet<string> _textsOfNonNumbers;
        private readonly HashSet<string> _texts;

        public ContainmentIndex(IReadOnlyList<object?> list, bool ignoreCase)
        {
            var comparer = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
            _textsOfNonNumbers = new HashSet<string>(comparer);
            _texts = new HashSet<string>(comparer);
            foreach (var item in list)
            {
                if (IsEmpty(item)) continue;
                if (item is bool) { _booleans.Add(item); continue; }
                var text = Text(item)!;
                _texts.Add(text);
                if (TryNumber(item, out var d)) _numbers.Add(d == 0 ? 0 : d);
                else _textsOfNonNumbers.Add(text);
            }
        }

        public bool Contains(object value)
        {
            if (_booleans.Count > 0 && _booleans.Any(b => Equal(value, b, ignoreCase: false))) return true;
            var text = Text(value)!;
            return TryNumber(value, out var d)
                ? _numbers.Contains(d == 0 ? 0 : d) || _textsOfNonNumbers.Contains(text)
                : _texts.Contains(text);
        }
    }

    private static string? BoolText(object? v) => v is bool b ? (b ? "true" : "false") : Text(v)?.Trim();

    /// <summary>Compares two values as numbers; null when either is not a number.</summary>
    public static int? CompareNumbers(object? a, object? b) =>
        TryNumber(a, out var x) && TryNumber(b, out var y) ? x.CompareTo(y) : null;

    // ISO 8601 as SDTM writes it: complete or truncated on the right (2014, 2014-03, 2014-03-17T10:30:15.5), with an
    // optional time zone; unknown middle components written as '-' (2014---17, --03-17) are also valid.
    [GeneratedRegex(@"^(?<y>\d{4}|-)(?:-(?<m>\d{2}|-)(?:-(?<d>\d{2}|-)(?:T(?<h>\d{2}|-)(?::(?<mi>\d{2}|-)(?::(?<s>\d{2})(?:\.\d+)?)?)?)?)?)?(?<tz>Z|[+-]\d{2}(?::?\d{2})?)?$")]
    private static partial Regex IsoDate();

    /// <summary>A parsed ISO 8601 date: its components (null when absent or unknown) and whether it is valid.</summary>
    public readonly record struct IsoParts(int? Year, int? Month, int? Day, int? Hour, int? Minute, int? Second, bool Valid);

    public static IsoParts ParseIso(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return default;
        var m = IsoDate().Match(text.Trim());
        if (!m.Success) return default;
        static int? N(Group g) => g.Success && g.Value != "-" ? int.Parse(g.Value, CultureInfo.InvariantCulture) : null;
        var p = new IsoParts(N(m.Groups["y"]), N(m.Groups["m"]), N(m.Groups["d"]), N(m.Groups["h"]), N(m.Groups["mi"]), N(m.Groups["s"]), true);
        if (p.Month is < 1 or > 12 || p.Hour > 23 || p.Minute > 59 || p.Second > 59) return p with { Valid = false };
        if (p.Day is int d && (d < 1 || d > (p.Year is int y && p.Month is int mo ? DateTime.DaysInMonth(y, mo) : 31))) return p with { Valid = false };
        return p;
    }

    /// <summary>True for a date with year, month and day known.</summary>
    public static bool IsCompleteDate(object? v)
    {
        var p = ParseIso(Text(v));
        return p.Valid && p.Year is not null && p.Month is not null && p.Day is not null;
    }

    /// <summary>The date as a point in time, missing components taken as their first value; null when not a valid date with a year.</summary>
    public static DateTime? ToDateTime(object? v)
    {
        var p = ParseIso(Text(v));
        if (!p.Valid || p.Year is not int y) return null;
        return new DateTime(y, p.Month ?? 1, p.Day ?? 1, p.Hour ?? 0, p.Minute ?? 0, p.Second ?? 0, DateTimeKind.Unspecified);
    }

    /// <summary>A date value truncated to a component (year, month, day, hour, minute, second) as text for comparison; null when invalid.</summary>
    public static DateTime? Component(object? v, string? component)
    {
        if (ToDateTime(v) is not DateTime t) return null;
        return component?.ToLowerInvariant() switch
        {
            "year" => new DateTime(t.Year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified),
            "month" => new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified),
            "day" or "date" => t.Date,
            "hour" => new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Unspecified),
            "minute" => new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Unspecified),
            _ => t,
        };
    }

    // ISO 8601 durations: P1Y2M10DT2H30M, P2W, with decimals on the smallest unit.
    [GeneratedRegex(@"^-?P(?=\d|T\d)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?W)?(?:\d+(?:[.,]\d+)?D)?(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?$")]
    private static partial Regex IsoDuration();

    public static bool IsValidDuration(string text) => IsoDuration().IsMatch(text.Trim());

    private static readonly Dictionary<string, Regex> _regexes = new(StringComparer.Ordinal);

    /// <summary>Python's re.match: the pattern matched at the start of the text.</summary>
    /// <exception cref="CoreNotEvaluableException">A pattern that needs backtracking ran past its time budget.</exception>
    public static bool MatchesAtStart(string text, string pattern)
    {
        Regex? re;
        lock (_regexes)
        {
            if (!_regexes.TryGetValue(pattern, out re))
                _regexes[pattern] = re = AnchoredAtStart(pattern);
        }
        try
        {
            return re.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new CoreNotEvaluableException($"the pattern '{pattern}' took more than {re.MatchTimeout.TotalSeconds:0} s on a value of {text.Length} characters");
        }
    }

    // The rules' patterns come from rule files and the values from the study: the linear-time engine keeps a hostile
    // pair from backtracking for ever (a million subjects' values were enough to hit the old 1 s timeout under load).
    // Patterns it cannot run (lookarounds, back-references) fall back to the backtracking engine with a time budget.
    private static Regex AnchoredAtStart(string pattern)
    {
        try
        {
            return new Regex("^(?:" + pattern + ")", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return new Regex(@"\G(?:" + pattern + ")", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>The values of a list, or the one value as a list.</summary>
    public static IReadOnlyList<object?> AsList(object? v) => v switch
    {
        null => [],
        IReadOnlyList<object?> l => l,
        _ => [v],
    };
}
