using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Diagnostics;

/// <summary>How serious a diagnostic is. Only errors stop a protocol from running.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The protocol cannot run until this is fixed.</summary>
    Error,
    /// <summary>Probably a mistake; the protocol still runs.</summary>
    Warning,
    /// <summary>Worth knowing.</summary>
    Info,
}

/// <summary>A finding about a protocol's text: a stable code, where it is, and what to do about it.</summary>
/// <param name="Span">Where in the file.</param>
/// <param name="Severity">Error, warning or info.</param>
/// <param name="Code">The stable code, for example PE1003. Codes are never reused or renumbered.</param>
/// <param name="Message">What is wrong and what to do.</param>
public sealed record Diagnostic(TextSpan Span, DiagnosticSeverity Severity, string Code, string Message)
{
    /// <summary>The source file the span refers to (set by the compilation; null for a lone expression).</summary>
    public SourceText? Source { get; init; }

    /// <summary>
    /// The name that was probably meant, for a misspelt one ("did you mean"): an editor's quick fix replaces the text at
    /// <see cref="Span"/> with it. Null when the catalog has no suggestion.
    /// </summary>
    public string? Suggestion { get; init; }

    /// <summary>True for errors.</summary>
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>Renders <c>path(line,col): error PE1003: message</c>.</summary>
    public override string ToString()
    {
        var severity = Severity.ToString().ToLowerInvariant();
        if (Source is null) return $"({Span.Start}): {severity} {Code}: {Message}";
        var (line, col) = Source.GetLinePosition(Span.Start);
        return $"{Source.Path}({line},{col}): {severity} {Code}: {Message}";
    }
}
