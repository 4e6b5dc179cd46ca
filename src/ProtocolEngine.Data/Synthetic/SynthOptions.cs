using ProtocolEngine.Data.Loading;

namespace ProtocolEngine.Data.Synthetic;

/// <summary>What <see cref="PopulationGenerator"/> generates.</summary>
public sealed class SynthOptions
{
    /// <summary>The number of subjects (screened, including screen failures).</summary>
    public int Subjects { get; init; } = 1000;

    /// <summary>The seed: the same seed always gives the same population.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The file format written.</summary>
    public DataFileFormat Format { get; init; } = DataFileFormat.Xpt;

    /// <summary>The creation time stamped into file headers (now by default; fix it for byte-identical output).</summary>
    public DateTime? Timestamp { get; init; }

    /// <summary>How many threads generate subjects while one writes (the number of processors by default).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Subjects generated per block; blocks are written in order while the next is generated.</summary>
    public int BlockSize { get; init; } = 2048;
}

/// <summary>What a generation wrote.</summary>
/// <param name="Subjects">Subjects generated.</param>
/// <param name="Files">The files written (datasets, and define.xml for CSV).</param>
/// <param name="Records">Records written per dataset.</param>
public sealed record SynthResult(int Subjects, IReadOnlyList<string> Files, IReadOnlyDictionary<string, long> Records);
