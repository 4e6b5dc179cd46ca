using System.Runtime.InteropServices;
using System.Text;

namespace ProtocolEngine.Runtime.Hosting;

/// <summary>What a path is on disk, without following a symbolic link.</summary>
public enum PathKind
{
    /// <summary>Nothing is there.</summary>
    Missing,
    /// <summary>A regular file.</summary>
    File,
    /// <summary>A folder.</summary>
    Directory,
    /// <summary>A symbolic link (to anything, or dangling).</summary>
    SymbolicLink,
    /// <summary>A named pipe.</summary>
    Fifo,
    /// <summary>A character device such as /dev/null or /dev/full.</summary>
    CharacterDevice,
    /// <summary>A block device such as a disk.</summary>
    BlockDevice,
    /// <summary>A Unix socket.</summary>
    Socket,
}

/// <summary>
/// The one way every host writes output files. A file is written under a temporary name beside its target and
/// moved into place only when complete, so a failure, a full disk or Ctrl-C never leaves a half-written file:
/// the temporary file is deleted. Replacing by rename is only right for a regular file or a new path; a device
/// (<c>/dev/full</c>), a named pipe, a socket, a folder or a symbolic link at the target would be replaced by a
/// regular file, so such targets are refused, and hosts check them before any work starts.
/// </summary>
public static class OutputFiles
{
    /// <summary>The suffix of temporary files (removed on failure and cancellation).</summary>
    public const string TemporarySuffix = ".partial";

    /// <summary>What is at <paramref name="path"/>, without following a symbolic link.</summary>
    public static PathKind KindOf(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return PathKind.SymbolicLink;
        if (System.IO.Directory.Exists(path)) return PathKind.Directory;
        if (!info.Exists) return PathKind.Missing;
        return Posix.FileType(path) switch
        {
            0x1000 => PathKind.Fifo,
            0x2000 => PathKind.CharacterDevice,
            0x6000 => PathKind.BlockDevice,
            0xC000 => PathKind.Socket,
            _ => PathKind.File,
        };
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be written as an output file, or null when it can: it is a regular file or
    /// a new path in an existing folder.
    /// </summary>
    /// <param name="path">The output file.</param>
    /// <param name="option">The option that named it (for example "--out"), for the message.</param>
    public static string? FileProblem(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) return $"{option} needs a file name.";
        var kind = KindOf(path);
        if (kind is not (PathKind.File or PathKind.Missing))
            return $"{option} {path}: it is {Describe(kind)}, not a regular file. Output is written to a new file that then replaces the target, " +
                   $"which would replace the {Noun(kind)} itself; name a regular file or a new path.";
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null) return null;
        var folderKind = KindOf(folder);
        if (folderKind == PathKind.Missing) return $"{option} {path}: the folder {folder} does not exist.";
        if (folderKind != PathKind.Directory && !(folderKind == PathKind.SymbolicLink && System.IO.Directory.Exists(folder)))
            return $"{option} {path}: {folder} is {Describe(folderKind)}, not a folder.";
        return null;
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be an output folder, or null when it can: a folder (or a link to one) or a
    /// new path (created with its parents). Files the command writes into it are checked with <see cref="FileProblem"/>.
    /// </summary>
    public static string? FolderProblem(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) return $"{option} needs a folder name.";
        var kind = KindOf(path);
        if (kind is PathKind.Directory or PathKind.Missing || (kind == PathKind.SymbolicLink && System.IO.Directory.Exists(path))) return null;
        return $"{option} {path}: it is {Describe(kind)}, not a folder; name a folder (it is created when missing).";
    }

    /// <summary>Throws when <paramref name="path"/> cannot be written as an output file (see <see cref="FileProblem"/>).</summary>
    /// <exception cref="OutputPathException">The target is not a regular file or a new path in an existing folder.</exception>
    public static void RequireFile(string path, string option)
    {
        if (FileProblem(path, option) is { } problem) throw new OutputPathException(problem);
    }

    /// <summary>Throws when <paramref name="path"/> cannot be an output folder (see <see cref="FolderProblem"/>).</summary>
    /// <exception cref="OutputPathException">The path is neither a folder nor new.</exception>
    public static void RequireFolder(string path, string option)
    {
        if (FolderProblem(path, option) is { } problem) throw new OutputPathException(problem);
    }

    /// <summary>Writes a file whole or not at all (see <see cref="OutputFiles"/>).</summary>
    /// <exception cref="OutputPathException">The target is not a regular file or a new path.</exception>
    /// <exception cref="IOException">The file cannot be written (a full disk, for example); nothing is left behind.</exception>
    public static void Write(string path, Action<Stream> write, CancellationToken cancellationToken = default)
    {
        using var set = new AtomicFileSet();
        using (var stream = set.Create(path)) write(stream);
        cancellationToken.ThrowIfCancellationRequested();
        set.Commit();
    }

    /// <summary>Writes a UTF-8 text file (no byte order mark) whole or not at all.</summary>
    /// <exception cref="OutputPathException">The target is not a regular file or a new path.</exception>
    /// <exception cref="IOException">The file cannot be written; nothing is left behind.</exception>
    public static void WriteText(string path, Action<TextWriter> write, CancellationToken cancellationToken = default) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            write(writer);
        }, cancellationToken);

    /// <summary>A kind of path in words, with its article ("a named pipe (FIFO)").</summary>
    public static string Describe(PathKind kind) => kind switch
    {
        PathKind.Directory => "a folder",
        PathKind.SymbolicLink => "a symbolic link",
        PathKind.Fifo => "a named pipe (FIFO)",
        PathKind.CharacterDevice => "a character device",
        PathKind.BlockDevice => "a block device",
        PathKind.Socket => "a socket",
        PathKind.File => "a file",
        _ => "nothing (it does not exist)",
    };

    /// <summary>What a path is after following symbolic links (for inputs, which may be links).</summary>
    public static PathKind KindOfTarget(string path)
    {
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        return KindOf(target);
    }

    private static string Noun(PathKind kind) => kind switch
    {
        PathKind.Directory => "folder",
        PathKind.SymbolicLink => "link",
        PathKind.Fifo => "pipe",
        PathKind.CharacterDevice or PathKind.BlockDevice => "device",
        PathKind.Socket => "socket",
        _ => "file",
    };

    // lstat's file type bits (S_IFMT). .NET reports devices and pipes as plain files, so ask the C library.
    private static class Posix
    {
        public static int FileType(string path)
        {
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return 0x8000;
            var buffer = new byte[256];
            if (LStat(path, buffer) != 0) return 0x8000;
            // Where st_mode sits in struct stat: after st_dev, st_ino and (x86-64) st_nlink on Linux; after st_dev on macOS.
            int offset = OperatingSystem.IsMacOS() ? 4
                : RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24
                : 16;
            int mode = OperatingSystem.IsMacOS() ? BitConverter.ToUInt16(buffer, offset) : BitConverter.ToInt32(buffer, offset);
            return mode & 0xF000;
        }

        [DllImport("libc", EntryPoint = "lstat", SetLastError = true)]
        private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
    }
}

/// <summary>An output path that cannot be written safely (a device, a pipe, a folder or a link where a file is expected).</summary>
/// <param name="message">What is wrong and what to name instead.</param>
public sealed class OutputPathException(string message) : IOException(message);
