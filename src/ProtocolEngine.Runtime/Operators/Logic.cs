namespace ProtocolEngine.Runtime.Operators;

/// <summary>Three-valued logic and nullological operators.</summary>
internal static class Logic
{
    /// <summary>false if either is false; null if either is null; else true.</summary>
    public static bool? And(bool? a, bool? b) => a == false || b == false ? false : a is null || b is null ? null : true;

    /// <summary>true if either is true; null if either is null; else false.</summary>
    public static bool? Or(bool? a, bool? b) => a == true || b == true ? true : a is null || b is null ? null : false;

    /// <summary>null if either is null; else true when they differ.</summary>
    public static bool? Xor(bool? a, bool? b) => a is null || b is null ? null : a != b;

    /// <summary>(not a) or b.</summary>
    public static bool? Implies(bool? a, bool? b) => Or(Not(a), b);

    /// <summary>null stays null.</summary>
    public static bool? Not(bool? a) => a is null ? null : !a.Value;

    /// <summary>True when the value is null.</summary>
    public static bool? IsNull(object? a) => a is null;

    /// <summary>True only for true.</summary>
    public static bool? IsTrue(bool? a) => a == true;

    /// <summary>True only for false.</summary>
    public static bool? IsFalse(bool? a) => a == false;

    /// <summary>The first non-null argument.</summary>
    public static object? Coalesce(object? a, object? b) => a ?? b;

    /// <summary>The first non-null argument.</summary>
    public static object? Coalesce(object? a, object? b, object? c) => a ?? b ?? c;

    /// <summary>The first non-null argument.</summary>
    public static object? Coalesce(object? a, object? b, object? c, object? d) => a ?? b ?? c ?? d;

    /// <summary>The first non-null argument.</summary>
    public static object? Coalesce(object? a, object? b, object? c, object? d, object? e) => a ?? b ?? c ?? d ?? e;

    /// <summary>The first non-null element of a list.</summary>
    public static object? Coalesce(IReadOnlyList<object?>? list) => list?.FirstOrDefault(x => x is not null);
}
