using NodaTime;

namespace ProtocolEngine.Server.Tests.Support;

/// <summary>A clock the test moves: time passes only when told (the server's timers fire by it).</summary>
public sealed class FakeClock(Instant start) : IClock
{
    private long _ticks = start.ToUnixTimeTicks();

    public Instant GetCurrentInstant() => Instant.FromUnixTimeTicks(Interlocked.Read(ref _ticks));

    public void Advance(Duration d) => Interlocked.Add(ref _ticks, (long)d.TotalTicks);
}
