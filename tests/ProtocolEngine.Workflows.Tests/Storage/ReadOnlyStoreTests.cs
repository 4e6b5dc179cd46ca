using ProtocolEngine.Storage.Connections;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Workflows.Tests.Support;

namespace ProtocolEngine.Workflows.Tests.Storage;

/// <summary>
/// Commands that only read a workflow database (journal verify, queries list) never change it: opened read-only,
/// the file keeps its bytes and modification time and no -wal or -shm file appears beside it (a 0-byte file was
/// rewritten to 4 KB before).
/// </summary>
public sealed class ReadOnlyStoreTests
{
    private static (byte[] Bytes, DateTime Modified, string[] Files) Snapshot(string path) =>
        (File.ReadAllBytes(path), File.GetLastWriteTimeUtc(path), Directory.GetFiles(Path.GetDirectoryName(path)!).Order().ToArray());

    private static void AssertUnchanged((byte[] Bytes, DateTime Modified, string[] Files) before, string path)
    {
        var after = Snapshot(path);
        Assert.Equal(before.Bytes, after.Bytes);
        Assert.Equal(before.Modified, after.Modified);
        Assert.Equal(before.Files, after.Files);
    }

    [Fact]
    public async Task AnEmptyFile_IsNotAWorkflowDatabase_AndStaysEmpty()
    {
        var folder = Directory.CreateTempSubdirectory("pe-ro-").FullName;
        var path = Path.Combine(folder, "empty.db");
        File.WriteAllBytes(path, []);
        File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var before = Snapshot(path);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => WorkflowStores.OpenExistingAsync(new DatabaseConnection(DatabaseKind.Sqlite, path, "--db")));
        Assert.Contains("the file is empty", ex.Message);
        AssertUnchanged(before, path);
    }

    [Fact]
    public async Task AFileThatIsNoDatabase_IsReported_AndLeftAsItWas()
    {
        var folder = Directory.CreateTempSubdirectory("pe-ro-").FullName;
        var path = Path.Combine(folder, "notes.db");
        File.WriteAllText(path, "these are my notes, not a database");
        var before = Snapshot(path);
        await Assert.ThrowsAsync<InvalidDataException>(() => WorkflowStores.OpenExistingAsync(new DatabaseConnection(DatabaseKind.Sqlite, path, "--db")));
        AssertUnchanged(before, path);
    }

    [Fact]
    public async Task VerifyingAJournal_ChangesNeitherTheFileNorItsFolder()
    {
        string path;
        using (var db = new TempSqlite())
        {
            var h = new Harness(db.Store);
            await h.PublishAsync(ExampleWorkflows.Recruitment());
            h.Host.Set("S1", "AGE", "70");
            await h.StartSubjectAsync("S1");
            path = Path.Combine(Directory.CreateTempSubdirectory("pe-ro-").FullName, "journal.db");
            db.Store.Dispose();
            File.Copy(db.DbPath, path);
        }
        var before = Snapshot(path);
        var store = await WorkflowStores.OpenExistingAsync(new DatabaseConnection(DatabaseKind.Sqlite, path, "--db"));
        var result = await JournalAudit.VerifyAsync(store);
        Assert.Empty(result.Problems);
        Assert.True(result.Entries > 0);
        ((SqliteWorkflowStore)store).Dispose();
        AssertUnchanged(before, path);
    }
}
