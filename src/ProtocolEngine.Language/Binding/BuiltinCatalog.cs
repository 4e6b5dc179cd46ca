using System.Collections.Frozen;
using System.Collections.Immutable;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Language.Binding;

/// <summary>One signature of a builtin operator or function.</summary>
/// <param name="Name">The builtin's name (CQL's operator name, such as Add or Before).</param>
/// <param name="Parameters">Parameter types; may use the type parameter T.</param>
/// <param name="ReturnType">The result type; may use T.</param>
/// <param name="Key">The stable key the runtime's implementation table uses, for example <c>Add(Integer,Integer)</c>.</param>
public sealed record BuiltinOverload(string Name, ImmutableArray<ProtocolType> Parameters, ProtocolType ReturnType, string Key)
{
    /// <summary>True when the signature mentions T.</summary>
    public bool IsGeneric => Parameters.Any(ContainsT) || ContainsT(ReturnType);

    /// <summary>
    /// True for the builtins that read the screening's date (<c>Now()</c>, <c>Today()</c>, <c>TimeOfDay()</c>: the run's
    /// as-of date): a value computed with one changes from run to run, so it is never a constant, never kept across
    /// screenings and never shared between subjects' records.
    /// </summary>
    public bool ReadsTheScreeningDate => Key is "Now()" or "Today()" or "TimeOfDay()";

    private static bool ContainsT(ProtocolType t) => t switch
    {
        TypeParameter => true,
        ListType l => ContainsT(l.ElementType),
        IntervalType i => ContainsT(i.PointType),
        _ => false,
    };

    /// <inheritdoc />
    public override string ToString() => $"{Name}({string.Join(", ", Parameters.Select(p => p.Name))}): {ReturnType.Name}";
}

/// <summary>
/// The signature of every builtin, in one table. The implementation of each signature lives in the runtime,
/// registered under the same <see cref="BuiltinOverload.Key"/>. Specific overloads come before generic ones
/// because overload resolution prefers the earlier of two equally good matches.
/// </summary>
internal static class BuiltinCatalog
{
    private static readonly string[] Ordered = ["Integer", "Long", "Decimal", "Quantity", "String", "Date", "DateTime", "Time"];
    private static readonly string[] Numeric = ["Integer", "Long", "Decimal"];
    private static readonly string[] Arithmetic = ["Integer", "Long", "Decimal", "Quantity"];
    private static readonly string[] Temporal = ["Date", "DateTime", "Time"];

