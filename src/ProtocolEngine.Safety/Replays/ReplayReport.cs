using NodaTime;
using ProtocolEngine.Workflows.Simulation;

namespace ProtocolEngine.Safety.Replays;

/// <summary>One regulatory clock of one replayed record.</summary>
/// <param name="Key">The instance key (subject/record).</param>
/// <param name="Term">The record's term (AEDECOD, else AETERM).</param>
/// <param name="Clock">The clock name (SeriousAE, FatalSUSAR.complete, ...).</param>
/// <param name="Party">Who is notified or reported to.</param>
/// <param name="Day0">Awareness.</param>
/// <param name="DueAt">The deadline.</param>
/// <param name="Status">met, missed, withdrawn, or running at the end of the replay.</param>
/// <param name="StoppedAt">When the obligation was discharged (or withdrawn), if it was.</param>
public sealed record ReplayClock(string Key, string Term, string Clock, string? Party, Instant Day0, Instant DueAt, string Status, Instant? StoppedAt);

/// <summary>The clocks of one name: how many started, were met, missed, withdrawn, or still running.</summary>
/// <param name="Clock">The clock name.</param>
/// <param name="Started">Clocks started.</param>
/// <param name="Met">Stopped by the deadline.</param>
/// <param name="Missed">Deadline passed first (a deviation and an incident each; a late report still stops it).</param>
/// <param name="Withdrawn">A person's signed decision removed the obligation.</param>
/// <param name="Running">Still running when the replay ended.</param>
public sealed record ClockTally(string Clock, int Started, int Met, int Missed, int Withdrawn, int Running);

/// <summary>What a replay of real records through the workflows did.</summary>
/// <param name="Domain">The replayed domain (AE).</param>
/// <param name="Records">Records in the domain.</param>
/// <param name="Replayed">Records replayed (those with a usable start date).</param>
/// <param name="StartedNothing">Replayed records that every workflow's start condition turned down (false, not unknown): no instance.</param>
/// <param name="NotReplayed">Records left out, with why (never silently: each is listed).</param>
/// <param name="Assumptions">The people's behaviour the figures depend on.</param>
/// <param name="FinalStates">Instances per workflow and final state (Workflow/State).</param>
/// <param name="Clocks">Every clock started, per record.</param>
/// <param name="Tally">Per clock name: started, met, missed, withdrawn, running.</param>
/// <param name="Deviations">Protocol deviations recorded (one per missed clock).</param>
/// <param name="TasksDone">Tasks completed by the replay's people.</param>
/// <param name="Timeline">The journal of every instance that started a clock or opened a task, in time order.</param>
/// <param name="Problems">Commands the engine refused (should be none), each with the record.</param>
/// <param name="First">The first awareness.</param>
/// <param name="Last">The last awareness.</param>
public sealed record ReplayReport(string Domain, int Records, int Replayed, int StartedNothing, IReadOnlyList<string> NotReplayed, ReplayAssumptions Assumptions,
    IReadOnlyDictionary<string, int> FinalStates, IReadOnlyList<ReplayClock> Clocks, IReadOnlyList<ClockTally> Tally, int Deviations, int TasksDone,
    IReadOnlyList<TimelineLine> Timeline, IReadOnlyList<string> Problems, Instant? First, Instant? Last);
