using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Verification;

/// <summary>A criterion named by a finding, with where it is written.</summary>
/// <param name="Id">The criterion id.</param>
/// <param name="Kind">inclusion or exclusion.</param>
/// <param name="Path">The protocol file.</param>
/// <param name="Line">The line the criterion starts on (1-based).</param>
/// <param name="Column">The column (1-based).</param>
/// <param name="Span">The criterion's span in its file.</param>
public sealed record CriterionRef(string Id, string Kind, string Path, int Line, int Column, TextSpan Span);
