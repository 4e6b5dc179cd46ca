using ProtocolEngine.Language.Diagnostics;

namespace ProtocolEngine.Checks.Results;

/// <summary>Why a check stopped: the runtime diagnostic (PE9xxx) and the record it was evaluating.</summary>
/// <param name="Diagnostic">The diagnostic, with the check's span and file.</param>
/// <param name="Dataset">The dataset of the record being evaluated, when there was one.</param>
/// <param name="SubjectId">The subject being evaluated, when there was one.</param>
/// <param name="RecordKey">The record being evaluated, when there was one.</param>
public sealed record CheckError(Diagnostic Diagnostic, string? Dataset, string? SubjectId, string? RecordKey)
{
    /// <summary>The diagnostic code, for example PE9005.</summary>
    public string Code => Diagnostic.Code;

    /// <summary>The message, naming the record where there was one.</summary>
    public string Message => Dataset is null && SubjectId is null
        ? Diagnostic.Message
        : $"{Diagnostic.Message} (at {string.Join(" ", new[] { Dataset, SubjectId, RecordKey }.Where(p => !string.IsNullOrEmpty(p)))})";
}