    private static IEnumerable<string> Signatures()
    {
        // Logical operators: three-valued.
        foreach (var op in new[] { "And", "Or", "Xor", "Implies" }) yield return $"{op}(Boolean, Boolean): Boolean";
        yield return "Not(Boolean): Boolean";

        // Nullological.
        yield return "IsNull(T): Boolean";
        yield return "IsTrue(Boolean): Boolean";
        yield return "IsFalse(Boolean): Boolean";
        for (int n = 2; n <= 5; n++) yield return $"Coalesce({string.Join(", ", Enumerable.Repeat("T", n))}): T";
        yield return "Coalesce(List<T>): T";

        // Comparison: fast typed forms first, then the general forms.
        foreach (var op in new[] { "Equal", "NotEqual" })
        {
            foreach (var t in new[] { "Boolean", "Integer", "Long", "Decimal", "String" }) yield return $"{op}({t}, {t}): Boolean";
            yield return $"{op}(T, T): Boolean";
        }
        foreach (var op in new[] { "Equivalent", "NotEquivalent" }) yield return $"{op}(T, T): Boolean";
        foreach (var op in new[] { "Less", "LessOrEqual", "Greater", "GreaterOrEqual" })
            foreach (var t in Ordered) yield return $"{op}({t}, {t}): Boolean";

        // Arithmetic.
        foreach (var op in new[] { "Add", "Subtract", "Multiply", "TruncatedDivide", "Modulo" })
            foreach (var t in Arithmetic) yield return $"{op}({t}, {t}): {t}";
        foreach (var t in Temporal)
        {
            yield return $"Add({t}, Quantity): {t}";
            yield return $"Subtract({t}, Quantity): {t}";
        }
        yield return "Divide(Decimal, Decimal): Decimal";
        yield return "Divide(Quantity, Quantity): Quantity";
        foreach (var t in Numeric) yield return $"Power({t}, {t}): {t}";
        foreach (var t in Arithmetic)
        {
            yield return $"Negate({t}): {t}";
            yield return $"Abs({t}): {t}";
        }
        yield return "Ceiling(Decimal): Integer";
        yield return "Floor(Decimal): Integer";
        yield return "Truncate(Decimal): Integer";
        yield return "Round(Decimal): Decimal";
        yield return "Round(Decimal, Integer): Decimal";
        yield return "Exp(Decimal): Decimal";
        yield return "Ln(Decimal): Decimal";
        yield return "Log(Decimal, Decimal): Decimal";
        foreach (var t in Arithmetic.Concat(Temporal))
        {
            yield return $"Successor({t}): {t}";
            yield return $"Predecessor({t}): {t}";
        }
        foreach (var t in new[] { "Decimal", "Date", "DateTime", "Time" })
        {
            yield return $"Precision({t}): Integer";
            yield return $"LowBoundary({t}, Integer): {t}";
            yield return $"HighBoundary({t}, Integer): {t}";
        }

        // Strings.
        yield return "Concatenate(String, String): String";
        yield return "ConcatenateOrEmpty(String, String): String";
        yield return "Combine(List<String>): String";
        yield return "Combine(List<String>, String): String";
        yield return "Split(String, String): List<String>";
        yield return "SplitOnMatches(String, String): List<String>";
        yield return "Length(String): Integer";
        yield return "Upper(String): String";
        yield return "Lower(String): String";
        yield return "StartsWith(String, String): Boolean";
        yield return "EndsWith(String, String): Boolean";
        yield return "Matches(String, String): Boolean";
        yield return "ReplaceMatches(String, String, String): String";
        yield return "PositionOf(String, String): Integer";
        yield return "LastPositionOf(String, String): Integer";
        yield return "Substring(String, Integer): String";
        yield return "Substring(String, Integer, Integer): String";
        yield return "Indexer(String, Integer): String";

        // Dates and times.
        yield return "Date(Integer): Date";
        yield return "Date(Integer, Integer): Date";
        yield return "Date(Integer, Integer, Integer): Date";
        for (int n = 1; n <= 7; n++) yield return $"DateTime({string.Join(", ", Enumerable.Repeat("Integer", n))}): DateTime";
        yield return "DateTime(Integer, Integer, Integer, Integer, Integer, Integer, Integer, Decimal): DateTime";
        for (int n = 1; n <= 4; n++) yield return $"Time({string.Join(", ", Enumerable.Repeat("Integer", n))}): Time";
        yield return "Now(): DateTime";
        yield return "Today(): Date";
        yield return "TimeOfDay(): Time";
        yield return "DateFrom(DateTime): Date";
        yield return "TimeFrom(DateTime): Time";
        yield return "TimezoneOffsetFrom(DateTime): Decimal";
        foreach (var t in Temporal) yield return $"ComponentFrom({t}, String): Integer";
        foreach (var t in Temporal)
        {
            // The String argument is the precision ('day', 'year', ...), always a constant from the syntax.
            yield return $"DurationBetween({t}, {t}, String): Integer";
            yield return $"DifferenceBetween({t}, {t}, String): Integer";
            foreach (var op in new[] { "SameAs", "SameOrBefore", "SameOrAfter", "Before", "After" })
                yield return $"{op}({t}, {t}, String): Boolean";
        }

        // Intervals.
        yield return "Start(Interval<T>): T";
        yield return "End(Interval<T>): T";
        yield return "Width(Interval<T>): T";
        yield return "Size(Interval<T>): T";
        yield return "PointFrom(Interval<T>): T";
        foreach (var op in new[] { "In", "ProperIn" }) yield return $"{op}(T, Interval<T>, String): Boolean";
        foreach (var op in new[] { "Contains", "ProperContains" }) yield return $"{op}(Interval<T>, T, String): Boolean";
        foreach (var op in new[] { "Includes", "ProperIncludes", "IncludedIn", "ProperIncludedIn", "Before", "After", "Meets", "MeetsBefore",
                     "MeetsAfter", "Overlaps", "OverlapsBefore", "OverlapsAfter", "Starts", "Ends", "SameAs", "SameOrBefore", "SameOrAfter" })
            yield return $"{op}(Interval<T>, Interval<T>, String): Boolean";
        foreach (var op in new[] { "Before", "After", "SameOrBefore", "SameOrAfter", "SameAs", "Meets", "MeetsBefore", "MeetsAfter", "Overlaps",
                     "OverlapsBefore", "OverlapsAfter" })
        {
            yield return $"{op}(T, Interval<T>, String): Boolean";
            yield return $"{op}(Interval<T>, T, String): Boolean";
        }
        yield return "Union(Interval<T>, Interval<T>): Interval<T>";
        yield return "Intersect(Interval<T>, Interval<T>): Interval<T>";
        yield return "Except(Interval<T>, Interval<T>): Interval<T>";
        yield return "Collapse(List<Interval<T>>, Quantity): List<Interval<T>>";
        yield return "Expand(List<Interval<T>>, Quantity): List<Interval<T>>";
        yield return "Expand(Interval<T>, Quantity): List<T>";

        // Lists.
        yield return "Exists(List<T>): Boolean";
        yield return "Count(List<T>): Integer";
        yield return "First(List<T>): T";
        yield return "Last(List<T>): T";
        yield return "Tail(List<T>): List<T>";
        yield return "Skip(List<T>, Integer): List<T>";
        yield return "Take(List<T>, Integer): List<T>";
        yield return "Indexer(List<T>, Integer): T";
        yield return "IndexOf(List<T>, T): Integer";
        yield return "Length(List<T>): Integer";
        yield return "SingletonFrom(List<T>): T";
        yield return "Slice(List<T>): List<T>";
        yield return "Slice(List<T>, Integer): List<T>";
        yield return "Slice(List<T>, Integer, Integer): List<T>";
        yield return "Distinct(List<T>): List<T>";
        yield return "Flatten(List<List<T>>): List<T>";
        yield return "Union(List<T>, List<T>): List<T>";
        yield return "Intersect(List<T>, List<T>): List<T>";
        yield return "Except(List<T>, List<T>): List<T>";
        foreach (var op in new[] { "In", "ProperIn" }) yield return $"{op}(T, List<T>): Boolean";
        foreach (var op in new[] { "Contains", "ProperContains" }) yield return $"{op}(List<T>, T): Boolean";
        foreach (var op in new[] { "Includes", "ProperIncludes", "IncludedIn", "ProperIncludedIn" }) yield return $"{op}(List<T>, List<T>): Boolean";
        yield return "Includes(List<T>, T): Boolean";
        yield return "IncludedIn(T, List<T>): Boolean";
        yield return "ProperIncludes(List<T>, T): Boolean";
        yield return "ProperIncludedIn(T, List<T>): Boolean";
        yield return "InCodeList(String, CodeList): Boolean";
        yield return "InCodeList(Code, CodeList): Boolean";
        yield return "InCodeList(Concept, CodeList): Boolean";

        // Aggregates.
        yield return "AllTrue(List<Boolean>): Boolean";
        yield return "AnyTrue(List<Boolean>): Boolean";
        foreach (var t in Arithmetic)
        {
            yield return $"Sum(List<{t}>): {t}";
            yield return $"Product(List<{t}>): {t}";
        }
        foreach (var t in new[] { "Decimal", "Quantity" })
        {
            yield return $"Avg(List<{t}>): {t}";
            yield return $"Median(List<{t}>): {t}";
            yield return $"StdDev(List<{t}>): {t}";
            yield return $"Variance(List<{t}>): {t}";
            yield return $"PopulationStdDev(List<{t}>): {t}";
            yield return $"PopulationVariance(List<{t}>): {t}";
        }
        yield return "GeometricMean(List<Decimal>): Decimal";
        foreach (var t in Ordered)
        {
            yield return $"Min(List<{t}>): {t}";
            yield return $"Max(List<{t}>): {t}";
        }
        yield return "Mode(List<T>): T";

        // Conversions.
        foreach (var t in new[] { "String", "Integer", "Long", "Decimal", "Boolean" }) yield return $"ToBoolean({t}): Boolean";
        foreach (var t in new[] { "String", "Boolean", "Long", "Integer" }) yield return $"ToInteger({t}): Integer";
        foreach (var t in new[] { "String", "Boolean", "Integer", "Long" }) yield return $"ToLong({t}): Long";
        foreach (var t in new[] { "String", "Boolean", "Integer", "Long", "Decimal" }) yield return $"ToDecimal({t}): Decimal";
        foreach (var t in new[] { "String", "Integer", "Decimal", "Quantity", "Ratio" }) yield return $"ToQuantity({t}): Quantity";
        foreach (var t in new[] { "String", "Ratio" }) yield return $"ToRatio({t}): Ratio";
        foreach (var t in new[] { "String", "Date", "DateTime" }) yield return $"ToDate({t}): Date";
        foreach (var t in new[] { "String", "Date", "DateTime" }) yield return $"ToDateTime({t}): DateTime";
        foreach (var t in new[] { "String", "Time" }) yield return $"ToTime({t}): Time";
        yield return "ToConcept(Code): Concept";
        yield return "ToConcept(List<Code>): Concept";
        yield return "ToString(T): String";
        foreach (var t in new[] { "Boolean", "Integer", "Long", "Decimal", "Quantity", "Ratio", "Date", "DateTime", "Time" })
            yield return $"ConvertsTo{t}(T): Boolean";
        yield return "ConvertsToString(T): Boolean";
        yield return "ConvertQuantity(Quantity, String): Quantity";
        yield return "CanConvertQuantity(Quantity, String): Boolean";

        // Errors and messaging.
        yield return "Message(T, Boolean, String, String, String): T";
    }

