using ProtocolEngine.Verification.Solving;

namespace ProtocolEngine.Verification;

/// <summary>How an amendment changes who can be eligible.</summary>
public enum AmendmentDirection
{
    /// <summary>Every subject eligible under one version is eligible under the other (on the data).</summary>
    Same,
    /// <summary>The eligible population can only shrink.</summary>
    Shrinks,
    /// <summary>The eligible population can only grow.</summary>
    Grows,
    /// <summary>Some subjects become ineligible and others eligible.</summary>
    Both,
    /// <summary>A query was not answered (timeout): nothing proved.</summary>
    NotVerified,
}

/// <summary>Two versions of a protocol compared by the solver.</summary>
public sealed record AmendmentReport
{
    /// <summary>The original version (name and version).</summary>
    public required string Original { get; init; }

    /// <summary>The amended version (name and version).</summary>
    public required string Amended { get; init; }

    /// <summary>Whether the eligible population shrinks, grows, both or neither.</summary>
    public required AmendmentDirection Direction { get; init; }

    /// <summary>A subject eligible under the original and ineligible under the amendment, when one exists.</summary>
    public WitnessSubject? ShrinkWitness { get; init; }

    /// <summary>The amended version's criteria that exclude the shrink witness.</summary>
    public IReadOnlyList<string> ShrinkCriteria { get; init; } = [];

    /// <summary>A subject ineligible under the original and eligible under the amendment, when one exists.</summary>
    public WitnessSubject? GrowWitness { get; init; }

    /// <summary>The original version's criteria that exclude the grow witness.</summary>
    public IReadOnlyList<string> GrowCriteria { get; init; } = [];

    /// <summary>How the engine screened each witness under both versions ("Eligible/Ineligible" and so on).</summary>
    public IReadOnlyDictionary<string, string> Screened { get; init; } = new Dictionary<string, string>();

    /// <summary>What was not proved.</summary>
    public IReadOnlyList<NotVerifiedItem> NotVerified { get; init; } = [];

    /// <summary>Every solver query with its answer and time.</summary>
    public required IReadOnlyList<QueryTiming> Queries { get; init; }

    /// <summary>Everything sent to the solver, in SMT-LIB.</summary>
    public string SmtScript { get; init; } = "";
}
