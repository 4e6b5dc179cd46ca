using NodaTime;

namespace ProtocolEngine.Workflows.Simulation;

/// <summary>A clock the simulator moves: weeks pass in milliseconds.</summary>
/// <param name="start">The starting time.</param>
public sealed class VirtualClock(Instant start) : IClock
{
    private long _ticks = start.ToUnixTimeTicks();

    /// <inheritdoc />
    public Instant GetCurrentInstant() => Instant.FromUnixTimeTicks(Interlocked.Read(ref _ticks));

    /// <summary>Moves to <paramref name="to"/>; time never goes backwards.</summary>
    public void AdvanceTo(Instant to)
    {
        long t = to.ToUnixTimeTicks();
        if (t > Interlocked.Read(ref _ticks)) Interlocked.Exchange(ref _ticks, t);
    }

    /// <summary>Moves forward by <paramref name="by"/>.</summary>
    public void Advance(Duration by) => AdvanceTo(GetCurrentInstant() + by);
}
