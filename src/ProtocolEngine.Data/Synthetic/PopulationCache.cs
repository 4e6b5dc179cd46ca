using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Data.Synthetic;

/// <summary>What <see cref="PopulationCache.Ensure"/> did.</summary>
public enum PopulationCacheAction
{
    /// <summary>The cached population matched its manifest and was reused.</summary>
    Reused,
    /// <summary>There was no population yet; it was generated.</summary>
    Generated,
    /// <summary>The cached population did not match its manifest (or had none); it was generated again.</summary>
    Regenerated,
}

/// <summary>What <see cref="PopulationCache.Ensure"/> did, and why, in a sentence for the user.</summary>
/// <param name="Action">Reused, generated or regenerated.</param>
/// <param name="Message">What was found and done.</param>
public sealed record PopulationCacheResult(PopulationCacheAction Action, string Message);

/// <summary>
/// A synthetic population kept on disk for reuse (the demo's), with a manifest of every file it wrote: name,
/// size and SHA-256. A later run reuses it only when every file is there with the same size and hash and the
/// manifest is for the same subjects, seed and format; otherwise the population is generated again and the
/// result says why (a deleted or edited dataset must never be screened as if it were the population).
/// </summary>
public static class PopulationCache
{
    /// <summary>The manifest's file name in the population folder (JSON, but not named .json: the study loader reads .json files as datasets).</summary>
    public const string ManifestName = "population.manifest";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Reuses the population in <paramref name="folder"/> when it matches its manifest, else generates it (again).</summary>
    /// <exception cref="OutputPathException">The folder or a file in it is not something a population may be written to.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; no half-written file is left.</exception>
    public static PopulationCacheResult Ensure(string folder, SynthOptions options, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var problem = Verify(folder, options);
        if (problem is null)
            return new(PopulationCacheAction.Reused, $"Reusing the population in {folder}: every file matches its manifest (size and SHA-256).");
        bool existed = Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any();
        if (existed)
        {
            // Temporary files of an interrupted run, and the stale manifest, go before the population is written again.
            foreach (var stale in Directory.EnumerateFiles(folder, "*" + OutputFiles.TemporarySuffix)) File.Delete(stale);
            var manifest = Path.Combine(folder, ManifestName);
            if (OutputFiles.KindOf(manifest) == PathKind.File) File.Delete(manifest);
        }
        var result = PopulationGenerator.Generate(folder, options, progress, cancellationToken);
        WriteManifest(folder, options, result.Files, cancellationToken);
        return existed
            ? new(PopulationCacheAction.Regenerated, $"The population in {folder} was generated again: {problem}.")
            : new(PopulationCacheAction.Generated, $"Generated {options.Subjects:N0} subjects into {folder}.");
    }

    /// <summary>Why the population in <paramref name="folder"/> cannot be reused, or null when it can.</summary>
    public static string? Verify(string folder, SynthOptions options)
    {
        var path = Path.Combine(folder, ManifestName);
        if (!Directory.Exists(folder)) return "there is no population yet";
        if (OutputFiles.KindOf(path) != PathKind.File) return $"it has no {ManifestName}";
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            return $"its {ManifestName} cannot be read ({ex.Message})";
        }
        if (manifest?.Files is not { Count: > 0 } files) return $"its {ManifestName} lists no files";
        if (manifest.Subjects != options.Subjects || manifest.Seed != options.Seed || !string.Equals(manifest.Format, Format(options.Format), StringComparison.Ordinal))
            return $"its {ManifestName} is for {manifest.Subjects} subjects, seed {manifest.Seed}, format {manifest.Format}";
        foreach (var file in files)
        {
            var full = Path.Combine(folder, Path.GetFileName(file.Name));
            var kind = OutputFiles.KindOf(full);
            if (kind == PathKind.Missing) return $"{file.Name} is missing";
            if (kind != PathKind.File) return $"{file.Name} is not a regular file";
            long size = new FileInfo(full).Length;
            if (size != file.Bytes) return $"{file.Name} has {size:N0} bytes, the manifest says {file.Bytes:N0}";
            if (!string.Equals(Sha256(full), file.Sha256, StringComparison.OrdinalIgnoreCase)) return $"{file.Name} has changed (its SHA-256 differs from the manifest's)";
        }
        var expected = PopulationGenerator.FileNames(options.Format).ToHashSet(StringComparer.Ordinal);
        var listed = files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        if (expected.FirstOrDefault(e => !listed.Contains(e)) is { } absent) return $"its {ManifestName} does not list {absent}";
        return null;
    }

    private static void WriteManifest(string folder, SynthOptions options, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var manifest = new Manifest(Subjects: options.Subjects, Seed: options.Seed, Format: Format(options.Format),
            Files: [.. files.Select(f => new ManifestFile(Path.GetFileName(f), new FileInfo(f).Length, Sha256(f)))]);
        OutputFiles.WriteText(Path.Combine(folder, ManifestName), w => w.Write(JsonSerializer.Serialize(manifest, Json)), cancellationToken);
    }

    private static string Format(DataFileFormat format) => format.ToString().ToLowerInvariant();

    private static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    private sealed record Manifest(int Subjects, ulong Seed, string Format, IReadOnlyList<ManifestFile> Files)
    {
        [JsonPropertyOrder(-1)]
        public string Generator { get; init; } = "ProtocolEngine synthetic population";
    }

    private sealed record ManifestFile(string Name, long Bytes, string Sha256);
}
