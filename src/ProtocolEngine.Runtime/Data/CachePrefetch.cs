using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Asks the processor to bring an array element into cache before a loop reads it. The screening's kernels read one
/// row of a large column per subject (a lookup's kept row, a code's first row): rows far apart, so each read would wait
/// for memory; asked a few subjects ahead, the waits overlap.
/// </summary>
internal static class CachePrefetch
{
    /// <summary>Prefetches <paramref name="array"/>[<paramref name="index"/>]; an index outside the array (a row of −1: no record) asks for nothing.</summary>
    /// <remarks>A hint only: it reads nothing the caller sees and cannot fault, so the array need not be pinned (were it moved, the hint would fetch the wrong line, nothing worse).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Element<T>(T[] array, int index) where T : unmanaged
    {
        if (Sse.IsSupported && (uint)index < (uint)array.Length)
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), index)));
    }
}
