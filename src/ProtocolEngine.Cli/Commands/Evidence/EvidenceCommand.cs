using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Cli.Commands.Screening;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Evidence;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Storage.Connections;

namespace ProtocolEngine.Cli.Commands.Evidence;

/// <summary><c>protocol evidence</c>: writes the evidence pack the server's regulator page downloads, from files.</summary>
[Description("Write an evidence pack (zip): protocol texts and hashes, compiler version, conformance results, screening results, validation report, journal verification, signatures, and manifest.json with each file's SHA-256.")]
[ExitCode(CliApp.Success, "the pack is written (a journal that does not verify is reported in the pack and as a warning)")]
internal sealed class EvidenceCommand(CliConsole console) : AsyncCommand<EvidenceSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, EvidenceSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Conformance is { } suite && !Directory.Exists(suite)) throw new UserFacingException($"--conformance {suite}: no such folder.");
        if (settings.Db is { } db && !File.Exists(db)) throw new UserFacingException($"--db {db}: no such database.");
        var protocol = ProtocolCommandSupport.CompileOrReport(settings.Protocol, console);
        var asOf = ScreeningCommandSupport.AsOf(settings.AsOf);
        var study = DataCommandSupport.Load(settings.Data!, new StudyLoadOptions { Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) }, console);
        JournalEvidence? journal = null;
        if (settings.Db is { } path)
        {
            var store = await Databases.OpenStoreAsync(Databases.Resolve(new DatabaseOptions(Sqlite: path), console)!, existing: true, cancellationToken);
            journal = await JournalEvidenceReader.ReadAsync(store, $"workflow database {Path.GetFileName(path)}", cancellationToken);
        }
        var request = new EvidenceRequest
        {
            Protocol = protocol,
            Study = study,
            StudyName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.Data!))),
            AsOf = asOf,
            ConformanceSuite = settings.Conformance,
            Journal = journal,
            RequestedBy = Environment.UserName,
        };
        var manifest = console.Progress("Screening, validating and packing", _ =>
        {
            EvidenceManifest written = null!;
            OutputFiles.Write(settings.Out!, stream => written = EvidencePack.Write(request, stream, cancellationToken), cancellationToken);
            return written;
        });
        console.Text.WriteLine($"Wrote {settings.Out}: {manifest.Files.Count} files of {manifest.Protocol} version {manifest.Version} ({manifest.ContentHash[..12]}), each with its SHA-256 in manifest.json.");
        foreach (var f in manifest.Files) console.Text.WriteLine($"  {f.Sha256}  {f.Path}");
        if (journal is { Intact: false }) console.Error.WriteLine($"warning: the journal does not verify ({journal.Problems.Count} problem(s)); see journal/verification.json.");
        return CliApp.Success;
    }
}
