namespace ProtocolEngine.Runtime.Data;

/// <summary>
/// Arrays whose memory is written before anything reads it: the per-study answers a screening keeps (a lookup's rows,
/// an exists pass's outcomes), which the kernels read ("computed yet?") before they write.
/// </summary>
/// <remarks>
/// A large array is placed in memory fresh from the operating system, which the runtime does not zero itself. Read first,
/// each of its pages is mapped to the kernel's shared zero page; the write that follows then faults again, copies, and
/// has every other core drop the old mapping from its TLB (an interrupt on each). The profile of first screenings put
/// those write faults at about a tenth of the time (docs/performance.md). Writing the zeros first maps each page once.
/// </remarks>
internal static class WrittenArray
{
    /// <summary>A zeroed array of <paramref name="length"/> elements whose every page has been written.</summary>
    public static T[] Zeroed<T>(int length) where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length);
        Array.Clear(array);
        return array;
    }
}
