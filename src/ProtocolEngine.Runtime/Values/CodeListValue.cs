namespace ProtocolEngine.Runtime.Values;

/// <summary>
/// A code list declared by a protocol, for membership tests: <c>C.CMCLASCD in Statins</c>. A string is a
/// member when it equals a code exactly, or a display case-insensitively (SDTM dictionaries store either);
/// a Code is a member when its code matches and its system (when both have one) agrees. ATC code lists are
/// hierarchical: a code is a member when it starts with a listed code (A10AB covers A10AB05).
/// </summary>
public sealed class CodeListValue
{
    private readonly HashSet<string> _codes;
    private readonly HashSet<string> _displays;

    /// <summary>Creates a code list.</summary>
    public CodeListValue(string name, string? system, IEnumerable<(string Code, string? Display)> entries)
    {
        Name = name;
        System = system;
        Entries = [.. entries];
        _codes = new HashSet<string>(Entries.Select(e => e.Code), StringComparer.Ordinal);
        _displays = new HashSet<string>(Entries.Where(e => e.Display is not null).Select(e => e.Display!), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The code list name.</summary>
    public string Name { get; }

    /// <summary>The code system.</summary>
    public string? System { get; }

    /// <summary>The codes and displays.</summary>
    public IReadOnlyList<(string Code, string? Display)> Entries { get; }

    /// <summary>True for ATC, whose codes are hierarchical: listing A10AB covers A10AB05.</summary>
    private bool IsHierarchical => string.Equals(System, "ATC", StringComparison.OrdinalIgnoreCase);

    /// <summary>Membership of a string (null when the string is null).</summary>
    public bool? Contains(string? value)
    {
        if (value is null) return null;
        if (_codes.Contains(value) || _displays.Contains(value)) return true;
        return IsHierarchical && Entries.Any(e => value.StartsWith(e.Code, StringComparison.Ordinal));
    }

    /// <summary>Membership of a code (null when the code is null).</summary>
    public bool? Contains(CqlCode? code) =>
        code?.Code is null ? null : Contains(code.Code) == true && (code.System is null || System is null || string.Equals(code.System, System, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public override string ToString() => $"codelist {Name} ({Entries.Count} codes)";
}
