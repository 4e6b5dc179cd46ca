using ProtocolEngine.Data.Parquet;

namespace ProtocolEngine.Data.Tests.Loading;

/// <summary>
/// Page decompression into the page buffer itself (Snappy through a buffer writer over the target): every byte as
/// compressed, nothing written past the target, and a page whose header gives another size, or whose bytes end early, is
/// an error rather than a page of the wrong bytes.
/// </summary>
public class ParquetDecompressTests
{
    public static TheoryData<int> Sizes => [0, 1, 15, 100, 4096, 70_000, 1 << 20];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void SnappyPages_DecompressToTheBytesCompressed_AndNothingPastTheTarget(int size)
    {
        var original = Page(size, new Random(size));
        var compressed = Snappier.Snappy.CompressToArray(original);
        // The target a slice of a larger buffer, as the reader's page buffer is: the bytes around it stay as they were.
        var buffer = new byte[size + 64];
        Array.Fill(buffer, (byte)0xA5);
        ParquetPages.Decompress(ParquetPages.Snappy, compressed, buffer.AsMemory(32, size));
        Assert.True(buffer.AsSpan(32, size).SequenceEqual(original));
        Assert.All(buffer[..32], b => Assert.Equal(0xA5, b));
        Assert.All(buffer[(32 + size)..], b => Assert.Equal(0xA5, b));
        // The same buffer reused for a second page (the reader's buffers are reused from page to page).
        var second = Page(size, new Random(size + 1));
        ParquetPages.Decompress(ParquetPages.Snappy, Snappier.Snappy.CompressToArray(second), buffer.AsMemory(32, size));
        Assert.True(buffer.AsSpan(32, size).SequenceEqual(second));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(70_000)]
    public void SnappyPages_OfAnotherSizeThanTheHeaderSays_OrCutShort_AreAnError(int size)
    {
        var compressed = Snappier.Snappy.CompressToArray(Page(size, new Random(3)));
        var buffer = new byte[size + 1];
        Assert.Throws<InvalidDataException>(() => ParquetPages.Decompress(ParquetPages.Snappy, compressed, buffer.AsMemory(0, size - 1)));
        Assert.Throws<InvalidDataException>(() => ParquetPages.Decompress(ParquetPages.Snappy, compressed, buffer.AsMemory(0, size + 1)));
        Assert.Throws<InvalidDataException>(() => ParquetPages.Decompress(ParquetPages.Snappy, compressed.AsMemory(0, compressed.Length - 3), buffer.AsMemory(0, size)));
    }

    // Runs of repeated values (what compresses, as dictionary indices and doubles do) among random bytes (literals).
    private static byte[] Page(int size, Random random)
    {
        var page = new byte[size];
        for (int at = 0; at < size;)
        {
            int run = Math.Min(size - at, random.Next(1, 40));
            if (random.Next(2) == 0) page.AsSpan(at, run).Fill((byte)random.Next(4));
            else random.NextBytes(page.AsSpan(at, run));
            at += run;
        }
        return page;
    }
}
