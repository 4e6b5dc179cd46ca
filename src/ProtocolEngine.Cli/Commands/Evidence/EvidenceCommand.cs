using System.ComponentModel;
using ProtocolEngine.Cli.Commands.Screening;
using ProtocolEngine.Evidence;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Storage.Connections;
using ProtocolEngine.Storage.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli.Commands.Evidence;

/// <summary><c>protocol evidence</c>: writes the evidence pack the server's regulator page downloads, from files.</summary>
[Description("Write an evidence pack (zip): protocol texts and hashes, compiler version, conformance results, screening results, validation report, journal verification, signatures, and manifest.json with each file's SHA-256.")]
internal sealed class EvidenceCommand : AsyncCommand<EvidenceCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<protocol>")]
        [Description("The .protocol file.")]
        public string Protocol { get; init; } = "";

        [CommandOption("--data <PATH>")]
        [Description("The study: an SDTM folder (XPT, Dataset-JSON, NDJSON or CSV) or a FHIR R4 bundle.")]
        public string? Data { get; init; }

        [CommandOption("--encoding <NAME>")]
        [Description(Commands.Data.DataCommandSupport.EncodingDescription)]
        public string? Encoding { get; init; }

        [CommandOption("--as-of <DATE>")]
        [Description("The date every rule takes as today (YYYY-MM-DD). Default: today.")]
        public string? AsOf { get; init; }

        [CommandOption("--out <PACK.zip>")]
        [Description("The zip to write (replaced only once it is complete).")]
        public string? Out { get; init; }

        [CommandOption("--conformance <FOLDER>")]
        [Description("A folder of HL7 CQL conformance test files to run into the pack (for example ../shared/conformance/cql).")]
        public string? Conformance { get; init; }

        [CommandOption("--db <PATH>")]
        [Description("A SQLite workflow database whose journal is verified and whose signatures are listed.")]
        public string? Db { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Data)) return ValidationResult.Error("--data <PATH> is required.");
            if (Commands.Data.DataCommandSupport.ValidateEncoding(Encoding) is { Successful: false } badEncoding) return badEncoding;
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out <PACK.zip> is required.");
            return CliApp.OutputFileProblem(Out, "--out") is { } badOut ? ValidationResult.Error(badOut) : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Protocol)) throw new UserFacingException($"No such protocol file: {settings.Protocol}");
        if (settings.Conformance is { } suite && !Directory.Exists(suite)) throw new UserFacingException($"--conformance {suite}: no such folder.");
        if (settings.Db is { } db && !File.Exists(db)) throw new UserFacingException($"--db {db}: no such database.");
        var recorder = new RecordingSourceResolver(new FileSourceResolver(FileSourceResolver.ShippedLibraryRoot));
        var source = ProtocolFiles.Read(settings.Protocol);
        var protocol = new ProtocolCompiler(recorder).CompileFresh(source);
        if (protocol.HasErrors)
        {
            foreach (var d in protocol.Diagnostics.Where(d => d.IsError)) Console.Error.Write(DiagnosticRenderer.ToText(d));
            throw new UserFacingException($"{settings.Protocol} has {protocol.Diagnostics.Count(d => d.IsError)} error(s); `protocol check {settings.Protocol}` lists them.");
        }
        var asOf = ScreeningCommandSupport.AsOf(settings.AsOf);
        var study = ScreeningCommandSupport.Load(settings.Data!, encoding: Data.DataCommandSupport.ParseEncoding(settings.Encoding));
        JournalEvidence? journal = null;
        if (settings.Db is { } path)
        {
            try
            {
                var store = await WorkflowStores.OpenExistingAsync(Databases.Resolve(new DatabaseOptions(Sqlite: path))!, cancellationToken);
                journal = await JournalEvidenceReader.ReadAsync(store, $"workflow database {Path.GetFileName(path)}", cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                throw new UserFacingException(ex.Message);
            }
        }
        var request = new EvidenceRequest
        {
            Protocol = protocol,
            ProtocolText = source.Text,
            Libraries = recorder.Resolved,
            Study = study,
            StudyName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(settings.Data!))),
            AsOf = asOf,
            ConformanceSuite = settings.Conformance,
            Journal = journal,
            RequestedBy = Environment.UserName,
        };
        EvidenceManifest manifest = null!;
        await ScreeningCommandSupport.Status.Status().StartAsync("Screening, validating and packing...", _ =>
        {
            OutputFiles.Write(settings.Out!, stream => manifest = EvidencePack.Write(request, stream, cancellationToken), cancellationToken);
            return Task.CompletedTask;
        });
        Console.Out.WriteLine($"Wrote {settings.Out}: {manifest.Files.Count} files of {manifest.Protocol} version {manifest.Version} ({manifest.ContentHash[..12]}), each with its SHA-256 in manifest.json.");
        foreach (var f in manifest.Files) Console.Out.WriteLine($"  {f.Sha256}  {f.Path}");
        if (journal is { Intact: false }) Console.Error.WriteLine($"warning: the journal does not verify ({journal.Problems.Count} problem(s)); see journal/verification.json.");
        return 0;
    }
}
