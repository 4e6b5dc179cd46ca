using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ProtocolEngine.Benchmarks.Screening;

/// <summary>
/// The runtime's JIT and tiered-compilation events, heard in-process (<c>--jit-events</c>): which methods the JIT compiled,
/// at which tier, and when call counting was paused and resumed, so that what a screening compiles can be told apart from
/// what an earlier one left to promote.
/// </summary>
internal sealed class JitEvents : EventListener
{
    private readonly ConcurrentQueue<(DateTime At, string What)> _events = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        // Every keyword: enabled as JIT (0x10) and compilation (0x1000000000) alone, the tiering pause and resume events did
        // not arrive in-process (.NET 10.0.12); only the events below are kept.
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)(-1));
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        switch (e.EventName)
        {
            case "MethodLoadVerbose_V1" or "MethodLoadVerbose_V2":
                _events.Enqueue((e.TimeStamp, $"{Tier(Convert.ToUInt32(e.Payload![e.PayloadNames!.IndexOf("MethodFlags")]))} {e.Payload[e.PayloadNames.IndexOf("MethodNamespace")]}::{e.Payload[e.PayloadNames.IndexOf("MethodName")]}"));
                break;
            case "TieredCompilationPause" or "TieredCompilationResume" or "TieredCompilationBackgroundJitStart" or "TieredCompilationBackgroundJitStop":
                _events.Enqueue((e.TimeStamp, e.EventName + " " + string.Join(", ", e.PayloadNames!.Select((n, i) => $"{n}={e.Payload![i]}"))));
                break;
        }
    }

    // MethodFlags bits 7 to 9: the optimisation tier (ETW's MethodFlags, OptimizationTier).
    private static string Tier(uint flags) => ((flags >> 7) & 7) switch
    {
        1 => "minopts",
        2 => "optimized",
        3 => "tier0",
        4 => "tier1",
        5 => "r2r-or-osr",
        6 => "tier0-instr",
        7 => "tier1-instr",
        _ => "?",
    };

    private readonly List<(DateTime At, string Label)> _marks = [];

    /// <summary>Marks a moment (the start or end of a screening) to print the events between marks by.</summary>
    public void Mark(string label) => _marks.Add((DateTime.UtcNow, label));

    /// <summary>
    /// Prints the events heard between each pair of marks, counted by tier, listing each first compilation of a method that
    /// tiering covers (tier0, minopts, optimized outside dynamic methods), every one with <paramref name="all"/>.
    /// </summary>
    public void Print(bool all)
    {
        // Events reach the listener asynchronously (EventPipe dispatch); give the last ones time to arrive.
        Thread.Sleep(1500);
        var events = _events.OrderBy(e => e.At).ToList();
        int k = 0;
        for (int m = 0; m <= _marks.Count; m++)
        {
            var until = m < _marks.Count ? _marks[m].At : DateTime.MaxValue;
            var taken = new List<(DateTime At, string What)>();
            for (; k < events.Count && events[k].At.ToUniversalTime() < until; k++) taken.Add(events[k]);
            var byTier = taken.Where(e => !e.What.StartsWith("Tiered", StringComparison.Ordinal)).GroupBy(e => e.What.Split(' ')[0]).Select(g => $"{g.Key} {g.Count()}");
            Console.WriteLine($"[until {(m < _marks.Count ? _marks[m].Label : "the end")}] JIT: {string.Join(", ", byTier)}");
            foreach (var e in taken.Where(e => all || e.What.StartsWith("Tiered", StringComparison.Ordinal) || e.What.StartsWith("tier0 ", StringComparison.Ordinal) || e.What.StartsWith("minopts", StringComparison.Ordinal) || e.What.StartsWith("optimized ", StringComparison.Ordinal) && !e.What.Contains("dynamicClass", StringComparison.Ordinal)))
                Console.WriteLine($"    {e.At.ToUniversalTime():HH:mm:ss.fff} {e.What}");
        }
    }
}
