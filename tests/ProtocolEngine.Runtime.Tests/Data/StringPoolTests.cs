using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Tests.Data;

/// <summary>The loader's readers share one pool across threads: each value gets one number and one string, whoever adds it.</summary>
public class StringPoolTests
{
    [Fact]
    public void ValuesAddedFromSeveralThreads_GetOneNumberAndOneStringEach()
    {
        var pool = new StringPool();
        var values = Enumerable.Range(0, 40_000).Select(k => $"V{k % 15_000:D5}").ToArray();
        var ids = new int[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            // Each thread meets the values in its own order, so additions race with lookups of the same values.
            var order = t % 2 == 0 ? values : values.Reverse().ToArray();
            ids[t] = [.. order.Select(v => pool.IdOf(v.AsSpan()))];
            if (t % 2 == 1) Array.Reverse(ids[t]);
        });
        Assert.Equal(15_000, pool.Count);
        for (int t = 1; t < 4; t++) Assert.Equal(ids[0], ids[t]);
        for (int k = 0; k < values.Length; k++)
        {
            Assert.Equal(values[k], pool.StringOf(ids[0][k]));
            Assert.Same(pool.StringOf(ids[0][k]), pool.Get(values[k].AsSpan()));
        }
        // Numbers run from 0 without gaps.
        Assert.Equal(Enumerable.Range(0, 15_000), ids[0].Distinct().Order());
    }
}
