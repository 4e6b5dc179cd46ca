using ProtocolEngine.Language.Diagnostics;

namespace ProtocolEngine.Language.Compilation;

/// <summary>
/// A protocol is known by its name and version (CDISCPILOT01 version "1.0"): reports, recorded determinations and
/// workflows name it so. Two files of one folder that declare the same name and version make those names ambiguous.
/// </summary>
public static class ProtocolIdentity
{
    /// <summary>
    /// A warning on each file of a folder whose name and version another file of that folder also declares, naming
    /// the other file. Files are grouped by the folder their path names.
    /// </summary>
    public static IReadOnlyList<Diagnostic> FindDuplicates(IEnumerable<CompiledProtocol> protocols)
    {
        var result = new List<Diagnostic>();
        var groups = protocols
            .Where(p => p.Syntax.Header is { Name.Text.Length: > 0 })
            .GroupBy(p => (Folder: Path.GetDirectoryName(Path.GetFullPath(p.Source.Path)) ?? "", p.Name, Version: p.Version ?? ""))
            .Where(g => g.Count() > 1);
        foreach (var group in groups)
        {
            var files = group.DistinctBy(p => Path.GetFullPath(p.Source.Path)).OrderBy(p => p.Source.Path, StringComparer.Ordinal).ToList();
            if (files.Count < 2) continue;
            var version = group.Key.Version.Length == 0 ? "without a version" : $"version \"{group.Key.Version}\"";
            for (int i = 0; i < files.Count; i++)
            {
                var other = files[i == 0 ? 1 : 0];
                result.Add(DiagnosticCatalog.DuplicateProtocolId(files[i].Syntax.Header!.Name.Span, files[i].Name, version, Path.GetFileName(other.Source.Path))
                    with { Source = files[i].Source });
            }
        }
        return result;
    }
}
