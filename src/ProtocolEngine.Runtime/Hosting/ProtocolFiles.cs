using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Runtime.Hosting;

/// <summary>Reading .protocol files and finding them in folders.</summary>
public static class ProtocolFiles
{
    /// <summary>The file extension of protocol files.</summary>
    public const string Extension = ".protocol";

    /// <summary>Reads a protocol file; the path shown in diagnostics is the one given (relative paths stay relative).</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxLength">
    /// Reads at most one character more than this, so that a file far larger than the compiler accepts is reported
    /// as too large (the compiler sees the extra character) without being read whole into memory.
    /// </param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a folder, a named pipe or a device (reading a pipe would wait forever).</exception>
    public static SourceText Read(string path, int maxLength = int.MaxValue)
    {
        if (Directory.Exists(path)) throw new IOException($"{path} is a folder, not a protocol file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"Protocol file not found: {path}", path);
        if (OutputFiles.KindOfTarget(path) is var kind && kind != PathKind.File) throw new IOException($"{path} is {OutputFiles.Describe(kind)}, not a protocol file.");
        if (maxLength == int.MaxValue) return new SourceText(File.ReadAllText(path), path);
        // The same encoding detection as File.ReadAllText (UTF-8 unless a byte order mark says otherwise).
        using var reader = new StreamReader(path);
        var text = new System.Text.StringBuilder();
        var chunk = new char[81920];
        while (text.Length <= maxLength)
        {
            int read = reader.Read(chunk, 0, (int)Math.Min(chunk.Length, (long)maxLength + 1 - text.Length));
            if (read == 0) break;
            text.Append(chunk, 0, read);
        }
        return new SourceText(text.ToString(), path);
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
