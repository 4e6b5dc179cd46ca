using System.Collections.Concurrent;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.LanguageService.Workspace;

/// <summary>
/// The values of a loaded study (<see cref="StudyData"/>), read on first use per variable: the distinct text values with
/// their counts, and for a test code (<c>--TESTCD</c>) the test name (<c>--TEST</c>) of the same records as its label.
/// Variables with more distinct values than <see cref="MaxValues"/> (free text, identifiers) offer none.
/// </summary>
public sealed class StudyVocabulary(StudyData data, string name) : IStudyVocabulary
{
    /// <summary>The most distinct values a variable may have to be offered as codes.</summary>
    public const int MaxValues = 500;

    private readonly ConcurrentDictionary<(string, string), IReadOnlyList<StudyValue>> _values = new();

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public IReadOnlyList<StudyValue> ValuesOf(string domain, string variable) =>
        _values.GetOrAdd((domain.ToUpperInvariant(), variable.ToUpperInvariant()), key => Read(key.Item1, key.Item2));

    private IReadOnlyList<StudyValue> Read(string domain, string variable)
    {
        var table = data.GetDomain(domain);
        var column = table?.GetColumn(variable);
        if (table is null || column is null) return [];
        var labelColumn = variable.EndsWith("TESTCD", StringComparison.Ordinal) ? table.GetColumn(variable[..^2]) : null;
        var counts = new Dictionary<string, (int Count, string? Label)>(StringComparer.Ordinal);
        for (int row = 0; row < table.RowCount; row++)
        {
            if (column.GetObject(row) is not string value || value.Length == 0) continue;
            counts.TryGetValue(value, out var seen);
            counts[value] = (seen.Count + 1, seen.Label ?? labelColumn?.GetObject(row) as string);
            if (counts.Count > MaxValues) return [];
        }
        return [.. counts.OrderByDescending(c => c.Value.Count).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => new StudyValue(c.Key, c.Value.Label, c.Value.Count))];
    }
}