    private static readonly ImmutableArray<BuiltinOverload> AllOverloads = [.. Signatures().Select(Parse)];

    private static readonly FrozenDictionary<string, ImmutableArray<BuiltinOverload>> ByName =
        AllOverloads.GroupBy(o => o.Name, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.ToImmutableArray(), StringComparer.Ordinal);

    /// <summary>Every overload of every builtin.</summary>
    public static ImmutableArray<BuiltinOverload> All => AllOverloads;

    /// <summary>The overloads of a builtin, or empty when there is none of that name.</summary>
    public static ImmutableArray<BuiltinOverload> Lookup(string name) => ByName.TryGetValue(name, out var o) ? o : [];

    /// <summary>The names of all builtins (for suggestions).</summary>
    public static IEnumerable<string> Names => ByName.Keys;

    /// <summary>The names a protocol may call as functions (operators such as Add are reached through their syntax instead).</summary>
    public static bool IsCallableByName(string name) => ByName.ContainsKey(name) && name is not ("ConcatenateOrEmpty" or "ComponentFrom" or "InCodeList");

    private static BuiltinOverload Parse(string signature)
    {
        int open = signature.IndexOf('(');
        int close = signature.LastIndexOf("):", StringComparison.Ordinal);
        var name = signature[..open];
        var parameterText = signature[(open + 1)..close];
        var parameters = parameterText.Length == 0 ? [] : SplitTopLevel(parameterText).Select(ParseType).ToImmutableArray();
        var result = ParseType(signature[(close + 2)..].Trim());
        var key = $"{name}({string.Join(",", parameters.Select(p => p.Name))})";
        return new BuiltinOverload(name, parameters, result, key);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '<') depth++;
            else if (text[i] == '>') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i].Trim();
                start = i + 1;
            }
        }
        yield return text[start..].Trim();
    }

    /// <summary>Reads a type written in signature notation (<c>List&lt;Interval&lt;T&gt;&gt;</c>).</summary>
    internal static ProtocolType ParseType(string text)
    {
        text = text.Trim();
        if (text == "T") return TypeParameter.T;
        if (text == "CodeList") return ProtocolType.CodeList;
        if (text.StartsWith("List<", StringComparison.Ordinal)) return new ListType(ParseType(text[5..^1]));
        if (text.StartsWith("Interval<", StringComparison.Ordinal)) return new IntervalType(ParseType(text[9..^1]));
        return ProtocolType.Primitives.TryGetValue(text, out var p) ? p : throw new InvalidOperationException($"Unknown type {text} in a builtin signature.");
    }
}
