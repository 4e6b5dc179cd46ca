namespace ProtocolEngine.Checks.Reports;

/// <summary>Writing report files so that a failure never leaves a half-written report behind.</summary>
public static class ReportFiles
{
    /// <summary>Writes a text file through a temporary file in the same folder, then moves it into place.</summary>
    /// <exception cref="IOException">The file cannot be written; nothing is left behind.</exception>
    public static void WriteAtomically(string path, Action<TextWriter> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"The folder of {path} does not exist.");
        var temporary = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var writer = new StreamWriter(temporary, false, new System.Text.UTF8Encoding(false))) write(writer);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
