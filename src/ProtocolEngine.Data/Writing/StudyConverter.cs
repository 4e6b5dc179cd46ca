using ProtocolEngine.Data.Define;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Data.Writing;

/// <summary>What a conversion wrote.</summary>
/// <param name="Files">The dataset files written, one per dataset.</param>
/// <param name="Define">The define.xml written or copied, if any.</param>
/// <param name="Notes">What the reader chose or noticed on the way.</param>
public sealed record ConversionResult(IReadOnlyList<string> Files, string? Define, IReadOnlyList<LoadNote> Notes);

/// <summary>
/// Converts a study (a folder or file in any supported format) to another format, dataset by dataset, as
/// read (supplemental qualifiers stay in their SUPP-- datasets). Every file is first written under a
/// temporary name and all are moved into place only when all succeeded, so a failure leaves the output
/// folder as it was. CSV carries no types, so a CSV export also gets a define.xml describing the written
/// datasets; other formats keep the source's define.xml, copied, when there is one.
/// </summary>
public static class StudyConverter
{
    /// <summary>Converts <paramref name="input"/> into <paramref name="outputFolder"/> as <paramref name="format"/>.</summary>
    /// <exception cref="DataFormatException">An input file is unreadable or holds bad data; nothing is written.</exception>
    /// <exception cref="ArgumentException">A dataset does not fit the target format (for example an XPT name over 8 characters); nothing is written.</exception>
    public static ConversionResult Convert(string input, DataFileFormat format, string outputFolder, StudyLoadOptions? options = null,
        IProgress<(int Done, int Total, string Dataset)>? progress = null)
    {
        var raw = StudyLoader.ReadRaw(input, options);
        OutputFiles.RequireFolder(outputFolder, "output folder");
        Directory.CreateDirectory(outputFolder);
        using var files = new AtomicFileSet();
        var written = new List<string>();
        int done = 0;
        foreach (var table in raw.Tables)
        {
            var final = Path.Combine(outputFolder, FileName(table, format));
            using (var stream = files.Create(final))
                DatasetWriter.Write(table, stream, format);
            written.Add(final);
            progress?.Report((++done, raw.Tables.Count, table.Name));
        }
        string? define = null;
        if (format == DataFileFormat.Csv || raw.Define is not null)
        {
            define = Path.Combine(outputFolder, "define.xml");
            if (format == DataFileFormat.Csv)
            {
                using var stream = files.Create(define);
                var study = raw.Define?.StudyName ?? StudyIdOf(raw.Tables) ?? "STUDY";
                DefineXmlWriter.Write(stream, study, raw.Tables, t => FileName(t, format));
            }
            else File.Copy(raw.Define!.Source, files.Reserve(define));
        }
        files.Commit();
        return new ConversionResult(written, define, raw.Notes);
    }

    /// <summary>The file name a dataset is written under: its lower-case name and the format's extension.</summary>
    public static string FileName(DomainTable table, DataFileFormat format) => table.Name.ToLowerInvariant() + DataFileFormats.Extension(format);

    private static string? StudyIdOf(IEnumerable<DomainTable> tables)
    {
        foreach (var t in tables)
            if (t.GetColumn("STUDYID") is TextColumn s && t.RowCount > 0 && s.GetString(0) is { } id) return id;
        return null;
    }
}
