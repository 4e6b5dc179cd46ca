using System.IO.Compression;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ProtocolEngine.Checks;
using ProtocolEngine.Checks.Reports;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Conformance;
using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Evidence;

/// <summary>
/// The evidence pack a regulator or auditor takes away: one zip with the protocol texts and hashes, the compiler's
/// version, its conformance results, the screening results, the validation report, the journal verification and the
/// signature manifest, and manifest.json listing every file with its SHA-256 so each can be checked on its own.
/// `protocol evidence` and the server's evidence-pack endpoint both write it here.
/// </summary>
public static class EvidencePack
{
    /// <summary>The manifest's path in the zip.</summary>
    public const string ManifestPath = "manifest.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // The texts the content hash covers: every library the protocol imports, directly or through another, by qualified
    // name (a library imported under two aliases is one text).
    private static SortedDictionary<string, string> LibrariesOf(CompiledProtocol protocol)
    {
        var texts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<LibraryExports>(protocol.Libraries);
        while (pending.TryPop(out var library))
        {
            if (!texts.TryAdd(library.Name, library.Source.Text)) continue;
            foreach (var import in library.Imports) pending.Push(import);
        }
        return texts;
    }

    /// <summary>Screens and validates the study, gathers the rest, and writes the pack to <paramref name="output"/>.</summary>
    /// <returns>The manifest written into the pack.</returns>
    public static EvidenceManifest Write(EvidenceRequest request, Stream output, CancellationToken cancellationToken = default)
    {
        var p = request.Protocol;
        if (p.HasErrors) throw new ArgumentException($"{p.Name} has errors; an evidence pack is made of a protocol that compiles.", nameof(request));
        var files = new List<(string Path, byte[] Bytes)>();
        void Add(string path, string text) => files.Add((path, Encoding.UTF8.GetBytes(text)));
        void AddJson(string path, object value) => files.Add((path, JsonSerializer.SerializeToUtf8Bytes(value, Json)));

        Add("README.txt", Readme(request));
        var libraries = LibrariesOf(p);
        Add($"protocol/{Safe(p.Name)}.protocol", p.Source.Text);
        foreach (var (name, text) in libraries) Add($"protocol/libraries/{Safe(name)}.protocol", text);
        AddJson("protocol/hashes.json", new
        {
            protocol = p.Name,
            version = p.Version,
            contentHash = p.ContentHash,
            libraries = libraries.Keys,
            criteria = p.Criteria.Select(c => new { id = c.Id, kind = c.Kind.ToString().ToLowerInvariant(), text = c.Title, hash = c.Hash }),
            checks = p.Checks.Select(c => new { id = c.Id, hash = c.Hash }),
            safetyRules = p.SafetyRules.Select(s => new { id = s.Id, hash = s.Hash }),
            workflows = p.Workflows.Select(w => new { name = w.Name, hash = w.Hash }),
        });
        AddJson("compiler.json", Compiler());
        AddJson("conformance.json", Conformance(request.ConformanceSuite));

        cancellationToken.ThrowIfCancellationRequested();
        var screening = Screener.Screen(p, request.Study.Data, new ScreeningOptions { AsOf = request.AsOf }, cancellationToken);
        using (var ms = new MemoryStream())
        {
            ScreeningJson.Write(screening, ms, ScreeningHtml.FairnessIfPossible(screening), indented: true, includeSubjects: true);
            files.Add(("screening/results.json", ms.ToArray()));
        }
        var validation = CheckRunner.Run(p, request.Study, new CheckRunOptions { AsOf = request.AsOf }, cancellationToken);
        Add("validation/report.json", CoreJsonReport.ToJson(validation));

        var journal = request.Journal;
        AddJson("journal/verification.json", journal is null
            ? new { verified = false, note = "No workflow journal was given: this pack holds no workflow decisions." }
            : (object)new { verified = true, source = journal.Source, intact = journal.Intact, instances = journal.Instances, entries = journal.Entries, problems = journal.Problems });
        AddJson("journal/signatures.json", new { count = journal?.Signatures.Count ?? 0, signatures = journal?.Signatures ?? [] });

        var manifest = new EvidenceManifest(p.Name, p.Version, p.ContentHash,
            [.. files.Select(f => new EvidenceFile(f.Path, f.Bytes.LongLength, Sha256(f.Bytes)))]);
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, bytes) in files.Append((ManifestPath, JsonSerializer.SerializeToUtf8Bytes(new
            {
                format = "protocolengine-evidence-v1",
                protocol = manifest.Protocol,
                version = manifest.Version,
                contentHash = manifest.ContentHash,
                study = request.StudyName,
                asOf = request.AsOf.ToIsoString(),
                createdAt = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                requestedBy = request.RequestedBy,
                files = manifest.Files,
            }, Json))))
            {
                var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
                using var s = entry.Open();
                s.Write(bytes);
            }
        }
        return manifest;
    }

    /// <summary>
    /// Checks a pack: every file the manifest lists exists with its size and SHA-256, and no file is unlisted.
    /// Returns the problems (empty when the pack is intact).
    /// </summary>
    public static IReadOnlyList<string> Verify(Stream zipStream)
    {
        var problems = new List<string>();
        using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
        var manifestEntry = zip.GetEntry(ManifestPath);
        if (manifestEntry is null) return ["The pack has no manifest.json."];
        JsonElement manifest;
        using (var s = manifestEntry.Open()) manifest = JsonDocument.Parse(s).RootElement.Clone();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in manifest.GetProperty("files").EnumerateArray())
        {
            var path = f.GetProperty("path").GetString()!;
            listed.Add(path);
            var entry = zip.GetEntry(path);
            if (entry is null) { problems.Add($"{path}: listed in the manifest but not in the pack."); continue; }
            using var ms = new MemoryStream();
            using (var s = entry.Open()) s.CopyTo(ms);
            var bytes = ms.ToArray();
            if (Sha256(bytes) != f.GetProperty("sha256").GetString()) problems.Add($"{path}: its SHA-256 is not the manifest's.");
            if (bytes.LongLength != f.GetProperty("bytes").GetInt64()) problems.Add($"{path}: its size is not the manifest's.");
        }
        foreach (var e in zip.Entries.Where(e => e.FullName != ManifestPath && !listed.Contains(e.FullName)))
            problems.Add($"{e.FullName}: in the pack but not in the manifest.");
        return problems;
    }

    /// <summary>SHA-256 of bytes, lower-case hex.</summary>
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));

    private static object Compiler()
    {
        var asm = typeof(ProtocolCompiler).Assembly;
        return new
        {
            compiler = "ProtocolEngine",
            version = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? asm.GetName().Version?.ToString(),
            assembly = asm.GetName().Version?.ToString(),
            runtime = RuntimeInformation.FrameworkDescription,
            os = RuntimeInformation.OSDescription,
        };
    }

    private static object Conformance(string? suite)
    {
        if (suite is null || !Directory.Exists(suite))
            return new { ran = false, note = suite is null ? "No conformance suite was given." : $"The conformance suite folder {suite} does not exist." };
        var runner = new CqlConformanceRunner();
        var results = CqlConformanceRunner.FindFiles(suite).SelectMany(runner.RunFile).ToList();
        int passed = results.Count(r => r.Outcome == ConformanceOutcome.Passed);
        return new
        {
            ran = true,
            suite = "HL7 CQL conformance tests",
            files = results.Select(r => r.File).Distinct().Count(),
            total = results.Count,
            passed,
            failed = results.Count(r => r.Outcome == ConformanceOutcome.Failed),
            skipped = results.Count(r => r.Outcome == ConformanceOutcome.Skipped),
            passRate = results.Count == 0 ? 0 : Math.Round(100.0 * passed / results.Count, 2),
            notPassed = results.Where(r => r.Outcome != ConformanceOutcome.Passed)
                .Select(r => new { file = Path.GetFileName(r.File), group = r.Group, name = r.Name, outcome = r.Outcome.ToString().ToLowerInvariant(), expected = r.Expected, actual = r.Actual }),
        };
    }

    private static string Readme(EvidenceRequest r) => $"""
        ProtocolEngine evidence pack
        Protocol {r.Protocol.Name} version {r.Protocol.Version}, content hash {r.Protocol.ContentHash}
        Study {r.StudyName}, rules run as of {r.AsOf.ToIsoString()}

        protocol/            the protocol text and every library it imports; hashes.json: content hash, each criterion's rule hash
        compiler.json        the compiler's version and runtime
        conformance.json     HL7 CQL conformance results of this compiler (or why none were run)
        screening/           every subject, every criterion, its outcome and the values it read
        validation/          the data checks' report (CORE-shaped JSON)
        journal/             the journal's verification and every electronic signature
        manifest.json        every file with its size and SHA-256: `sha256sum FILE` must print the manifest's value

        """;
}
