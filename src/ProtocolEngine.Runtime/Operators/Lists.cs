using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Operators;

/// <summary>List operators of CQL 1.5. Lists are <c>IReadOnlyList&lt;object?&gt;</c>; a null list is null.</summary>
internal static class Lists
{
    /// <summary>True when the list has a non-null element.</summary>
    public static bool? Exists(IReadOnlyList<object?>? list)
    {
        if (list is null) return false;
        for (int i = 0; i < list.Count; i++)
            if (list[i] is not null) return true;
        return false;
    }

    /// <summary>The number of non-null elements.</summary>
    public static int? Count(IReadOnlyList<object?>? list)
    {
        if (list is null) return 0;
        int n = 0;
        for (int i = 0; i < list.Count; i++)
            if (list[i] is not null) n++;
        return n;
    }

    /// <summary>The first element.</summary>
    public static object? First(IReadOnlyList<object?>? list) => list is null || list.Count == 0 ? null : list[0];

    /// <summary>The last element.</summary>
    public static object? Last(IReadOnlyList<object?>? list) => list is null || list.Count == 0 ? null : list[^1];

    /// <summary>All but the first element.</summary>
    public static IReadOnlyList<object?>? Tail(IReadOnlyList<object?>? list) => list?.Skip(1).ToList();

    /// <summary>All but the first n elements.</summary>
    public static IReadOnlyList<object?>? Skip(IReadOnlyList<object?>? list, int? n) => list is null ? null : n is null ? list : list.Skip(Math.Max(0, n.Value)).ToList();

    /// <summary>The first n elements.</summary>
    public static IReadOnlyList<object?>? Take(IReadOnlyList<object?>? list, int? n) => list is null ? null : n is null ? [] : list.Take(Math.Max(0, n.Value)).ToList();

    /// <summary>The element at a 0-based index (null when out of range).</summary>
    public static object? Indexer(IReadOnlyList<object?>? list, int? index) => list is null || index is null || index < 0 || index >= list.Count ? null : list[index.Value];

    /// <summary>The index of the first element equal to the value, or -1.</summary>
    public static int? IndexOf(IReadOnlyList<object?>? list, object? value)
    {
        if (list is null || value is null) return null;
        for (int i = 0; i < list.Count; i++)
            if (Cql.Equal(list[i], value) == true) return i;
        return -1;
    }

    /// <summary>The number of elements (nulls included).</summary>
    public static int? Length(IReadOnlyList<object?>? list) => list?.Count ?? 0;

    /// <summary>The only element (null for an empty list; error for more than one).</summary>
    public static object? SingletonFrom(IReadOnlyList<object?>? list) => list switch
    {
        null => null,
        { Count: 0 } => null,
        { Count: 1 } => list[0],
        _ => throw new CqlRuntimeException($"singleton from a list of {list.Count} elements."),
    };

    /// <summary>The list without duplicates (by equivalence, keeping the first; nulls collapse to one).</summary>
    public static IReadOnlyList<object?>? Distinct(IReadOnlyList<object?>? list)
    {
        if (list is null) return null;
        var result = new List<object?>(list.Count);
        bool hasNull = false;
        foreach (var item in list)
        {
            if (item is null)
            {
                if (!hasNull) result.Add(null);
                hasNull = true;
                continue;
            }
            bool seen = false;
            foreach (var r in result)
                if (r is not null && Cql.Equal(r, item) == true) { seen = true; break; }
            if (!seen) result.Add(item);
        }
        return result;
    }

    /// <summary>A list of lists as one list.</summary>
    public static IReadOnlyList<object?>? Flatten(IReadOnlyList<object?>? list)
    {
        if (list is null) return null;
        var result = new List<object?>();
        foreach (var item in list)
        {
            if (item is IReadOnlyList<object?> inner) result.AddRange(inner);
            else result.Add(item);
        }
        return result;
    }

    /// <summary>Distinct elements of both lists.</summary>
    public static IReadOnlyList<object?>? Union(IReadOnlyList<object?>? a, IReadOnlyList<object?>? b)
    {
        if (a is null && b is null) return null;
        return Distinct([.. a ?? [], .. b ?? []]);
    }

    /// <summary>Distinct elements in both lists.</summary>
    public static IReadOnlyList<object?>? Intersect(IReadOnlyList<object?>? a, IReadOnlyList<object?>? b)
    {
        if (a is null || b is null) return null;
        return Distinct(a.Where(x => Contains(b, x) == true).ToList());
    }

    /// <summary>Distinct elements of a not in b.</summary>
    public static IReadOnlyList<object?>? Except(IReadOnlyList<object?>? a, IReadOnlyList<object?>? b)
    {
        if (a is null) return null;
        if (b is null) return Distinct(a);
        return Distinct(a.Where(x => Contains(b, x) != true).ToList());
    }

    /// <summary>True when the list has an element equal to the value (null in a list matches null).</summary>
    public static bool? Contains(IReadOnlyList<object?>? list, object? value)
    {
        if (list is null) return false;
        if (value is null) return list.Any(x => x is null);
        foreach (var item in list)
            if (item is not null && Cql.Equal(item, value) == true) return true;
        return false;
    }

