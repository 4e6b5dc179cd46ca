using ProtocolEngine.Data.Parquet;

namespace ProtocolEngine.Data.Tests.Loading;

/// <summary>
/// The RLE / bit-packed hybrid decoder (dictionary indices and definition levels) against the values a stream was
/// written from: short one-byte-header RLE runs (as Parquet.Net writes every change of value, decoded on their own fast
/// path), longer runs, empty runs and bit-packed runs, mixed, read in batches that split runs anywhere.
/// </summary>
public class ParquetHybridDecoderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(13)]
    [InlineData(16)]
    public void MixedRuns_DecodeToTheValuesWritten(int bitWidth)
    {
        var random = new Random(18 + bitWidth);
        for (int trial = 0; trial < 200; trial++)
        {
            var (bytes, expected) = Encode(random, bitWidth);
            var decoder = new ParquetPages.HybridDecoder(bytes, bitWidth);
            var actual = new int[expected.Count];
            for (int at = 0; at < actual.Length;)
            {
                int n = Math.Min(actual.Length - at, random.Next(1, 40));
                decoder.Read(actual.AsSpan(at, n));
                at += n;
            }
            for (int k = 0; k < actual.Length; k++)
                if (actual[k] != expected[k]) Assert.Fail($"width {bitWidth} trial {trial} value {k}: {expected[k]} expected, {actual[k]} found");
        }
    }

    [Fact]
    public void ShortRunsEndingEarly_AreAnError()
    {
        // Two RLE runs of 3 and 2 ones: a page claiming more values must fail, not read past its bytes.
        byte[] bytes = [3 << 1, 1, 2 << 1, 1];
        var target = new int[6];
        Assert.Throws<InvalidDataException>(() => ParquetPages.DecodeHybrid(bytes, 1, target, 6));
        ParquetPages.DecodeHybrid(bytes, 1, target, 5);
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 0 }, target);
        // A run's header without its value.
        Assert.Throws<InvalidDataException>(() => ParquetPages.DecodeHybrid([3 << 1], 1, new int[3], 3));
    }

    private static (byte[] Bytes, List<int> Values) Encode(Random random, int bitWidth)
    {
        var bytes = new List<byte>();
        var values = new List<int>();
        int byteWidth = (bitWidth + 7) / 8, max = (1 << bitWidth) - 1;
        int runs = random.Next(1, 60);
        for (int r = 0; r < runs; r++)
        {
            int choice = random.Next(10);
            if (choice < 6)
            {
                // RLE run: mostly one or two values (a one-byte header), sometimes empty or long (a longer header).
                int length = choice == 0 ? random.Next(64, 1000) : choice == 1 ? 0 : random.Next(1, 4);
                int value = random.Next(max + 1);
                WriteUleb(bytes, (uint)length << 1);
                for (int b = 0; b < byteWidth; b++) bytes.Add((byte)(value >> (8 * b)));
                for (int k = 0; k < length; k++) values.Add(value);
            }
            else
            {
                // Bit-packed run of whole groups of eight, little-endian bit order.
                int groups = random.Next(1, 5);
                var packed = new int[groups * 8];
                for (int k = 0; k < packed.Length; k++) packed[k] = random.Next(max + 1);
                WriteUleb(bytes, ((uint)groups << 1) | 1);
                var bits = new byte[groups * bitWidth];
                for (int k = 0; k < packed.Length; k++)
                    for (int b = 0; b < bitWidth; b++)
                        if ((packed[k] >> b & 1) != 0)
                        {
                            int bit = k * bitWidth + b;
                            bits[bit >> 3] |= (byte)(1 << (bit & 7));
                        }
                bytes.AddRange(bits);
                values.AddRange(packed);
            }
        }
        return ([.. bytes], values);
    }

    private static void WriteUleb(List<byte> bytes, uint value)
    {
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
    }
}
