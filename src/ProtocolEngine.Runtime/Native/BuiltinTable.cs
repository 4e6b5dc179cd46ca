using System.Collections.Frozen;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Operators;
using ProtocolEngine.Runtime.Values;
using IL = System.Collections.Generic.IReadOnlyList<object?>;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// The implementation of every builtin signature of <see cref="ProtocolEngine.Language.Binding.BuiltinCatalog"/>, by key, in
/// one table. A parameter typed <c>T</c> in the signature is <c>object?</c> here, <c>List&lt;T&gt;</c> is
/// <c>IReadOnlyList&lt;object?&gt;</c>, <c>Interval&lt;T&gt;</c> is <see cref="CqlInterval"/>; the compiler inserts
/// the boxing and unboxing. An implementation whose first parameter is an <see cref="EvaluationContext"/> gets the
/// current context.
/// </summary>
internal static class BuiltinTable
{
    private static readonly FrozenDictionary<string, Delegate> Table;
    private static readonly FrozenSet<string> Divisions;

    static BuiltinTable()
    {
        var divisions = new HashSet<string>(StringComparer.Ordinal);
        Table = Build(divisions).ToFrozenDictionary(StringComparer.Ordinal);
        Divisions = divisions.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The implementation of a signature key, or null when there is none.</summary>
    public static Delegate? Find(string key) => Table.TryGetValue(key, out var d) ? d : null;

    /// <summary>
    /// True for a builtin that divides by its last argument (/, div, mod): the backend notes a zero divisor on the
    /// context (<see cref="CheckedDivision"/>) before calling it.
    /// </summary>
    public static bool DividesByLastArgument(string key) => Divisions.Contains(key);

    /// <summary>Every key with an implementation.</summary>
    public static IEnumerable<string> Keys => Table.Keys;

    private static Dictionary<string, Delegate> Build(HashSet<string> divisions)
    {
        var t = new Dictionary<string, Delegate>(StringComparer.Ordinal);
        void R(string key, Delegate d) => t.Add(key, d);
        void D(string key, Delegate d)
        {
            R(key, d);
            divisions.Add(key);
        }

        // Logic and nulls.
        R("And(Boolean,Boolean)", (Func<bool?, bool?, bool?>)Logic.And);
        R("Or(Boolean,Boolean)", (Func<bool?, bool?, bool?>)Logic.Or);
        R("Xor(Boolean,Boolean)", (Func<bool?, bool?, bool?>)Logic.Xor);
        R("Implies(Boolean,Boolean)", (Func<bool?, bool?, bool?>)Logic.Implies);
        R("Not(Boolean)", (Func<bool?, bool?>)Logic.Not);
        R("IsNull(T)", (Func<object?, bool?>)Logic.IsNull);
        R("IsTrue(Boolean)", (Func<bool?, bool?>)Logic.IsTrue);
        R("IsFalse(Boolean)", (Func<bool?, bool?>)Logic.IsFalse);
        R("Coalesce(T,T)", (Func<object?, object?, object?>)Logic.Coalesce);
        R("Coalesce(T,T,T)", (Func<object?, object?, object?, object?>)Logic.Coalesce);
        R("Coalesce(T,T,T,T)", (Func<object?, object?, object?, object?, object?>)Logic.Coalesce);
        R("Coalesce(T,T,T,T,T)", (Func<object?, object?, object?, object?, object?, object?>)Logic.Coalesce);
        R("Coalesce(List<T>)", (Func<IL?, object?>)Logic.Coalesce);

        // Comparison.
        R("Equal(Boolean,Boolean)", (Func<bool?, bool?, bool?>)Comparison.Equal);
        R("Equal(Integer,Integer)", (Func<int?, int?, bool?>)Comparison.Equal);
        R("Equal(Long,Long)", (Func<long?, long?, bool?>)Comparison.Equal);
        R("Equal(Decimal,Decimal)", (Func<decimal?, decimal?, bool?>)Comparison.Equal);
        R("Equal(String,String)", (Func<string?, string?, bool?>)Comparison.Equal);
        R("Equal(T,T)", (Func<object?, object?, bool?>)Comparison.Equal);
        R("NotEqual(Boolean,Boolean)", (Func<bool?, bool?, bool?>)Comparison.NotEqual);
        R("NotEqual(Integer,Integer)", (Func<int?, int?, bool?>)Comparison.NotEqual);
        R("NotEqual(Long,Long)", (Func<long?, long?, bool?>)Comparison.NotEqual);
        R("NotEqual(Decimal,Decimal)", (Func<decimal?, decimal?, bool?>)Comparison.NotEqual);
        R("NotEqual(String,String)", (Func<string?, string?, bool?>)Comparison.NotEqual);
        R("NotEqual(T,T)", (Func<object?, object?, bool?>)Comparison.NotEqual);
        R("Equivalent(T,T)", (Func<object?, object?, bool?>)Comparison.Equivalent);
        R("NotEquivalent(T,T)", (Func<object?, object?, bool?>)Comparison.NotEquivalent);
        foreach (var (name, i, l, d, s, o) in new (string, Func<int?, int?, bool?>, Func<long?, long?, bool?>, Func<decimal?, decimal?, bool?>, Func<string?, string?, bool?>, Func<object?, object?, bool?>)[]
                 {
                     ("Less", Comparison.Less, Comparison.Less, Comparison.Less, Comparison.Less, Comparison.Less),
                     ("LessOrEqual", Comparison.LessOrEqual, Comparison.LessOrEqual, Comparison.LessOrEqual, Comparison.LessOrEqual, Comparison.LessOrEqual),
                     ("Greater", Comparison.Greater, Comparison.Greater, Comparison.Greater, Comparison.Greater, Comparison.Greater),
                     ("GreaterOrEqual", Comparison.GreaterOrEqual, Comparison.GreaterOrEqual, Comparison.GreaterOrEqual, Comparison.GreaterOrEqual, Comparison.GreaterOrEqual),
                 })
        {
            R($"{name}(Integer,Integer)", i);
            R($"{name}(Long,Long)", l);
            R($"{name}(Decimal,Decimal)", d);
            R($"{name}(String,String)", s);
            foreach (var type in new[] { "Quantity", "Date", "DateTime", "Time" }) R($"{name}({type},{type})", o);
        }

        // Arithmetic.
        R("Add(Integer,Integer)", (Func<int?, int?, int?>)Arithmetic.Add);
        R("Add(Long,Long)", (Func<long?, long?, long?>)Arithmetic.Add);
        R("Add(Decimal,Decimal)", (Func<decimal?, decimal?, decimal?>)Arithmetic.Add);
        R("Add(Quantity,Quantity)", (Func<CqlQuantity?, CqlQuantity?, CqlQuantity?>)Arithmetic.Add);
        R("Subtract(Integer,Integer)", (Func<int?, int?, int?>)Arithmetic.Subtract);
        R("Subtract(Long,Long)", (Func<long?, long?, long?>)Arithmetic.Subtract);
        R("Subtract(Decimal,Decimal)", (Func<decimal?, decimal?, decimal?>)Arithmetic.Subtract);
        R("Subtract(Quantity,Quantity)", (Func<CqlQuantity?, CqlQuantity?, CqlQuantity?>)Arithmetic.Subtract);
        R("Multiply(Integer,Integer)", (Func<int?, int?, int?>)Arithmetic.Multiply);
        R("Multiply(Long,Long)", (Func<long?, long?, long?>)Arithmetic.Multiply);
        R("Multiply(Decimal,Decimal)", (Func<decimal?, decimal?, decimal?>)Arithmetic.Multiply);
        R("Multiply(Quantity,Quantity)", (Func<CqlQuantity?, CqlQuantity?, CqlQuantity?>)Arithmetic.Multiply);
        D("TruncatedDivide(Integer,Integer)", (Func<int?, int?, int?>)Arithmetic.TruncatedDivide);
        D("TruncatedDivide(Long,Long)", (Func<long?, long?, long?>)Arithmetic.TruncatedDivide);
        D("TruncatedDivide(Decimal,Decimal)", (Func<decimal?, decimal?, decimal?>)Arithmetic.TruncatedDivide);
        D("TruncatedDivide(Quantity,Quantity)", (Func<CqlQuantity?, CqlQuantity?, CqlQuantity?>)Arithmetic.TruncatedDivide);
        D("Modulo(Integer,Integer)", (Func<int?, int?, int?>)Arithmetic.Modulo);
        D("Modulo(Long,Long)", (Func<long?, long?, long?>)Arithmetic.Modulo);
        D("Modulo(Decimal,Decimal)", (Func<decimal?, decimal?, decimal?>)Arithmetic.Modulo);
        D("Modulo(Quantity,Quantity)", (Func<CqlQuantity?, CqlQuantity?, CqlQuantity?>)Arithmetic.Modulo);
        R("Add(Date,Quantity)", (Func<CqlDate?, CqlQuantity?, CqlDate?>)Arithmetic.Add);
        R("Subtract(Date,Quantity)", (Func<CqlDate?, CqlQuantity?, CqlDate?>)Arithmetic.Subtract);
        R("Add(DateTime,Quantity)", (Func<CqlDateTime?, CqlQuantity?, CqlDateTime?>)Arithmetic.Add);
        R("Subtract(DateTime,Quantity)", (Func<CqlDateTime?, CqlQuantity?, CqlDateTime?>)Arithmetic.Subtract);
        R("Add(Time,Quantity)", (Func<CqlTime?, CqlQuantity?, CqlTime?>)Arithmetic.Add);
        R("Subtract(Time,Quantity)", (Func<CqlTime?, CqlQuantity?, CqlTime?>)Arithmetic.Subtract);
        D("Divide(Decimal,Decimal)", (Func<decimal?, decimal?, decimal?>)Arithmetic.Divide);
        D("Divide(Quantity,Quantity)", (Func<CqlQuantity?, CqlQuantity?, CqlQuantity?>)Arithmetic.Divide);
        R("Power(Integer,Integer)", (Func<int?, int?, int?>)Arithmetic.Power);
        R("Power(Long,Long)", (Func<long?, long?, long?>)Arithmetic.Power);
        R("Power(Decimal,Decimal)", (Func<decimal?, decimal?, decimal?>)Arithmetic.Power);
        R("Negate(Integer)", (Func<int?, int?>)Arithmetic.Negate);
        R("Negate(Long)", (Func<long?, long?>)Arithmetic.Negate);
        R("Negate(Decimal)", (Func<decimal?, decimal?>)Arithmetic.Negate);
        R("Negate(Quantity)", (Func<CqlQuantity?, CqlQuantity?>)Arithmetic.Negate);
        R("Abs(Integer)", (Func<int?, int?>)Arithmetic.Abs);
        R("Abs(Long)", (Func<long?, long?>)Arithmetic.Abs);
        R("Abs(Decimal)", (Func<decimal?, decimal?>)Arithmetic.Abs);
        R("Abs(Quantity)", (Func<CqlQuantity?, CqlQuantity?>)Arithmetic.Abs);
        R("Ceiling(Decimal)", (Func<decimal?, int?>)Arithmetic.Ceiling);
        R("Floor(Decimal)", (Func<decimal?, int?>)Arithmetic.Floor);
        R("Truncate(Decimal)", (Func<decimal?, int?>)Arithmetic.Truncate);
        R("Round(Decimal)", (Func<decimal?, decimal?>)Arithmetic.Round);
        R("Round(Decimal,Integer)", (Func<decimal?, int?, decimal?>)Arithmetic.Round);
        R("Exp(Decimal)", (Func<decimal?, decimal?>)Arithmetic.Exp);
        R("Ln(Decimal)", (Func<decimal?, decimal?>)Arithmetic.Ln);
        R("Log(Decimal,Decimal)", (Func<decimal?, decimal?, decimal?>)Arithmetic.Log);
        R("Successor(Integer)", (Func<int?, int?>)Arithmetic.Successor);
        R("Successor(Long)", (Func<long?, long?>)Arithmetic.Successor);
        R("Successor(Decimal)", (Func<decimal?, decimal?>)Arithmetic.Successor);
        R("Successor(Quantity)", (Func<CqlQuantity?, CqlQuantity?>)Arithmetic.Successor);
        R("Successor(Date)", (Func<CqlDate?, CqlDate?>)Arithmetic.Successor);
        R("Successor(DateTime)", (Func<CqlDateTime?, CqlDateTime?>)Arithmetic.Successor);
        R("Successor(Time)", (Func<CqlTime?, CqlTime?>)Arithmetic.Successor);
        R("Predecessor(Integer)", (Func<int?, int?>)Arithmetic.Predecessor);
        R("Predecessor(Long)", (Func<long?, long?>)Arithmetic.Predecessor);
        R("Predecessor(Decimal)", (Func<decimal?, decimal?>)Arithmetic.Predecessor);
        R("Predecessor(Quantity)", (Func<CqlQuantity?, CqlQuantity?>)Arithmetic.Predecessor);
        R("Predecessor(Date)", (Func<CqlDate?, CqlDate?>)Arithmetic.Predecessor);
        R("Predecessor(DateTime)", (Func<CqlDateTime?, CqlDateTime?>)Arithmetic.Predecessor);
        R("Predecessor(Time)", (Func<CqlTime?, CqlTime?>)Arithmetic.Predecessor);
        R("Precision(Decimal)", (Func<decimal?, int?>)Arithmetic.Precision);
        R("Precision(Date)", (Func<CqlDate?, int?>)Arithmetic.Precision);
        R("Precision(DateTime)", (Func<CqlDateTime?, int?>)Arithmetic.Precision);
        R("Precision(Time)", (Func<CqlTime?, int?>)Arithmetic.Precision);
        R("LowBoundary(Decimal,Integer)", (Func<decimal?, int?, decimal?>)Arithmetic.LowBoundary);
        R("HighBoundary(Decimal,Integer)", (Func<decimal?, int?, decimal?>)Arithmetic.HighBoundary);
        R("LowBoundary(Date,Integer)", (Func<CqlDate?, int?, CqlDate?>)Arithmetic.LowBoundary);
        R("HighBoundary(Date,Integer)", (Func<CqlDate?, int?, CqlDate?>)Arithmetic.HighBoundary);
        R("LowBoundary(DateTime,Integer)", (Func<CqlDateTime?, int?, CqlDateTime?>)Arithmetic.LowBoundary);
        R("HighBoundary(DateTime,Integer)", (Func<CqlDateTime?, int?, CqlDateTime?>)Arithmetic.HighBoundary);
        R("LowBoundary(Time,Integer)", (Func<CqlTime?, int?, CqlTime?>)Arithmetic.LowBoundary);
        R("HighBoundary(Time,Integer)", (Func<CqlTime?, int?, CqlTime?>)Arithmetic.HighBoundary);

        // Strings.
        R("Concatenate(String,String)", (Func<string?, string?, string?>)Strings.Concatenate);
        R("ConcatenateOrEmpty(String,String)", (Func<string?, string?, string?>)Strings.ConcatenateOrEmpty);
        R("Combine(List<String>)", (Func<IL?, string?>)Strings.Combine);
        R("Combine(List<String>,String)", (Func<IL?, string?, string?>)Strings.Combine);
        R("Split(String,String)", (Func<string?, string?, IL?>)Strings.Split);
        R("SplitOnMatches(String,String)", (Func<string?, string?, IL?>)Strings.SplitOnMatches);
        R("Length(String)", (Func<string?, int?>)Strings.Length);
        R("Upper(String)", (Func<string?, string?>)Strings.Upper);
        R("Lower(String)", (Func<string?, string?>)Strings.Lower);
        R("StartsWith(String,String)", (Func<string?, string?, bool?>)Strings.StartsWith);
        R("EndsWith(String,String)", (Func<string?, string?, bool?>)Strings.EndsWith);
        R("Matches(String,String)", (Func<string?, string?, bool?>)Strings.Matches);
        R("ReplaceMatches(String,String,String)", (Func<string?, string?, string?, string?>)Strings.ReplaceMatches);
        R("PositionOf(String,String)", (Func<string?, string?, int?>)Strings.PositionOf);
        R("LastPositionOf(String,String)", (Func<string?, string?, int?>)Strings.LastPositionOf);
        R("Substring(String,Integer)", (Func<string?, int?, string?>)Strings.Substring);
        R("Substring(String,Integer,Integer)", (Func<string?, int?, int?, string?>)Strings.Substring);
        R("Indexer(String,Integer)", (Func<string?, int?, string?>)Strings.Indexer);

        // Dates and times.
        R("Date(Integer)", (Func<int?, CqlDate?>)DateTimes.Date1);
        R("Date(Integer,Integer)", (Func<int?, int?, CqlDate?>)DateTimes.Date2);
        R("Date(Integer,Integer,Integer)", (Func<int?, int?, int?, CqlDate?>)DateTimes.Date3);
        R("DateTime(Integer)", (Func<int?, CqlDateTime?>)DateTimes.DateTime1);
        R("DateTime(Integer,Integer)", (Func<int?, int?, CqlDateTime?>)DateTimes.DateTime2);
        R("DateTime(Integer,Integer,Integer)", (Func<int?, int?, int?, CqlDateTime?>)DateTimes.DateTime3);
        R("DateTime(Integer,Integer,Integer,Integer)", (Func<int?, int?, int?, int?, CqlDateTime?>)DateTimes.DateTime4);
        R("DateTime(Integer,Integer,Integer,Integer,Integer)", (Func<int?, int?, int?, int?, int?, CqlDateTime?>)DateTimes.DateTime5);
        R("DateTime(Integer,Integer,Integer,Integer,Integer,Integer)", (Func<int?, int?, int?, int?, int?, int?, CqlDateTime?>)DateTimes.DateTime6);
        R("DateTime(Integer,Integer,Integer,Integer,Integer,Integer,Integer)", (Func<int?, int?, int?, int?, int?, int?, int?, CqlDateTime?>)DateTimes.DateTime7);
        R("DateTime(Integer,Integer,Integer,Integer,Integer,Integer,Integer,Decimal)", (Func<int?, int?, int?, int?, int?, int?, int?, decimal?, CqlDateTime?>)DateTimes.DateTime8);
        R("Time(Integer)", (Func<int?, CqlTime?>)DateTimes.Time1);
        R("Time(Integer,Integer)", (Func<int?, int?, CqlTime?>)DateTimes.Time2);
        R("Time(Integer,Integer,Integer)", (Func<int?, int?, int?, CqlTime?>)DateTimes.Time3);
        R("Time(Integer,Integer,Integer,Integer)", (Func<int?, int?, int?, int?, CqlTime?>)DateTimes.Time4);
        R("Now()", (Func<EvaluationContext, CqlDateTime?>)DateTimes.Now);
        R("Today()", (Func<EvaluationContext, CqlDate?>)DateTimes.Today);
        R("TimeOfDay()", (Func<EvaluationContext, CqlTime?>)DateTimes.TimeOfDay);
        R("DateFrom(DateTime)", (Func<CqlDateTime?, CqlDate?>)DateTimes.DateFrom);
        R("TimeFrom(DateTime)", (Func<CqlDateTime?, CqlTime?>)DateTimes.TimeFrom);
        R("TimezoneOffsetFrom(DateTime)", (Func<CqlDateTime?, decimal?>)DateTimes.TimezoneOffsetFrom);
        R("ComponentFrom(Date,String)", (Func<CqlDate?, string, int?>)DateTimes.ComponentFrom);
        R("ComponentFrom(DateTime,String)", (Func<CqlDateTime?, string, int?>)DateTimes.ComponentFrom);
        R("ComponentFrom(Time,String)", (Func<CqlTime?, string, int?>)DateTimes.ComponentFrom);
        foreach (var type in new[] { "Date", "DateTime", "Time" })
        {
            R($"DurationBetween({type},{type},String)", (Func<object?, object?, string, int?>)DateTimes.DurationBetween);
            R($"DifferenceBetween({type},{type},String)", (Func<object?, object?, string, int?>)DateTimes.DifferenceBetween);
            R($"SameAs({type},{type},String)", (Func<object?, object?, string?, bool?>)Comparison.SameAs);
            R($"SameOrBefore({type},{type},String)", (Func<object?, object?, string?, bool?>)Comparison.SameOrBefore);
            R($"SameOrAfter({type},{type},String)", (Func<object?, object?, string?, bool?>)Comparison.SameOrAfter);
            R($"Before({type},{type},String)", (Func<object?, object?, string?, bool?>)Comparison.Before);
            R($"After({type},{type},String)", (Func<object?, object?, string?, bool?>)Comparison.After);
        }

        // Intervals.
        R("Start(Interval<T>)", (Func<CqlInterval?, object?>)Intervals.Start);
        R("End(Interval<T>)", (Func<CqlInterval?, object?>)Intervals.End);
        R("Width(Interval<T>)", (Func<CqlInterval?, object?>)Intervals.Width);
        R("Size(Interval<T>)", (Func<CqlInterval?, object?>)Intervals.Size);
        R("PointFrom(Interval<T>)", (Func<CqlInterval?, object?>)Intervals.PointFrom);
        R("In(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)Intervals.In);
        R("ProperIn(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)Intervals.ProperIn);
        R("Contains(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)IntervalPointOps.Contains);
        R("ProperContains(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)IntervalPointOps.ProperContains);
        Func<CqlInterval?, CqlInterval?, string?, bool?> includedIn = (a, b, p) => Intervals.Includes(b, a, p);
        Func<CqlInterval?, CqlInterval?, string?, bool?> properIncludedIn = (a, b, p) => Intervals.ProperIncludes(b, a, p);
        foreach (var (name, op) in new (string, Func<CqlInterval?, CqlInterval?, string?, bool?>)[]
                 {
                     ("Includes", Intervals.Includes), ("ProperIncludes", Intervals.ProperIncludes), ("IncludedIn", includedIn),
                     ("ProperIncludedIn", properIncludedIn), ("Before", Intervals.Before), ("After", Intervals.After), ("Meets", Intervals.Meets),
                     ("MeetsBefore", Intervals.MeetsBefore), ("MeetsAfter", Intervals.MeetsAfter), ("Overlaps", Intervals.Overlaps),
                     ("OverlapsBefore", Intervals.OverlapsBefore), ("OverlapsAfter", Intervals.OverlapsAfter), ("Starts", Intervals.Starts),
                     ("Ends", Intervals.Ends), ("SameAs", Intervals.SameAs), ("SameOrBefore", Intervals.SameOrBefore), ("SameOrAfter", Intervals.SameOrAfter),
                 })
            R($"{name}(Interval<T>,Interval<T>,String)", op);
        R("Before(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)Comparison.Before);
        R("Before(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)Comparison.Before);
        R("After(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)Comparison.After);
        R("After(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)Comparison.After);
        R("SameOrBefore(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)Comparison.SameOrBefore);
        R("SameOrBefore(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)Comparison.SameOrBefore);
        R("SameOrAfter(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)Comparison.SameOrAfter);
        R("SameOrAfter(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)Comparison.SameOrAfter);
        R("SameAs(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)Comparison.SameAs);
        R("SameAs(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)Comparison.SameAs);
        R("Meets(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)IntervalPointOps.Meets);
        R("Meets(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)IntervalPointOps.Meets);
        R("MeetsBefore(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)IntervalPointOps.MeetsBefore);
        R("MeetsBefore(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)IntervalPointOps.MeetsBefore);
        R("MeetsAfter(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)IntervalPointOps.MeetsAfter);
        R("MeetsAfter(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)IntervalPointOps.MeetsAfter);
        R("Overlaps(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)IntervalPointOps.Overlaps);
        R("Overlaps(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)IntervalPointOps.Overlaps);
        R("OverlapsBefore(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)IntervalPointOps.OverlapsBefore);
        R("OverlapsBefore(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)IntervalPointOps.OverlapsBefore);
        R("OverlapsAfter(T,Interval<T>,String)", (Func<object?, CqlInterval?, string?, bool?>)IntervalPointOps.OverlapsAfter);
        R("OverlapsAfter(Interval<T>,T,String)", (Func<CqlInterval?, object?, string?, bool?>)IntervalPointOps.OverlapsAfter);
        R("Union(Interval<T>,Interval<T>)", (Func<CqlInterval?, CqlInterval?, CqlInterval?>)Intervals.Union);
        R("Intersect(Interval<T>,Interval<T>)", (Func<CqlInterval?, CqlInterval?, CqlInterval?>)Intervals.Intersect);
        R("Except(Interval<T>,Interval<T>)", (Func<CqlInterval?, CqlInterval?, CqlInterval?>)Intervals.Except);
        R("Collapse(List<Interval<T>>,Quantity)", (Func<IL?, CqlQuantity?, IL?>)Intervals.Collapse);
        R("Expand(List<Interval<T>>,Quantity)", (Func<EvaluationContext, IL?, CqlQuantity?, IL?>)IntervalPointOps.Expand);
        R("Expand(Interval<T>,Quantity)", (Func<EvaluationContext, CqlInterval?, CqlQuantity?, IL?>)IntervalPointOps.Expand);

        // Lists.
        R("Exists(List<T>)", (Func<IL?, bool?>)Lists.Exists);
        R("Count(List<T>)", (Func<IL?, int?>)Lists.Count);
        R("First(List<T>)", (Func<IL?, object?>)Lists.First);
        R("Last(List<T>)", (Func<IL?, object?>)Lists.Last);
        R("Tail(List<T>)", (Func<IL?, IL?>)Lists.Tail);
        R("Skip(List<T>,Integer)", (Func<IL?, int?, IL?>)Lists.Skip);
        R("Take(List<T>,Integer)", (Func<IL?, int?, IL?>)Lists.Take);
        R("Indexer(List<T>,Integer)", (Func<IL?, int?, object?>)Lists.Indexer);
        R("IndexOf(List<T>,T)", (Func<IL?, object?, int?>)Lists.IndexOf);
        R("Length(List<T>)", (Func<IL?, int?>)Lists.Length);
        R("SingletonFrom(List<T>)", (Func<IL?, object?>)Lists.SingletonFrom);
        R("Slice(List<T>)", (Func<IL?, IL?>)Lists.Slice);
        R("Slice(List<T>,Integer)", (Func<IL?, int?, IL?>)Lists.Slice);
        R("Slice(List<T>,Integer,Integer)", (Func<IL?, int?, int?, IL?>)Lists.Slice);
        R("Distinct(List<T>)", (Func<IL?, IL?>)Lists.Distinct);
        R("Flatten(List<List<T>>)", (Func<IL?, IL?>)Lists.Flatten);
        R("Union(List<T>,List<T>)", (Func<IL?, IL?, IL?>)Lists.Union);
        R("Intersect(List<T>,List<T>)", (Func<IL?, IL?, IL?>)Lists.Intersect);
        R("Except(List<T>,List<T>)", (Func<IL?, IL?, IL?>)Lists.Except);
        R("In(T,List<T>)", (Func<object?, IL?, bool?>)Lists.In);
        R("ProperIn(T,List<T>)", (Func<object?, IL?, bool?>)Lists.ProperIn);
        R("Contains(List<T>,T)", (Func<IL?, object?, bool?>)Lists.Contains);
        R("ProperContains(List<T>,T)", (Func<IL?, object?, bool?>)Lists.ProperContains);
        R("Includes(List<T>,List<T>)", (Func<IL?, IL?, bool?>)Lists.Includes);
        R("ProperIncludes(List<T>,List<T>)", (Func<IL?, IL?, bool?>)Lists.ProperIncludes);
        R("IncludedIn(List<T>,List<T>)", (Func<IL?, IL?, bool?>)Lists.IncludedIn);
        R("ProperIncludedIn(List<T>,List<T>)", (Func<IL?, IL?, bool?>)Lists.ProperIncludedIn);
        R("Includes(List<T>,T)", (Func<IL?, object?, bool?>)Lists.Includes);
        R("IncludedIn(T,List<T>)", (Func<object?, IL?, bool?>)Lists.IncludedIn);
        R("ProperIncludes(List<T>,T)", (Func<IL?, object?, bool?>)Lists.ProperIncludes);
        R("ProperIncludedIn(T,List<T>)", (Func<object?, IL?, bool?>)Lists.ProperIncludedIn);
        R("InCodeList(String,CodeList)", (Func<string?, CodeListValue?, bool?>)Lists.InCodeList);
        R("InCodeList(Code,CodeList)", (Func<CqlCode?, CodeListValue?, bool?>)Lists.InCodeList);
        R("InCodeList(Concept,CodeList)", (Func<CqlConcept?, CodeListValue?, bool?>)Lists.InCodeList);

        // Aggregates.
        R("AllTrue(List<Boolean>)", (Func<IL?, bool?>)Aggregates.AllTrue);
        R("AnyTrue(List<Boolean>)", (Func<IL?, bool?>)Aggregates.AnyTrue);
        R("Sum(List<Integer>)", (Func<IL?, int?>)Aggregates.SumInteger);
        R("Sum(List<Long>)", (Func<IL?, long?>)Aggregates.SumLong);
        R("Sum(List<Decimal>)", (Func<IL?, decimal?>)Aggregates.SumDecimal);
        R("Sum(List<Quantity>)", (Func<IL?, CqlQuantity?>)Aggregates.SumQuantity);
        R("Product(List<Integer>)", (Func<IL?, int?>)Aggregates.ProductInteger);
        R("Product(List<Long>)", (Func<IL?, long?>)Aggregates.ProductLong);
        R("Product(List<Decimal>)", (Func<IL?, decimal?>)Aggregates.ProductDecimal);
        R("Product(List<Quantity>)", (Func<IL?, CqlQuantity?>)Aggregates.ProductQuantity);
        R("Avg(List<Decimal>)", (Func<IL?, decimal?>)Aggregates.AvgDecimal);
        R("Avg(List<Quantity>)", (Func<IL?, CqlQuantity?>)Aggregates.AvgQuantity);
        R("Median(List<Decimal>)", (Func<IL?, decimal?>)Aggregates.MedianDecimal);
        R("Median(List<Quantity>)", (Func<IL?, CqlQuantity?>)Aggregates.MedianQuantity);
        R("StdDev(List<Decimal>)", (Func<IL?, decimal?>)Aggregates.StdDevDecimal);
        R("StdDev(List<Quantity>)", (Func<IL?, CqlQuantity?>)Aggregates.StdDevQuantity);
        R("Variance(List<Decimal>)", (Func<IL?, decimal?>)Aggregates.VarianceDecimal);
        R("Variance(List<Quantity>)", (Func<IL?, CqlQuantity?>)Aggregates.VarianceQuantity);
        R("PopulationStdDev(List<Decimal>)", (Func<IL?, decimal?>)Aggregates.PopulationStdDevDecimal);
        R("PopulationStdDev(List<Quantity>)", (Func<IL?, CqlQuantity?>)Aggregates.PopulationStdDevQuantity);
        R("PopulationVariance(List<Decimal>)", (Func<IL?, decimal?>)Aggregates.PopulationVarianceDecimal);
        R("PopulationVariance(List<Quantity>)", (Func<IL?, CqlQuantity?>)Aggregates.PopulationVarianceQuantity);
        R("GeometricMean(List<Decimal>)", (Func<IL?, decimal?>)Aggregates.GeometricMean);
        foreach (var type in new[] { "Integer", "Long", "Decimal", "Quantity", "String", "Date", "DateTime", "Time" })
        {
            R($"Min(List<{type}>)", (Func<IL?, object?>)Aggregates.Min);
            R($"Max(List<{type}>)", (Func<IL?, object?>)Aggregates.Max);
        }
        R("Mode(List<T>)", (Func<IL?, object?>)Aggregates.Mode);

        // Conversions.
        R("ToBoolean(String)", (Func<string?, bool?>)Conversions.ToBoolean);
        R("ToBoolean(Integer)", (Func<int?, bool?>)Conversions.ToBoolean);
        R("ToBoolean(Long)", (Func<long?, bool?>)Conversions.ToBoolean);
        R("ToBoolean(Decimal)", (Func<decimal?, bool?>)Conversions.ToBoolean);
        R("ToBoolean(Boolean)", (Func<bool?, bool?>)Conversions.ToBoolean);
        R("ToInteger(String)", (Func<string?, int?>)Conversions.ToInteger);
        R("ToInteger(Boolean)", (Func<bool?, int?>)Conversions.ToInteger);
        R("ToInteger(Long)", (Func<long?, int?>)Conversions.ToInteger);
        R("ToInteger(Integer)", (Func<int?, int?>)Conversions.ToInteger);
        R("ToLong(String)", (Func<string?, long?>)Conversions.ToLong);
        R("ToLong(Boolean)", (Func<bool?, long?>)Conversions.ToLong);
        R("ToLong(Integer)", (Func<int?, long?>)Conversions.ToLong);
        R("ToLong(Long)", (Func<long?, long?>)Conversions.ToLong);
        R("ToDecimal(String)", (Func<string?, decimal?>)Conversions.ToDecimal);
        R("ToDecimal(Boolean)", (Func<bool?, decimal?>)Conversions.ToDecimal);
        R("ToDecimal(Integer)", (Func<int?, decimal?>)Conversions.ToDecimal);
        R("ToDecimal(Long)", (Func<long?, decimal?>)Conversions.ToDecimal);
        R("ToDecimal(Decimal)", (Func<decimal?, decimal?>)Conversions.ToDecimal);
        R("ToQuantity(String)", (Func<string?, CqlQuantity?>)Conversions.ToQuantity);
        R("ToQuantity(Integer)", (Func<int?, CqlQuantity?>)Conversions.ToQuantity);
        R("ToQuantity(Decimal)", (Func<decimal?, CqlQuantity?>)Conversions.ToQuantity);
        R("ToQuantity(Quantity)", (Func<CqlQuantity?, CqlQuantity?>)Conversions.ToQuantity);
        R("ToQuantity(Ratio)", (Func<CqlRatio?, CqlQuantity?>)Conversions.ToQuantity);
        R("ToRatio(String)", (Func<string?, CqlRatio?>)Conversions.ToRatio);
        R("ToRatio(Ratio)", (Func<CqlRatio?, CqlRatio?>)Conversions.ToRatio);
        R("ToDate(String)", (Func<string?, CqlDate?>)Conversions.ToDate);
        R("ToDate(Date)", (Func<CqlDate?, CqlDate?>)Conversions.ToDate);
        R("ToDate(DateTime)", (Func<CqlDateTime?, CqlDate?>)Conversions.ToDate);
        R("ToDateTime(String)", (Func<string?, CqlDateTime?>)Conversions.ToDateTime);
        R("ToDateTime(Date)", (Func<CqlDate?, CqlDateTime?>)Conversions.ToDateTime);
        R("ToDateTime(DateTime)", (Func<CqlDateTime?, CqlDateTime?>)Conversions.ToDateTime);
        R("ToTime(String)", (Func<string?, CqlTime?>)Conversions.ToTime);
        R("ToTime(Time)", (Func<CqlTime?, CqlTime?>)Conversions.ToTime);
        R("ToConcept(Code)", (Func<CqlCode?, CqlConcept?>)Conversions.ToConcept);
        R("ToConcept(List<Code>)", (Func<IL?, CqlConcept?>)Conversions.ToConcept);
        R("ToString(T)", (Func<object?, string?>)Conversions.ToStringValue);
        R("ConvertsToBoolean(T)", (Func<object?, bool?>)Conversions.ConvertsToBoolean);
        R("ConvertsToInteger(T)", (Func<object?, bool?>)Conversions.ConvertsToInteger);
        R("ConvertsToLong(T)", (Func<object?, bool?>)Conversions.ConvertsToLong);
        R("ConvertsToDecimal(T)", (Func<object?, bool?>)Conversions.ConvertsToDecimal);
        R("ConvertsToQuantity(T)", (Func<object?, bool?>)Conversions.ConvertsToQuantity);
        R("ConvertsToRatio(T)", (Func<object?, bool?>)Conversions.ConvertsToRatio);
        R("ConvertsToDate(T)", (Func<object?, bool?>)Conversions.ConvertsToDate);
        R("ConvertsToDateTime(T)", (Func<object?, bool?>)Conversions.ConvertsToDateTime);
        R("ConvertsToTime(T)", (Func<object?, bool?>)Conversions.ConvertsToTime);
        R("ConvertsToString(T)", (Func<object?, bool?>)Conversions.ConvertsToString);
        R("ConvertQuantity(Quantity,String)", (Func<CqlQuantity?, string?, CqlQuantity?>)Conversions.ConvertQuantity);
        R("CanConvertQuantity(Quantity,String)", (Func<CqlQuantity?, string?, bool?>)Conversions.CanConvertQuantity);
        R("Message(T,Boolean,String,String,String)", (Func<EvaluationContext, object?, bool?, string?, string?, string?, object?>)Conversions.Message);
        return t;
    }
}
