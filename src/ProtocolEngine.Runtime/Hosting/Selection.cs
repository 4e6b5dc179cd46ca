using ProtocolEngine.Language.Binding;

namespace ProtocolEngine.Runtime.Hosting;

/// <summary>
/// The one message for a name a user selects by that does not exist (a check id, a phase, a subject, a variable,
/// a domain): it names the unknown value, the closest valid one when there is one, and the valid ones, so that a
/// typo is an error instead of a run that silently selects nothing.
/// </summary>
public static class Selection
{
    /// <summary>The error for <paramref name="unknown"/>, one of which was asked for among <paramref name="valid"/>.</summary>
    /// <param name="what">What is selected, singular ("check", "phase", "subject").</param>
    /// <param name="unknown">The value given.</param>
    /// <param name="where">Where it was looked for ("in cdiscpilot01.protocol", "in the study").</param>
    /// <param name="valid">Every valid value.</param>
    /// <param name="listed">How many valid values to list at most.</param>
    /// <param name="plural">The plural of <paramref name="what"/> when it is not <paramref name="what"/> + "s".</param>
    public static ArgumentException Unknown(string what, string unknown, string where, IReadOnlyCollection<string> valid, int listed = 12, string? plural = null)
    {
        var closest = valid.FirstOrDefault(v => string.Equals(v, unknown, StringComparison.OrdinalIgnoreCase))
            ?? NameSuggester.Suggest(unknown, valid);
        var hint = closest is null ? "" : $" (did you mean {closest}?)";
        plural ??= what + "s";
        var list = valid.Count == 0 ? $"There are no {plural} to choose from."
            : $"Valid {plural}: {string.Join(", ", valid.Take(listed))}{(valid.Count > listed ? $" ... ({valid.Count:N0} in all)" : "")}.";
        return new ArgumentException($"No {what} '{unknown}' {where}{hint}. {list}");
    }

    /// <summary>Throws for the first of <paramref name="asked"/> that is not in <paramref name="valid"/> (compared with <paramref name="comparer"/>).</summary>
    /// <exception cref="ArgumentException">A value is not valid.</exception>
    public static void Require(string what, IEnumerable<string> asked, string where, IReadOnlyCollection<string> valid, StringComparer? comparer = null)
    {
        var set = new HashSet<string>(valid, comparer ?? StringComparer.Ordinal);
        foreach (var a in asked)
            if (!set.Contains(a)) throw Unknown(what, a, where, valid);
    }
}
