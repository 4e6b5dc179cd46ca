using System.Reflection;
using ProtocolEngine.Safety.Randomization;

namespace ProtocolEngine.Safety.Tests.Randomization;

public sealed class PermutedBlockRandomizerTests
{
    private static readonly ArmRatio[] TwoToOneToOne = [new("Active", 2), new("Comparator", 1), new("Placebo", 1)];

    private static PermutedBlockRandomizer Randomizer(long seed, ArmRatio[]? arms = null, int[]? blocks = null) =>
        new(arms ?? TwoToOneToOne, blocks ?? [4, 8], PermutedBlockRandomizer.SeedFrom(seed));

    /// <summary>10,000 subjects in 3 x 2 x 2 = 12 strata of unequal sizes, drawn by a fixed pseudo-random recruitment order.</summary>
    private static List<(string Subject, string Stratum)> Subjects(int count)
    {
        var rng = new Random(20250315);
        string[] sites = ["701", "702", "703"];
        var list = new List<(string, string)>(count);
        for (int i = 0; i < count; i++)
        {
            // Site 701 recruits half of all subjects, so strata differ in size.
            var site = rng.NextDouble() < 0.5 ? sites[0] : sites[1 + rng.Next(2)];
            var sex = rng.Next(2) == 0 ? "F" : "M";
            var age = rng.NextDouble() < 0.3 ? ">=75" : "<75";
            list.Add(($"S{i:00000}", $"SITEID={site}; SEX={sex}; AGEGR={age}"));
        }
        return list;
    }

    [Fact]
    public void TenThousandSubjects_StayWithinOneBlockOfTheTargetRatio_InsideEveryStratum_AfterEveryAssignment()
    {
        var randomizer = Randomizer(42);
        int maxBlock = 8, ratioTotal = 4;
        var counts = new Dictionary<string, Dictionary<string, int>>();
        double worst = 0;
        foreach (var (subject, stratum) in Subjects(10_000))
        {
            var a = randomizer.Assign(subject, stratum);
            Assert.Equal(stratum, a.Stratum);
            if (!counts.TryGetValue(stratum, out var c)) counts[stratum] = c = TwoToOneToOne.ToDictionary(x => x.Name, _ => 0);
            c[a.Arm]++;
            int n = c.Values.Sum();
            foreach (var arm in TwoToOneToOne)
            {
                double target = (double)n * arm.Ratio / ratioTotal;
                double deviation = Math.Abs(c[arm.Name] - target);
                // One block holds maxBlock * ratio / total of this arm: the partial block is all an arm can be ahead or behind.
                Assert.True(deviation <= (double)maxBlock * arm.Ratio / ratioTotal,
                    $"Stratum {stratum}: after {n} subjects arm {arm.Name} has {c[arm.Name]}, target {target}.");
                worst = Math.Max(worst, deviation / ((double)maxBlock * arm.Ratio / ratioTotal));
            }
        }
        Assert.Equal(12, counts.Count);
        Assert.Equal(10_000, counts.Values.Sum(c => c.Values.Sum()));
        // The bound is reached, not merely respected by an allocator that never strays (which would be predictable).
        Assert.True(worst > 0.5, $"The largest deviation was only {worst:P0} of a block.");
    }

    [Fact]
    public void WithOneBlockSize_EveryStratumIsExactlyBalanced_WheneverItsCountIsAMultipleOfTheBlock()
    {
        // The pilot's scheme: three arms 1:1:1 in blocks of 6.
        ArmRatio[] arms = [new("Placebo", 1), new("XanoLow", 1), new("XanoHigh", 1)];
        var randomizer = Randomizer(7, arms, [6]);
        var counts = new Dictionary<string, Dictionary<string, int>>();
        foreach (var (subject, stratum) in Subjects(10_000))
        {
            var a = randomizer.Assign(subject, stratum);
            if (!counts.TryGetValue(stratum, out var c)) counts[stratum] = c = arms.ToDictionary(x => x.Name, _ => 0);
            c[a.Arm]++;
            int n = c.Values.Sum();
            if (n % 6 == 0) Assert.All(c.Values, v => Assert.Equal(n / 3, v));
            Assert.All(c.Values, v => Assert.InRange(v, n / 3 - 2, (n + 5) / 3 + 2));
        }
    }

