namespace ProtocolEngine.Runtime.Hosting;

/// <summary>
/// Files written together, all or none: each is written under a temporary name beside its target
/// (<c>name.XXXXXXXX.partial</c>); <see cref="Commit"/> moves them all into place; disposing without committing
/// (an exception, a full disk, cancellation) deletes every temporary file, so nothing half-written remains.
/// Targets are checked with <see cref="OutputFiles.FileProblem"/> when added and again just before the move.
/// </summary>
public sealed class AtomicFileSet : IDisposable
{
    private readonly List<(string Temporary, string Target, FileStream? Stream)> _files = [];
    private bool _committed;

    /// <summary>The target paths added so far.</summary>
    public IReadOnlyList<string> Targets => [.. _files.Select(f => f.Target)];

    /// <summary>Creates the temporary file for <paramref name="target"/> and returns it open for writing (and reading back).</summary>
    /// <exception cref="OutputPathException">The target is not a regular file or a new path in an existing folder.</exception>
    public FileStream Create(string target, int bufferSize = 1 << 16)
    {
        var full = Path.GetFullPath(target);
        OutputFiles.RequireFile(full, "output");
        var temporary = full + "." + Guid.NewGuid().ToString("N")[..8] + OutputFiles.TemporarySuffix;
        var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize);
        _files.Add((temporary, full, stream));
        return stream;
    }

    /// <summary>Reserves a temporary path for <paramref name="target"/> that the caller fills itself (a copy, for example).</summary>
    /// <exception cref="OutputPathException">The target is not a regular file or a new path in an existing folder.</exception>
    public string Reserve(string target)
    {
        var full = Path.GetFullPath(target);
        OutputFiles.RequireFile(full, "output");
        var temporary = full + "." + Guid.NewGuid().ToString("N")[..8] + OutputFiles.TemporarySuffix;
        _files.Add((temporary, full, null));
        return temporary;
    }

    /// <summary>Moves every file into place. Streams still open are flushed and closed first.</summary>
    /// <exception cref="OutputPathException">A target became something other than a regular file meanwhile.</exception>
    public void Commit()
    {
        foreach (var (_, _, stream) in _files)
        {
            if (stream is null) continue;
            if (stream.CanWrite) stream.Flush(flushToDisk: false);
            stream.Dispose();
        }
        foreach (var (_, target, _) in _files) OutputFiles.RequireFile(target, "output");
        foreach (var (temporary, target, _) in _files) File.Move(temporary, target, overwrite: true);
        _committed = true;
    }

    /// <summary>Deletes the temporary files unless committed.</summary>
    public void Dispose()
    {
        foreach (var (temporary, _, stream) in _files)
        {
            try { stream?.Dispose(); }
            catch (IOException) { } // a full disk fails the final flush too; the file goes anyway
            if (_committed) continue;
            try { File.Delete(temporary); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        _files.Clear();
    }
}
