using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Runtime.Tests.Evaluation;

/// <summary>
/// The evidence recorder's set of seen facts answers exactly as a <see cref="HashSet{T}"/> would through adds, removals
/// (which shift later keys of a probe run back), growth and clearings by stamp, including keys that collide in their
/// home slot and a stamp that wraps around.
/// </summary>
public class StampedKeySetTests
{
    [Theory]
    [InlineData(1, 40)]
    [InlineData(2, 300)]
    [InlineData(3, 5_000)]
    public void Agrees_with_a_hash_set_through_adds_removals_and_clearings(int seed, int range)
    {
        var random = new Random(seed);
        var set = new StampedKeySet();
        var model = new HashSet<ulong>();
        for (int step = 0; step < 200_000; step++)
        {
            // Keys as the recorder makes them: a site's key in the upper half, a row (or -1) in the lower.
            ulong key = ((ulong)(uint)random.Next(4) << 32) | (uint)(random.Next(range) - 1);
            int action = random.Next(100);
            if (action < 55) Assert.Equal(model.Add(key), set.Add(key));
            else if (action < 90)
            {
                model.Remove(key);
                set.Remove(key);
            }
            else if (action < 99) Assert.Equal(model.Contains(key), set.Contains(key));
            else if (random.Next(10) == 0)
            {
                model.Clear();
                set.Clear();
            }
            Assert.Equal(model.Count, set.Count);
        }
        foreach (var key in model) Assert.True(set.Contains(key));
    }

    [Fact]
    public void A_cleared_set_holds_nothing_of_before_and_takes_the_same_keys_again()
    {
        var set = new StampedKeySet();
        for (int round = 0; round < 1_000; round++)
        {
            for (uint row = 0; row < 100; row++) Assert.True(set.Add(((ulong)7 << 32) | row));
            for (uint row = 0; row < 100; row++) Assert.False(set.Add(((ulong)7 << 32) | row));
            set.Clear();
            Assert.Equal(0, set.Count);
            Assert.False(set.Contains(((ulong)7 << 32) | 5));
        }
    }

    [Fact]
    public void Removing_from_the_middle_of_a_probe_run_keeps_the_keys_after_it_reachable()
    {
        // Keys differing only in bits the hash's top bits barely depend on fill runs; remove every third and check the rest.
        var set = new StampedKeySet();
        var keys = Enumerable.Range(0, 2_000).Select(k => (ulong)k << 40).ToList();
        foreach (var key in keys) Assert.True(set.Add(key));
        for (int k = 0; k < keys.Count; k += 3) set.Remove(keys[k]);
        for (int k = 0; k < keys.Count; k++) Assert.Equal(k % 3 != 0, set.Contains(keys[k]));
        Assert.Equal(keys.Count - (keys.Count + 2) / 3, set.Count);
    }

    [Fact]
    public void A_stamp_that_wraps_around_wipes_the_table()
    {
        var set = new StampedKeySet(uint.MaxValue - 1);
        for (int round = 0; round < 4; round++)
        {
            Assert.True(set.Add(42));
            Assert.True(set.Add((ulong)round << 32));
            Assert.False(set.Add(42));
            set.Clear();
            Assert.False(set.Contains(42));
            Assert.False(set.Contains((ulong)round << 32));
        }
    }
}
