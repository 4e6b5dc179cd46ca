namespace ProtocolEngine.LanguageService.Workspace;

/// <summary>A value a study's data hold for a variable, with what it means and how often it occurs.</summary>
/// <param name="Value">The value, for example ALT.</param>
/// <param name="Label">What it means when the data say (LBTEST for an LBTESTCD), or null.</param>
/// <param name="Count">The number of records holding it.</param>
public sealed record StudyValue(string Value, string? Label, int Count);

/// <summary>The values a linked study actually holds, for completing codes (LBTESTCD, QSTESTCD, ...) in rules.</summary>
public interface IStudyVocabulary
{
    /// <summary>A short description of the study (its folder), for completion details.</summary>
    string Name { get; }

    /// <summary>The distinct values of a variable, most frequent first; empty when the study lacks it or it is not coded text.</summary>
    IReadOnlyList<StudyValue> ValuesOf(string domain, string variable);
}
