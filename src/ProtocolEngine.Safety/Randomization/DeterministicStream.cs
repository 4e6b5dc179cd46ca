using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ProtocolEngine.Safety.Randomization;

/// <summary>
/// A reproducible stream of random numbers: HMAC-SHA256 keyed with the secret seed over a label and a counter
/// (counter mode, as NIST SP 800-108 derives keys). The same seed and label give the same numbers on every machine and
/// every .NET version (System.Random makes no such promise), and without the seed the numbers cannot be predicted.
/// </summary>
internal sealed class DeterministicStream
{
    private readonly byte[] _key;
    private readonly byte[] _label;
    private readonly byte[] _block = new byte[32];
    private uint _counter;
    private int _offset = 32;

    public DeterministicStream(byte[] key, string label)
    {
        _key = key;
        _label = Encoding.UTF8.GetBytes(label);
    }

    private uint NextUInt32()
    {
        if (_offset >= _block.Length)
        {
            var message = new byte[_label.Length + 4];
            _label.CopyTo(message, 0);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(_label.Length), _counter++);
            HMACSHA256.HashData(_key, message, _block);
            _offset = 0;
        }
        uint value = BinaryPrimitives.ReadUInt32BigEndian(_block.AsSpan(_offset));
        _offset += 4;
        return value;
    }

    /// <summary>A uniform integer in [0, n): rejection sampling, so no value is favoured by the modulo.</summary>
    public int Next(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "The range must hold at least one value.");
        uint bound = (uint)n;
        uint limit = uint.MaxValue - (uint.MaxValue % bound + 1) % bound;
        uint x;
        do x = NextUInt32(); while (x > limit);
        return (int)(x % bound);
    }
}
