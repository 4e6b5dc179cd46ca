using ProtocolEngine.Data.DatasetJson;
using ProtocolEngine.Data.Xpt;

namespace ProtocolEngine.Data.Tests.Fuzz;

/// <summary>
/// Mutates real files thousands of times (bit flips, byte overwrites, truncation, insertions, deletions,
/// duplicated spans) and reads each mutant: a reader may accept it or reject it with a DataFormatException,
/// but nothing else may escape. Deterministic: a failure names the file and the mutation seed to replay.
/// </summary>
public class ReaderFuzzTests
{
    private const int MutationsPerFile = 1500;

    public static TheoryData<string> XptFiles() => ["ie.xpt", "ta.xpt", "suppdm.xpt", "dm.xpt", "mh.xpt"];
    public static TheoryData<string> JsonFiles() => ["ie.json", "ta.json", "dm.json", "suppdm.ndjson", "dm.ndjson", "mh.ndjson"];

    [Theory]
    [MemberData(nameof(XptFiles))]
    public void XptReader_OnMutatedFiles_OnlyThrowsDataFormatException(string file) =>
        Fuzz(file, (bytes, name) => XptReader.Read(new MemoryStream(bytes), name));


    [Theory]
    [MemberData(nameof(JsonFiles))]
    public void DatasetJsonReader_OnMutatedFiles_OnlyThrowsDataFormatException(string file) =>
        Fuzz(file, (bytes, name) =>
        {
            if (file.EndsWith(".ndjson", StringComparison.Ordinal)) DatasetJsonReader.ReadNdjson(new MemoryStream(bytes), name);
            else DatasetJsonReader.ReadJson(new MemoryStream(bytes), name);
        });

    private static void Fuzz(string file, Action<byte[], string> read)
    {
        var original = File.ReadAllBytes(Path.Combine(TestData.Msg, file));
        read(original, file); // the unmutated file reads
        int rejected = 0;
        for (int seed = 0; seed < MutationsPerFile; seed++)
        {
            var mutant = Mutate(original, new Random(seed * 7919 + file.Length));
            try
            {
                read(mutant, file);
            }
            catch (DataFormatException ex)
            {
                rejected++;
                Assert.Contains(file, ex.Message);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{file}, mutation seed {seed}: {ex.GetType().Name} escaped the reader: {ex.Message}\n{ex.StackTrace}");
            }
        }
        // The mutations must actually exercise the error paths.
        Assert.True(rejected > MutationsPerFile / 10, $"only {rejected} of {MutationsPerFile} mutants of {file} were rejected");
    }

    private static byte[] Mutate(byte[] original, Random rng)
    {
        var bytes = new List<byte>(original);
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits && bytes.Count > 1; e++)
        {
            int at = rng.Next(bytes.Count);
            switch (rng.Next(7))
            {
                case 0: bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: bytes[at] = (byte)rng.Next(256); break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break; // truncate
                case 3: bytes.InsertRange(at, Enumerable.Range(0, 1 + rng.Next(16)).Select(_ => (byte)rng.Next(256))); break;
                case 4: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + rng.Next(80))); break;
                case 5:
                    int len = Math.Min(bytes.Count - at, 1 + rng.Next(160));
                    bytes.InsertRange(rng.Next(bytes.Count), bytes.GetRange(at, len));
                    break;
                default:
                    // Structural characters and digits are where parsers break.
                    bytes[at] = "0123456789{}[],:\".-+ \n\0\xff"u8[rng.Next(24)];
                    break;
            }
        }
        return [.. bytes];
    }
}
