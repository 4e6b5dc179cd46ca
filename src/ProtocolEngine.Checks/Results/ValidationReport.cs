namespace ProtocolEngine.Checks.Results;

/// <summary>
/// The result of running a protocol's checks over a study: what ran (engine, protocol and its hash, data
/// source, datasets), and per check its status, counts and findings. Reports in every format are written
/// from it.
/// </summary>
public sealed class ValidationReport
{
    internal ValidationReport() { }

    /// <summary>The engine that ran the checks, for example "ProtocolEngine 0.1.0".</summary>
    public required string Engine { get; init; }

    /// <summary>When the report was made.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>How long evaluating the checks took (compiling the protocol and loading the data not included).</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>How long compiling the protocol's rules to delegates took (once per protocol and process).</summary>
    public TimeSpan CompileElapsed { get; init; }

    /// <summary>The protocol name.</summary>
    public required string Protocol { get; init; }

    /// <summary>The protocol version, when stated.</summary>
    public string? ProtocolVersion { get; init; }

    /// <summary>SHA-256 of the protocol and every library it imports.</summary>
    public required string ProtocolHash { get; init; }

    /// <summary>The data model the checks are typed against, for example "SDTM 3.4".</summary>
    public string? Standard { get; init; }

    /// <summary>Where the data came from.</summary>
    public string? DataSource { get; init; }

    /// <summary>The number of study subjects.</summary>
    public required int Subjects { get; init; }

    /// <summary>The datasets of the study.</summary>
    public required IReadOnlyList<DatasetDetail> Datasets { get; init; }

    /// <summary>Every check, in protocol order (the protocol's own, then those of imported libraries).</summary>
    public required IReadOnlyList<CheckResult> Checks { get; init; }

    /// <summary>Records visited: each record of a dataset counts once however many checks read it.</summary>
    public required long RecordsVisited { get; init; }

    /// <summary>Check evaluations: one per check per record (or subject) in its scope, where conditions included.</summary>
    public required long Evaluations { get; init; }

    /// <summary>The most findings listed per check and outcome (0: no limit); counts are always exact.</summary>
    public int DetailLimit { get; init; }

    /// <summary>Every failure, check by check.</summary>
    public IEnumerable<Finding> Failures => Checks.SelectMany(c => c.Failures);

    /// <summary>True when a check failed at error or critical severity, or could not run: the data do not pass.</summary>
    public bool HasBlockingIssues => Checks.Any(c => c.Blocks);

    /// <summary>Records visited per second of evaluation.</summary>
    public double RecordsPerSecond => Elapsed.TotalSeconds > 0 ? RecordsVisited / Elapsed.TotalSeconds : 0;
}
