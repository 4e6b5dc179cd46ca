using System.Buffers.Binary;

namespace ProtocolEngine.Data.Xpt;

/// <summary>
/// IBM System/370 hexadecimal floating point, as SAS XPORT v5 stores numbers (TS-140): a sign bit, a 7-bit
/// base-16 exponent biased by 64 and a 56-bit fraction, big-endian, truncated to 2-8 bytes. Missing values
/// are a first byte of '.', '_' or 'A'-'Z' followed by zeros.
/// </summary>
internal static class IbmFloat
{
    /// <summary>Decodes 2 to 8 bytes. Returns NaN with the SAS missing kind ('.', '_', 'A'-'Z') for missing values.</summary>
    public static double Decode(ReadOnlySpan<byte> bytes, out char missingKind)
    {
        Span<byte> full = stackalloc byte[8];
        full.Clear();
        bytes.CopyTo(full);
        ulong ibm = BinaryPrimitives.ReadUInt64BigEndian(full);
        ulong fraction = ibm & 0x00FF_FFFF_FFFF_FFFFUL;
        missingKind = '\0';
        if (fraction == 0)
        {
            byte first = full[0];
            if (first == (byte)'.' || first == (byte)'_' || (first >= (byte)'A' && first <= (byte)'Z'))
            {
                missingKind = (char)first;
                return double.NaN;
            }
            return 0.0;
        }
        int exponent = (int)((ibm >> 56) & 0x7F);
        // value = 0.F * 16^(e-64) = fraction * 2^(4(e-64) - 56); the conversion of a 56-bit integer rounds to nearest.
        double value = Math.ScaleB(fraction, 4 * (exponent - 64) - 56);
        return (ibm & 0x8000_0000_0000_0000UL) != 0 ? -value : value;
    }

    /// <summary>Encodes a double as 8 IBM bytes. NaN becomes a missing value of the given kind ('.' by default).</summary>
    /// <exception cref="OverflowException">The magnitude exceeds what IBM floating point can hold (about 7.2e75).</exception>
    public static void Encode(double value, Span<byte> destination, char missingKind = '.')
    {
        destination = destination[..8];
        destination.Clear();
        if (double.IsNaN(value))
        {
            destination[0] = missingKind is '_' or (>= 'A' and <= 'Z') ? (byte)missingKind : (byte)'.';
            return;
        }
        if (double.IsInfinity(value)) throw new OverflowException($"{value} cannot be stored in an XPT file.");
        if (value == 0) return;

        ulong bits = (ulong)BitConverter.DoubleToInt64Bits(value);
        bool negative = (bits >> 63) != 0;
        int biased = (int)((bits >> 52) & 0x7FF);
        ulong mantissa = bits & 0x000F_FFFF_FFFF_FFFFUL;
        int e2; // value = mantissa * 2^e2 with mantissa normalised to 53 bits
        if (biased == 0)
        {
            e2 = -1074;
            while ((mantissa & (1UL << 52)) == 0) { mantissa <<= 1; e2--; }
        }
        else
        {
            mantissa |= 1UL << 52;
            e2 = biased - 1075;
        }
        // The value lies in [2^p, 2^(p+1)) with p = e2 + 52; the hex exponent k makes it 0.F * 16^k with F >= 1/16.
        int p = e2 + 52;
        int k = FloorDiv(p, 4) + 1;
        int shift = e2 - 4 * k + 56; // 0..3: the 53-bit mantissa fits the 56-bit fraction exactly
        int exponent = k + 64;
        if (exponent > 127) throw new OverflowException($"{value} is too large for IBM floating point.");
        if (exponent < 0) return; // below 16^-65: rounds to zero
        ulong fraction = mantissa << shift;
        ulong ibm = ((ulong)exponent << 56) | fraction;
        if (negative) ibm |= 0x8000_0000_0000_0000UL;
        BinaryPrimitives.WriteUInt64BigEndian(destination, ibm);
    }

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
