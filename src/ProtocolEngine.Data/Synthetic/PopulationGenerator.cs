using System.Collections.Concurrent;
using ProtocolEngine.Data.Define;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Writing;

namespace ProtocolEngine.Data.Synthetic;

/// <summary>
/// Generates a synthetic SDTM population (DM, SV, DS, MH, CM, EX, AE, LB, VS, EG, QS) and streams it to one
/// file per dataset. Subjects are generated in blocks by several threads, each subject from its own seeded
/// random stream, and written in subject order by one thread, so the output depends only on the seed and
/// memory stays flat however many subjects are generated. Files are written under temporary names and moved
/// into place when complete.
/// </summary>
public static class PopulationGenerator
{
    /// <summary>Generates the population into <paramref name="outputFolder"/>; <paramref name="progress"/> hears the subjects written so far.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number of subjects is not positive.</exception>
    public static SynthResult Generate(string outputFolder, SynthOptions options, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.Subjects <= 0) throw new ArgumentOutOfRangeException(nameof(options), "The number of subjects must be positive.");
        Directory.CreateDirectory(outputFolder);
        var datasets = SynthSchemas.All;
        var timestamp = options.Timestamp ?? DateTime.Now;
        var finals = datasets.Select(d => Path.Combine(outputFolder, d.Name.ToLowerInvariant() + DataFileFormats.Extension(options.Format))).ToArray();
        var temps = finals.Select(f => f + "." + Guid.NewGuid().ToString("N")[..8] + ".partial").ToList();
        var streams = new List<FileStream>();
        var writers = new List<DatasetStreamWriter>();
        try
        {
            for (int d = 0; d < datasets.Length; d++)
            {
                var stream = new FileStream(temps[d], FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
                streams.Add(stream);
                writers.Add(DatasetStreamWriter.Create(options.Format, stream, datasets[d].Name, datasets[d].Label, datasets[d].Columns, null, timestamp));
            }
            Run(options, writers, progress, cancellationToken);
            foreach (var w in writers) w.Complete();
            var records = datasets.Select((d, i) => (d.Name, writers[i].RowsWritten)).ToDictionary(x => x.Name, x => x.RowsWritten);
            foreach (var w in writers) w.Dispose();
            foreach (var s in streams) s.Dispose();
            writers.Clear();
            streams.Clear();

            var files = finals.ToList();
            if (options.Format == DataFileFormat.Csv)
            {
                // CSV carries no types: a define.xml describes them.
                var define = Path.Combine(outputFolder, "define.xml");
                var temp = define + "." + Guid.NewGuid().ToString("N")[..8] + ".partial";
                temps.Add(temp);
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                    DefineXmlWriter.Write(stream, SynthCatalog.StudyId,
                        datasets.Select((d, i) => DefineXmlWriter.Describe(d.Name, d.Label, d.Columns, Path.GetFileName(finals[i]))), timestamp);
                finals = [.. finals, define];
                files.Add(define);
            }
            for (int i = 0; i < finals.Length; i++) File.Move(temps[i], finals[i], overwrite: true);
            return new SynthResult(options.Subjects, files, records);
        }
        catch
        {
            foreach (var w in writers) w.Dispose();
            foreach (var s in streams) s.Dispose();
            foreach (var t in temps)
                if (File.Exists(t)) File.Delete(t);
            throw;
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
