using System.Diagnostics;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Runtime.Tests.Hosting;

/// <summary>
/// Output files are written whole or not at all, and only where a regular file is or may be: `--out /dev/full` run
/// as root replaced the device node with a regular file; symbolic links and named pipes were replaced the same way.
/// </summary>
public sealed class OutputFilesTests
{
    private static string Folder() => Directory.CreateTempSubdirectory("pe-out-").FullName;

    [Fact]
    public void ADevice_IsRefused_AndStaysADevice()
    {
        Assert.Equal(PathKind.CharacterDevice, OutputFiles.KindOf("/dev/full"));
        var problem = OutputFiles.FileProblem("/dev/full", "--out");
        Assert.NotNull(problem);
        Assert.Contains("--out /dev/full: it is a character device, not a regular file", problem);
        Assert.Throws<OutputPathException>(() => OutputFiles.WriteText("/dev/full", w => w.Write("report")));
        Assert.Equal(PathKind.CharacterDevice, OutputFiles.KindOf("/dev/full"));
    }

    [Fact]
    public void ASymbolicLink_IsRefused_AndStaysALink()
    {
        var folder = Folder();
        var target = Path.Combine(folder, "real.html");
        File.WriteAllText(target, "kept");
        var link = Path.Combine(folder, "report.html");
        File.CreateSymbolicLink(link, target);
        Assert.Contains("it is a symbolic link", OutputFiles.FileProblem(link, "--out"));
        Assert.Throws<OutputPathException>(() => OutputFiles.WriteText(link, w => w.Write("new")));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal("kept", File.ReadAllText(target));
    }

    [Fact]
    public void ANamedPipe_IsRefused_WithoutOpeningIt()
    {
        var fifo = Path.Combine(Folder(), "report.html");
        using (var p = Process.Start("mkfifo", [fifo])) p.WaitForExit();
        Assert.Equal(PathKind.Fifo, OutputFiles.KindOf(fifo));
        Assert.Contains("named pipe", OutputFiles.FileProblem(fifo, "--records"));
        Assert.Throws<OutputPathException>(() => OutputFiles.WriteText(fifo, w => w.Write("x")));
        Assert.Equal(PathKind.Fifo, OutputFiles.KindOf(fifo));
    }

    [Fact]
    public void AFolder_IsRefusedAsAFile_AndAFileAsAFolder()
    {
        var folder = Folder();
        Assert.Contains("it is a folder", OutputFiles.FileProblem(folder, "--out"));
        var file = Path.Combine(folder, "ie");
        File.WriteAllText(file, "");
        Assert.Contains("not a folder", OutputFiles.FolderProblem(file, "--ie"));
        Assert.Null(OutputFiles.FolderProblem(Path.Combine(folder, "new", "deeper"), "--out"));
        Assert.Contains("does not exist", OutputFiles.FileProblem(Path.Combine(folder, "missing", "r.html"), "--out"));
    }

    [Fact]
    public void ARegularFile_IsReplacedWhole()
    {
        var path = Path.Combine(Folder(), "report.html");
        File.WriteAllText(path, "old");
        OutputFiles.WriteText(path, w => w.Write("new"));
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void AWriterFailure_LeavesTheOldFileAndNoTemporaryFile()
    {
        var folder = Folder();
        var path = Path.Combine(folder, "report.html");
        File.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => OutputFiles.WriteText(path, w =>
        {
            w.Write(new string('x', 100_000));
            throw new IOException("No space left on device");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Fact]
    public void ACancelledSet_LeavesNothing_AndACommittedSetEverything()
    {
        var folder = Folder();
        using (var set = new AtomicFileSet())
        {
            set.Create(Path.Combine(folder, "dm.xpt")).WriteByte(1);
            set.Create(Path.Combine(folder, "ae.xpt")).WriteByte(2);
            Assert.Equal(2, Directory.GetFiles(folder, "*" + OutputFiles.TemporarySuffix).Length);
            // Disposed without Commit: cancellation, an exception, a full disk.
        }
        Assert.Empty(Directory.GetFiles(folder));
        using (var set = new AtomicFileSet())
        {
            set.Create(Path.Combine(folder, "dm.xpt")).WriteByte(1);
            set.Create(Path.Combine(folder, "ae.xpt")).WriteByte(2);
            set.Commit();
        }
        Assert.Equal(["ae.xpt", "dm.xpt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
    }
}
