namespace ProtocolEngine.Usdm;

/// <summary>
/// What is wrong with a USDM study definition (or with a protocol being exported), at one place: the JSON path of
/// the value (<c>$.study.versions[0].eligibilityCriterionItems[3].text</c>) and, when read from a file, its line.
/// </summary>
/// <param name="Path">The JSON path of the value that is wrong (of its object when the value is missing).</param>
/// <param name="Line">The 1-based line of that value in the file read, when known.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record UsdmProblem(string Path, int? Line, string Message)
{
    /// <summary>The problem as one line: <c>line 12, $.study.name: expected a text</c>.</summary>
    public override string ToString() => Line is int line ? $"line {line}, {Path}: {Message}" : $"{Path}: {Message}";
}