    [Fact]
    public void TheSameSeed_GivesTheSameAllocations_AndAnotherSeedOthers()
    {
        var subjects = Subjects(2_000);
        var one = Randomizer(42);
        var again = subjects.Select(s => one.Assign(s.Subject, s.Stratum).Arm).ToList();
        var two = Randomizer(42);
        var third = subjects.Select(s => two.Assign(s.Subject, s.Stratum).Arm).ToList();
        var other = Randomizer(43);
        var different = subjects.Select(s => other.Assign(s.Subject, s.Stratum).Arm).ToList();

        Assert.Equal(again, third);
        Assert.NotEqual(again, different);
        Assert.True(again.Zip(different).Count(p => p.First != p.Second) > 500, "Two seeds should give largely different sequences.");
        // One service seed, two trials: each has its own sequences.
        var otherTrial = new PermutedBlockRandomizer(TwoToOneToOne, [4, 8], PermutedBlockRandomizer.SeedFrom(42), "ANOTHER-TRIAL");
        var otherTrialArms = subjects.Select(s => otherTrial.Assign(s.Subject, s.Stratum).Arm).ToList();
        Assert.True(again.Zip(otherTrialArms).Count(p => p.First != p.Second) > 500, "Two trials sharing a seed should get largely different sequences.");
    }

    [Fact]
    public void ASubjectAssignedTwice_KeepsItsArm_AndUsesNoSecondPlace()
    {
        var a = Randomizer(1);
        var b = Randomizer(1);
        var first = a.Assign("S1", "X");
        Assert.Same(first, a.Assign("S1", "X"));
        Assert.Equal(first, a.Assign("S1", "another stratum"));
        b.Assign("S1", "X");
        // Both randomisers have used one place of stratum X: the next subject gets the same arm from each.
        Assert.Equal(b.Assign("S2", "X").Arm, a.Assign("S2", "X").Arm);
    }

    [Fact]
    public void AfterARestart_RestoringTheJournal_ContinuesTheSameSequence_AndATamperedRecordIsRefused()
    {
        var subjects = Subjects(1_000);
        var original = Randomizer(99);
        var all = subjects.Select(s => original.Assign(s.Subject, s.Stratum)).ToList();

        var restarted = Randomizer(99);
        restarted.Restore(all.Take(500));
        var continued = subjects.Skip(500).Select(s => restarted.Assign(s.Subject, s.Stratum)).ToList();
        Assert.Equal(all.Skip(500), continued);

        var tampered = all.Take(10).ToList();
        tampered[7] = tampered[7] with { Arm = tampered[7].Arm == "Placebo" ? "Active" : "Placebo" };
        var refused = Randomizer(99);
        var ex = Assert.Throws<InvalidOperationException>(() => refused.Restore(tampered));
        Assert.Contains(tampered[7].SubjectId, ex.Message);
        // The message does not say which arm the sequence holds at that place.
        Assert.DoesNotContain(all[7].Arm, ex.Message.Replace(tampered[7].Arm, "", StringComparison.Ordinal));
        // A randomiser that refused its journal assigns nothing more and takes no other journal (no probing).
        Assert.Contains("assigns no arm", Assert.Throws<InvalidOperationException>(() => refused.Assign(subjects[0].Subject, subjects[0].Stratum)).Message);
        Assert.Throws<InvalidOperationException>(() => refused.Restore(all.Take(10)));
        Assert.Throws<InvalidOperationException>(() => Randomizer(100).Restore(all.Take(200)));
    }

    [Fact]
    public void BlocksAreShuffled_EveryOrderOfABlockOccurs()
    {
        // One stratum, blocks of 6 with 1:1:1: 6!/(2!2!2!) = 90 distinct orders, each equally likely.
        ArmRatio[] arms = [new("A", 1), new("B", 1), new("C", 1)];
        var r = Randomizer(5, arms, [6]);
        var orders = new Dictionary<string, int>();
        for (int block = 0; block < 9_000; block++)
        {
            var order = string.Concat(Enumerable.Range(0, 6).Select(i => r.Assign($"S{block * 6 + i}", "one").Arm));
            orders[order] = orders.GetValueOrDefault(order) + 1;
        }
        Assert.Equal(90, orders.Count);
        // 100 expected per order; a fair shuffle stays well inside 50..150 for every one of them.
        Assert.All(orders.Values, n => Assert.InRange(n, 50, 150));
    }

    [Fact]
    public void NoPublicMember_RevealsTheSequence()
    {
        // Only Assign (the arm of the subject being randomised now), Restore and the seed helper are public:
        // no block, block size, position or next arm can be read before assignment.
        var members = typeof(PermutedBlockRandomizer).GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m is not ConstructorInfo).Select(m => m.Name).Order().ToList();
        Assert.Equal(["Assign", "Restore", "SeedFrom"], members);
        Assert.Equal(["Arm", "Stratum", "SubjectId"], typeof(Allocation).GetProperties().Select(p => p.Name).Order());
    }

    [Fact]
    public void ASchemeThatCannotBalance_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => Randomizer(1, blocks: [6]));
        Assert.Throws<ArgumentException>(() => Randomizer(1, arms: [new("A", 0)]));
        Assert.Throws<ArgumentException>(() => new PermutedBlockRandomizer(TwoToOneToOne, [4], new byte[4]));
    }
}
