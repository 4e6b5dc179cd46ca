using System.Collections.Concurrent;
using ProtocolEngine.Data.Define;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Data.Synthetic;

/// <summary>
/// Generates a synthetic SDTM population (DM, SV, DS, MH, CM, EX, AE, LB, VS, EG, QS) and streams it to one
/// file per dataset. Subjects are generated in blocks by several threads, each subject from its own seeded
/// random stream, and written in subject order by one thread, so the output depends only on the seed and
/// memory stays flat however many subjects are generated. Files are written under temporary names and moved
/// into place when all are complete; a failure or cancellation leaves no temporary file behind.
/// </summary>
public static class PopulationGenerator
{
    /// <summary>The names of the files a population is written to in a format (define.xml too for CSV).</summary>
    public static string[] FileNames(DataFileFormat format) =>
        [.. SynthSchemas.All.Select(d => d.Name.ToLowerInvariant() + DataFileFormats.Extension(format)), .. format == DataFileFormat.Csv ? ["define.xml"] : Array.Empty<string>()];

    /// <summary>Generates the population into <paramref name="outputFolder"/>; <paramref name="progress"/> hears the subjects written so far.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number of subjects is not positive.</exception>
    public static SynthResult Generate(string outputFolder, SynthOptions options, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.Subjects <= 0) throw new ArgumentOutOfRangeException(nameof(options), "The number of subjects must be positive.");
        OutputFiles.RequireFolder(outputFolder, "output folder");
        Directory.CreateDirectory(outputFolder);
        // Every target is checked before any subject is generated (a device or link there is refused, not replaced).
        foreach (var name in FileNames(options.Format)) OutputFiles.RequireFile(Path.Combine(outputFolder, name), "output");
        var datasets = SynthSchemas.All;
        var timestamp = options.Timestamp ?? DateTime.Now;
        var finals = datasets.Select(d => Path.Combine(outputFolder, d.Name.ToLowerInvariant() + DataFileFormats.Extension(options.Format))).ToArray();
        // Every file goes to a temporary name and all move into place at the end; a failure, a full disk or
        // cancellation deletes them, so the folder holds the previous files or the new ones, never a mixture.
        using var files = new AtomicFileSet();
        var writers = new List<DatasetStreamWriter>();
        try
        {
            for (int d = 0; d < datasets.Length; d++)
            {
                var stream = files.Create(finals[d], 1 << 20);
                writers.Add(DatasetStreamWriter.Create(options.Format, stream, datasets[d].Name, datasets[d].Label, datasets[d].Columns, null, timestamp));
            }
            Run(options, writers, progress, cancellationToken);
            foreach (var w in writers) w.Complete();
            var records = datasets.Select((d, i) => (d.Name, writers[i].RowsWritten)).ToDictionary(x => x.Name, x => x.RowsWritten);
            foreach (var w in writers) w.Dispose();
            writers.Clear();

            var written = finals.ToList();
            if (options.Format == DataFileFormat.Csv)
            {
                // CSV carries no types: a define.xml describes them.
                var define = Path.Combine(outputFolder, "define.xml");
                using (var stream = files.Create(define))
                    DefineXmlWriter.Write(stream, SynthCatalog.StudyId,
                        datasets.Select((d, i) => DefineXmlWriter.Describe(d.Name, d.Label, d.Columns, Path.GetFileName(finals[i]))), timestamp);
                written.Add(define);
            }
            cancellationToken.ThrowIfCancellationRequested();
            files.Commit();
            return new SynthResult(options.Subjects, written, records);
        }
        finally
        {
            foreach (var w in writers)
            {
                try { w.Dispose(); }
                catch (IOException) { } // a full disk fails the last flush as well; the temporary files are deleted anyway
            }
        }
    }

    private sealed class Block
    {
        public Block(int parts, ulong seed)
        {
            Parts = new RowBatch[parts][];
            Generators = new SubjectGenerator[parts];
            for (int p = 0; p < parts; p++)
            {
                Parts[p] = [.. SynthSchemas.All.Select(d => new RowBatch(d.Columns))];
                Generators[p] = new SubjectGenerator(Parts[p], seed);
            }
        }

        public RowBatch[][] Parts { get; }
        public SubjectGenerator[] Generators { get; }
        public long First { get; set; }
        public int Count { get; set; }
    }

    private static void Run(SynthOptions options, List<DatasetStreamWriter> writers, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        int parts = Math.Max(1, options.Parallelism);
        int blockSize = Math.Max(parts, options.BlockSize);
        const int Blocks = 3;
        using var free = new BlockingCollection<Block>(Blocks);
        using var ready = new BlockingCollection<Block>(Blocks);
        for (int i = 0; i < Blocks; i++) free.Add(new Block(parts, options.Seed));

        var producer = Task.Run(() =>
        {
            try
            {
                for (long first = 0; first < options.Subjects; first += blockSize)
                {
                    var block = free.Take(cancellationToken);
                    block.First = first;
                    block.Count = (int)Math.Min(blockSize, options.Subjects - first);
                    int perPart = (block.Count + parts - 1) / parts;
                    Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts, CancellationToken = cancellationToken }, p =>
                    {
                        foreach (var batch in block.Parts[p]) batch.Clear();
                        long from = block.First + (long)p * perPart;
                        long to = Math.Min(block.First + block.Count, from + perPart);
                        for (long s = from; s < to; s++) block.Generators[p].Generate(s);
                    });
                    ready.Add(block, cancellationToken);
                }
            }
            finally
            {
                ready.CompleteAdding();
            }
        }, cancellationToken);

        long written = 0;
        foreach (var block in ready.GetConsumingEnumerable(cancellationToken))
        {
            for (int p = 0; p < parts; p++)
                for (int d = 0; d < writers.Count; d++)
                    block.Parts[p][d].Replay(writers[d]);
            written += block.Count;
            progress?.Report(written);
            free.Add(block, cancellationToken);
        }
        producer.GetAwaiter().GetResult();
    }
}