    /// <summary>value in list.</summary>
    public static bool? In(object? value, IReadOnlyList<object?>? list) => Contains(list, value);

    /// <summary>In, and the list has other elements too.</summary>
    public static bool? ProperIn(object? value, IReadOnlyList<object?>? list) => ProperContains(list, value);

    /// <summary>Contains, and the list has an element that is certainly different (null when that is uncertain).</summary>
    public static bool? ProperContains(IReadOnlyList<object?>? list, object? value)
    {
        if (list is null) return false;
        if (value is null) return list.Any(x => x is null) && list.Any(x => x is not null);
        bool contains = false, different = false, unknown = false;
        foreach (var item in list)
        {
            var equal = item is null ? null : Cql.Equal(item, value);
            if (equal == true) contains = true;
            else if (equal == false) different = true;
            else unknown = true;
        }
        if (!contains) return unknown ? null : false;
        return different ? true : unknown ? null : false;
    }

    /// <summary>A slice of a list: from a start index up to (not including) an end index; negative indexes count from the end.</summary>
    public static IReadOnlyList<object?>? Slice(IReadOnlyList<object?>? list, int? start, int? end)
    {
        if (list is null) return null;
        int from = start is null ? 0 : start.Value < 0 ? Math.Max(0, list.Count + start.Value) : Math.Min(start.Value, list.Count);
        int to = end is null ? list.Count : end.Value < 0 ? Math.Max(0, list.Count + end.Value) : Math.Min(end.Value, list.Count);
        return to <= from ? [] : list.Skip(from).Take(to - from).ToList();
    }

    /// <summary>The whole list.</summary>
    public static IReadOnlyList<object?>? Slice(IReadOnlyList<object?>? list) => Slice(list, null, null);

    /// <summary>The list from a start index.</summary>
    public static IReadOnlyList<object?>? Slice(IReadOnlyList<object?>? list, int? start) => Slice(list, start, null);

    /// <summary>Every element of b is in a.</summary>
    public static bool? Includes(IReadOnlyList<object?>? a, IReadOnlyList<object?>? b)
    {
        if (a is null || b is null) return null;
        return b.All(x => Contains(a, x) == true);
    }

    /// <summary>Includes, and a has elements b does not.</summary>
    public static bool? ProperIncludes(IReadOnlyList<object?>? a, IReadOnlyList<object?>? b)
    {
        var includes = Includes(a, b);
        if (includes != true) return includes;
        return a!.Any(x => Contains(b, x) != true);
    }

    /// <summary>Every element of a is in b.</summary>
    public static bool? IncludedIn(IReadOnlyList<object?>? a, IReadOnlyList<object?>? b) => Includes(b, a);

    /// <summary>Included in, and b has elements a does not.</summary>
    public static bool? ProperIncludedIn(IReadOnlyList<object?>? a, IReadOnlyList<object?>? b) => ProperIncludes(b, a);

    /// <summary>list includes a single element.</summary>
    public static bool? Includes(IReadOnlyList<object?>? list, object? value) => value is null ? null : Contains(list, value);

    /// <summary>element included in list.</summary>
    public static bool? IncludedIn(object? value, IReadOnlyList<object?>? list) => value is null ? null : Contains(list, value);

    /// <summary>list properly includes a single element.</summary>
    public static bool? ProperIncludes(IReadOnlyList<object?>? list, object? value) => value is null ? null : ProperContains(list, value);

    /// <summary>element properly included in list.</summary>
    public static bool? ProperIncludedIn(object? value, IReadOnlyList<object?>? list) => ProperContains(list, value);

    /// <summary>Membership of a string in a protocol code list.</summary>
    public static bool? InCodeList(string? value, CodeListValue? list) => list?.Contains(value);

    /// <summary>Membership of a code in a protocol code list.</summary>
    public static bool? InCodeList(CqlCode? value, CodeListValue? list) => list?.Contains(value);

    /// <summary>Membership of a concept (any of its codes) in a protocol code list.</summary>
    public static bool? InCodeList(CqlConcept? value, CodeListValue? list) =>
        value is null || list is null ? null : value.Codes.Any(c => list.Contains(c) == true);

    /// <summary>Sorts a list by a key (nulls first ascending), stably.</summary>
    public static IReadOnlyList<object?> SortBy(IReadOnlyList<object?> list, Func<object?, object?> key, bool descending)
    {
        var keyed = list.Select((item, index) => (Item: item, Key: key(item), Index: index)).ToList();
        keyed.Sort((x, y) =>
        {
            int c = CompareForSort(x.Key, y.Key);
            if (descending) c = -c;
            return c != 0 ? c : x.Index.CompareTo(y.Index);
        });
        return keyed.Select(k => k.Item).ToList();
    }

    /// <summary>Orders values for sorting: nulls first, then by CQL order; of two dates equal as far as both go, the less precise first.</summary>
    public static int CompareForSort(object? x, object? y)
    {
        if (x is null) return y is null ? 0 : -1;
        if (y is null) return 1;
        if (Cql.Compare(x, y) is int c) return c;
        if (x is ICqlTemporal tx && y is ICqlTemporal ty) return tx.LastComponent.CompareTo(ty.LastComponent);
        return 0;
    }
}
