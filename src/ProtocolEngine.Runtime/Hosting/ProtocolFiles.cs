using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Runtime.Hosting;

/// <summary>Reading .protocol files and finding them in folders.</summary>
public static class ProtocolFiles
{
    /// <summary>The file extension of protocol files.</summary>
    public const string Extension = ".protocol";

    /// <summary>Reads a protocol file; the path shown in diagnostics is the one given (relative paths stay relative).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a folder, a named pipe or a device (reading a pipe would wait forever).</exception>
    public static SourceText Read(string path)
    {
        if (Directory.Exists(path)) throw new IOException($"{path} is a folder, not a protocol file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"Protocol file not found: {path}", path);
        if (OutputFiles.KindOfTarget(path) is var kind && kind != PathKind.File) throw new IOException($"{path} is {OutputFiles.Describe(kind)}, not a protocol file.");
        return new SourceText(File.ReadAllText(path), path);
    }

    /// <summary>
    /// Expands files and folders into the .protocol files they name: a folder yields every .protocol file
    /// below it, sorted by path. A path that exists neither as file nor folder is returned as missing.
    /// </summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<string> Missing) Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var missing = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
                files.AddRange(Directory.EnumerateFiles(path, "*" + Extension, SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            else if (File.Exists(path))
                files.Add(path);
            else
                missing.Add(path);
        }
        return (files.Distinct(StringComparer.Ordinal).ToList(), missing);
    }
}
