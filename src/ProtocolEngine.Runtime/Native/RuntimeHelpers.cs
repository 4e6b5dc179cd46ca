using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Operators;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Native;

/// <summary>Small runtime helpers the compiled code calls: evidence hooks, list building, decision-table resolution.</summary>
internal static class RuntimeHelpers
{
    /// <summary>
    /// Boxes a nullable value (null stays null). Boxing the value itself takes the JIT's inline allocation, where boxing
    /// the Nullable goes through a slower runtime helper: in screening that helper was a fifth of the time.
    /// </summary>
    public static object? BoxNullable<T>(T? value) where T : struct => value.HasValue ? value.GetValueOrDefault() : null;

    /// <summary>Starts holding the evidence of a query's current record.</summary>
    public static void BeginRow(EvaluationContext ctx) => ctx.Evidence?.BeginRow();

    /// <summary>Keeps the held evidence: the record passed the filters.</summary>
    public static void CommitRow(EvaluationContext ctx) => ctx.Evidence?.CommitRow();

    /// <summary>Drops the held evidence: the record did not pass.</summary>
    public static void DiscardRow(EvaluationContext ctx) => ctx.Evidence?.DiscardRow();

    /// <summary>Notes that a domain was searched and how many records the subject had.</summary>
    public static void Searched(EvaluationContext ctx, string domain, int count) => ctx.Evidence?.Searched(domain, count);

    /// <summary>Adds to a list under construction, checking the list size limit.</summary>
    public static void AddChecked(EvaluationContext ctx, List<object?> list, object? value)
    {
        list.Add(value);
        if ((list.Count & 1023) == 0) ctx.CheckListSize(list.Count);
    }

    /// <summary>Adds a member-access result to a flattened list: nulls are dropped, lists are spread.</summary>
    public static void AddFlattened(List<object?> list, object? value)
    {
        if (value is null) return;
        if (value is IReadOnlyList<object?> inner) list.AddRange(inner);
        else list.Add(value);
    }

    /// <summary>The elements of a query source: a list, or a single value as a list of one (null as none).</summary>
    public static IReadOnlyList<object?> SourceElements(object? source) => source switch
    {
        null => [],
        IReadOnlyList<object?> list => list,
        _ => [source],
    };

    /// <summary>A number in a literal range (In with an interval of literal bounds): null when the number is null.</summary>
    public static bool? InRange(decimal? x, decimal low, bool lowClosed, decimal high, bool highClosed) =>
        x is decimal v ? (lowClosed ? v >= low : v > low) && (highClosed ? v <= high : v < high) : null;

    /// <summary>The first row of a list of records, or −1 when the list is not rows of one table.</summary>
    public static int RangeStart(IReadOnlyList<object?> list) => list is IRecordRange range ? range.Start : -1;

    /// <summary>Marks a query's result uncertain when a source it reads may be missing records.</summary>
    public static void NoteSource(QueryResultList elements, IReadOnlyList<object?> source)
    {
        if (source is IUncertainList { Uncertain: true }) elements.Uncertain = true;
    }

    /// <summary>Sorts by a key compiled once for the whole protocol (it receives the context as its first argument).</summary>
    public static IReadOnlyList<object?> SortBy(EvaluationContext ctx, IReadOnlyList<object?> list, Func<EvaluationContext, object?, object?> key, bool descending) =>
        list.Count <= 1 ? list : Lists.SortBy(list, element => key(ctx, element), descending);

    /// <summary>True when a list may be missing records for want of data.</summary>
    public static bool IsUncertain(IReadOnlyList<object?> list) => list is IUncertainList { Uncertain: true };

    /// <summary>The value of exists over a query consumed as it ran: true when it found an element, else null when records may be missing and the context asks for it, else false.</summary>
    public static bool? ExistsOutcome(EvaluationContext ctx, bool found, bool uncertain) =>
        found ? true : uncertain && ctx.MissingDataIsUnknown ? null : false;

    /// <summary>exists: null instead of false over records missing for want of data, when the context asks for it.</summary>
    public static bool? Exists(EvaluationContext ctx, IReadOnlyList<object?>? list)
    {
        var exists = Lists.Exists(list);
        return exists == false && ctx.MissingDataIsUnknown && list is IUncertainList { Uncertain: true } ? null : exists;
    }

    /// <summary>Count: null instead of a count that may be short for want of data, when the context asks for it.</summary>
    public static int? Count(EvaluationContext ctx, IReadOnlyList<object?>? list) =>
        ctx.MissingDataIsUnknown && list is IUncertainList { Uncertain: true } ? null : Lists.Count(list);

    /// <summary>Resolves the hit policies that look at every row: unique, any and collect.</summary>
    public static object? ResolveTable(HitPolicy policy, List<object?> matches, bool unknown, object? otherwise, bool hasOtherwise, string table)
    {
        // A row that could not be decided means the answer is unknown: never fall through to another row or otherwise.
        if (unknown) return null;
        switch (policy)
        {
            case HitPolicy.Collect:
                return matches.Count == 0 && hasOtherwise ? new List<object?> { otherwise } : matches;
            case HitPolicy.Unique when matches.Count > 1:
                throw new CqlRuntimeException($"Table {table} has hit policy unique but {matches.Count} rows match.");
            case HitPolicy.Any when matches.Skip(1).Any(m => !Cql.Equivalent(m, matches[0])):
                throw new CqlRuntimeException($"Table {table} has hit policy any but matching rows give different results.");
        }
        return matches.Count > 0 ? matches[0] : hasOtherwise ? otherwise : null;
    }

    /// <summary>Builds an interval, rejecting one whose low bound lies after its high bound (Interval[5, 3]).</summary>
    public static CqlInterval Interval(object? low, bool lowClosed, object? high, bool highClosed)
    {
        var interval = new CqlInterval(low, lowClosed, high, highClosed);
        if (low is not null && high is not null && Cql.Compare(Intervals.ClosedLow(interval), Intervals.ClosedHigh(interval)) is > 0)
            throw new CqlRuntimeException($"{interval} is not a valid interval: its start is after its end.");
        return interval;
    }

    /// <summary>Builds a tuple.</summary>
    public static CqlTuple Tuple(string[] names, object?[] values) => new(names, values);

    /// <summary>Builds a code from its parts.</summary>
    public static CqlCode? Code(string? code, string? system, string? version, string? display) => new(code, system, version, display);

    /// <summary>Builds a concept from codes.</summary>
    public static CqlConcept? Concept(IReadOnlyList<object?>? codes, string? display) => new((codes ?? []).OfType<CqlCode>().ToList(), display);

    /// <summary>Builds a quantity (null when the value is null).</summary>
    public static CqlQuantity? Quantity(decimal? value, string? unit) => value is null ? null : new CqlQuantity(value.Value, unit);

    /// <summary>Builds a ratio.</summary>
    public static CqlRatio? Ratio(CqlQuantity? numerator, CqlQuantity? denominator) => numerator is null || denominator is null ? null : new CqlRatio(numerator, denominator);

    /// <summary>Applies an element conversion to every element of a list.</summary>
    public static IReadOnlyList<object?>? MapList(IReadOnlyList<object?>? list, Func<object?, object?> convert) => list?.Select(convert).ToList();

    /// <summary>Applies a point conversion to both bounds of an interval.</summary>
    public static CqlInterval? MapInterval(CqlInterval? interval, Func<object?, object?> convert) =>
        interval is null ? null : new CqlInterval(convert(interval.Low), interval.LowClosed, convert(interval.High), interval.HighClosed);
}
