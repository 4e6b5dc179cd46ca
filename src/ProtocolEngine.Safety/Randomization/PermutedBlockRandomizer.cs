using System.Buffers.Binary;

namespace ProtocolEngine.Safety.Randomization;

/// <summary>
/// Stratified permuted-block randomisation. Each stratum has its own sequence of blocks; a block holds every arm its
/// ratio's share (a block of 6 with 1:1:1 holds each arm twice), in an order shuffled by a stream derived from the
/// secret seed, the stratum and the block number, so the same seed gives the same allocations. When several block
/// sizes are allowed, each block's size is drawn from the same stream, so the end of a block cannot be told from the
/// count of subjects.
/// <para>
/// The sequence is never visible before assignment: this class has no member that returns a future arm, the block
/// sizes drawn or the position in a block; it answers only <see cref="Assign"/> (the arm of a subject being randomised
/// now) and <see cref="Restore"/>. Whoever holds the seed can recompute the list, so the seed is a secret of the
/// randomisation service (a protocol's <c>seed</c> is for simulations and audits of reproducibility).
/// </para>
/// Thread-safe. Assigning a subject twice returns the first allocation (a retried workflow step gets the same arm).
/// </summary>
public sealed class PermutedBlockRandomizer
{
    private readonly Lock _lock = new();
    private readonly IReadOnlyList<ArmRatio> _arms;
    private readonly IReadOnlyList<int> _blockSizes;
    private readonly int _ratioTotal;
    private readonly byte[] _seed;
    private readonly string _scope;
    private string? _refusedJournal;
    private readonly Dictionary<string, StratumState> _strata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Allocation> _bySubject = new(StringComparer.Ordinal);

    private sealed class StratumState
    {
        public int BlockNumber;
        public string[] Block = [];
        public int Position;
    }

    /// <summary>Creates a randomiser.</summary>
    /// <param name="arms">The arms with their ratios (at least one, each ratio at least 1).</param>
    /// <param name="blockSizes">Allowed block sizes, each a multiple of the ratio total.</param>
    /// <param name="seed">The secret seed (at least 8 bytes).</param>
    /// <param name="scope">What the sequences belong to (the protocol): one service seed used for two trials still gives each its own sequences.</param>
    /// <exception cref="ArgumentException">The arms, block sizes or seed cannot make a valid scheme.</exception>
    public PermutedBlockRandomizer(IReadOnlyList<ArmRatio> arms, IReadOnlyList<int> blockSizes, ReadOnlySpan<byte> seed, string scope = "")
    {
        _scope = scope ?? "";
        if (arms.Count == 0) throw new ArgumentException("Randomisation needs at least one arm.", nameof(arms));
        if (arms.FirstOrDefault(a => a.Ratio < 1) is { } bad) throw new ArgumentException($"Arm {bad.Name} has ratio {bad.Ratio}; a ratio is at least 1.", nameof(arms));
        if (arms.Select(a => a.Name).Distinct(StringComparer.Ordinal).Count() != arms.Count) throw new ArgumentException("Arm names must be unique.", nameof(arms));
        _ratioTotal = arms.Sum(a => a.Ratio);
        if (blockSizes.Count == 0) blockSizes = [_ratioTotal];
        foreach (var size in blockSizes)
            if (size <= 0 || size % _ratioTotal != 0)
                throw new ArgumentException($"A block of {size} cannot hold the allocation ratio (total {_ratioTotal}) a whole number of times.", nameof(blockSizes));
        if (seed.Length < 8) throw new ArgumentException("The seed must have at least 8 bytes.", nameof(seed));
        _arms = [.. arms];
        _blockSizes = [.. blockSizes];
        _seed = seed.ToArray();
    }

    /// <summary>A seed from a number, as a protocol's <c>seed N</c> states it.</summary>
    public static byte[] SeedFrom(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>Assigns the subject the next arm of its stratum's sequence, or returns the arm it already has.</summary>
    /// <param name="subjectId">The subject.</param>
    /// <param name="stratum">The stratum key (the values of the stratification factors).</param>
    public Allocation Assign(string subjectId, string stratum)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        ArgumentNullException.ThrowIfNull(stratum);
        lock (_lock)
        {
            ThrowIfRefused();
            if (_bySubject.TryGetValue(subjectId, out var existing)) return existing;
            var allocation = new Allocation(subjectId, stratum, NextArm(stratum));
            _bySubject[subjectId] = allocation;
            return allocation;
        }
    }

    /// <summary>
    /// Replays allocations made before (from the journal, in the order they were made) so that randomisation continues
    /// where it stopped after a restart. Each must be the arm this seed gives at that place of its stratum's sequence.
    /// When one does not match, the randomiser refuses to assign any arm from then on: a journal that does not match
    /// its sequence is an incident for a person to resolve, not something to randomise past (and retrying other
    /// journals would let a caller probe the sequence).
    /// </summary>
    /// <exception cref="InvalidOperationException">The randomiser has already assigned arms, or an allocation does not match the sequence: the seed, the arms or the block sizes changed.</exception>
    public void Restore(IEnumerable<Allocation> previous)
    {
        lock (_lock)
        {
            ThrowIfRefused();
            if (_bySubject.Count > 0) throw new InvalidOperationException("Restore the journal's allocations before assigning any arm.");
            try
            {
                foreach (var a in previous)
                {
                    if (_bySubject.TryGetValue(a.SubjectId, out var known))
                    {
                        if (known.Arm != a.Arm || known.Stratum != a.Stratum)
                            throw new InvalidOperationException($"Subject {a.SubjectId} is recorded twice with different allocations ({known.Stratum}: {known.Arm}; {a.Stratum}: {a.Arm}).");
                        continue;
                    }
                    // The message does not say which arm the sequence holds there: that would reveal the sequence.
                    if (NextArm(a.Stratum) != a.Arm)
                        throw new InvalidOperationException($"Subject {a.SubjectId} was allocated {a.Arm} in stratum {a.Stratum}, but this scheme and seed give another arm at that place: the seed, the arms or the block sizes differ from the ones used, or the record was altered.");
                    _bySubject[a.SubjectId] = a;
                }
            }
            catch (InvalidOperationException ex)
            {
                _bySubject.Clear();
                _strata.Clear();
                _refusedJournal = ex.Message;
                throw;
            }
        }
    }

    private void ThrowIfRefused()
    {
        if (_refusedJournal is not null)
            throw new InvalidOperationException($"This randomiser refused the allocation journal and assigns no arm until a person resolves it: {_refusedJournal}");
    }

    private string NextArm(string stratum)
    {
        if (!_strata.TryGetValue(stratum, out var state)) _strata[stratum] = state = new StratumState();
        if (state.Position >= state.Block.Length)
        {
            state.Block = NewBlock(stratum, state.BlockNumber++);
            state.Position = 0;
        }
        return state.Block[state.Position++];
    }

    private string[] NewBlock(string stratum, int number)
    {
        var stream = new DeterministicStream(_seed, $"permuted-block\n{_scope}\n{stratum}\n{number}");
        int size = _blockSizes.Count == 1 ? _blockSizes[0] : _blockSizes[stream.Next(_blockSizes.Count)];
        int copies = size / _ratioTotal;
        var block = new List<string>(size);
        foreach (var arm in _arms)
            for (int i = 0; i < arm.Ratio * copies; i++) block.Add(arm.Name);
        var array = block.ToArray();
        // Fisher-Yates: every order of the block is equally likely.
        for (int i = array.Length - 1; i > 0; i--)
        {
            int j = stream.Next(i + 1);
            (array[i], array[j]) = (array[j], array[i]);
        }
        return array;
    }
}
