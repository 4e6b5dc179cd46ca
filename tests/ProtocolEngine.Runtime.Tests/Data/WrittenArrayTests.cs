using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Tests.Data;

/// <summary>
/// The kept answers of a screening start as zeros ("not computed yet"): an array from <see cref="WrittenArray.Zeroed{T}"/>
/// reads zero everywhere even where the memory it is given held other data, which an uninitialised array need not.
/// </summary>
public class WrittenArrayTests
{
    [Fact]
    public void ZeroedArraysReadZeroOnMemoryThatHeldData()
    {
        const int length = 1 << 20;
        for (int round = 0; round < 8; round++)
        {
            // Large arrays filled and dropped, so the heap has recycled memory holding ones to hand out next.
            for (int k = 0; k < 4; k++) Array.Fill(GC.AllocateUninitializedArray<int>(length), -1);
            GC.Collect();
            var ints = WrittenArray.Zeroed<int>(length);
            var bytes = WrittenArray.Zeroed<byte>(length + round);
            Assert.Equal(length, ints.Length);
            Assert.Equal(length + round, bytes.Length);
            Assert.True(ints.AsSpan().IndexOfAnyExcept(0) < 0, $"round {round}: an int array from WrittenArray.Zeroed held data");
            Assert.True(bytes.AsSpan().IndexOfAnyExcept((byte)0) < 0, $"round {round}: a byte array from WrittenArray.Zeroed held data");
        }
        Assert.Empty(WrittenArray.Zeroed<long>(0));
    }
}
