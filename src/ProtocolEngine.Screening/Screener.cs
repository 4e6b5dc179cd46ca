using System.Collections.Concurrent;
using System.Diagnostics;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Screening;

/// <summary>
/// Screens a population against a protocol's criteria: every criterion of every subject yields Met, NotMet,
/// Unknown or Attested with its evidence, and every subject a status. Subjects are evaluated in parallel, one
/// <see cref="EligibilityWorker"/> per thread, by the one <see cref="EligibilityEvaluator"/> every caller shares.
/// </summary>
public static class Screener
{
    private const int ChunkSize = 256;

    /// <summary>Screens every subject of <paramref name="study"/>.</summary>
    /// <exception cref="ArgumentException">The protocol has errors, or the phase asked for has no criteria.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static ScreeningResult Screen(CompiledProtocol protocol, StudyData study, ScreeningOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ScreeningOptions();
        var evaluator = EligibilityEvaluator.ForCriteria(protocol, study, options.Phase, options.Criteria);
        var asOf = options.AsOf ?? EligibilityEvaluator.AsOfDate(DateTime.UtcNow);
        var subjects = SelectSubjects(study, options.Subjects);
        var results = evaluator.CreateResults(subjects, options.RecordEvidence);
        EligibilityWorker NewWorker() => evaluator.CreateWorker(results, asOf, options.Limits, options.EvidenceCapacity);

        var clock = Stopwatch.StartNew();
        int done = 0;
        if (options.MaxDegreeOfParallelism <= 1 || subjects.Length <= ChunkSize)
        {
            // One worker: no partitioning or thread hand-offs.
            var worker = NewWorker();
            for (int start = 0; start < subjects.Length; start += ChunkSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int end = Math.Min(subjects.Length, start + ChunkSize);
                worker.EvaluateRange(start, end);
                options.Progress?.Report(end);
            }
        }
        else
        {
            Parallel.ForEach(
                Partitioner.Create(0, subjects.Length, ChunkSize),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism), CancellationToken = cancellationToken },
                NewWorker,
                (range, _, worker) =>
                {
                    worker.EvaluateRange(range.Item1, range.Item2);
                    int total = Interlocked.Add(ref done, range.Item2 - range.Item1);
                    options.Progress?.Report(total);
                    return worker;
                },
                _ => { });
        }
        clock.Stop();
        return new ScreeningResult(protocol, results, asOf, clock.Elapsed);
    }

    private static int[] SelectSubjects(StudyData study, IReadOnlyList<string>? wanted)
    {
        if (wanted is null) return [.. Enumerable.Range(0, study.SubjectCount)];
        var indexes = new int[wanted.Count];
        for (int i = 0; i < wanted.Count; i++)
        {
            indexes[i] = study.IndexOfSubject(wanted[i]);
            if (indexes[i] < 0) throw Selection.Unknown("subject", wanted[i], "in the study's DM", study.SubjectIds);
        }
        return indexes;
    }
}
