using System.Diagnostics;
using ProtocolEngine.Checks.Execution;
using ProtocolEngine.Checks.Results;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Checks;

/// <summary>
/// Runs a protocol's data checks (its own and those of the libraries it imports) over a study and reports
/// every finding. One pass over the subjects: for each subject, its subject checks, then each dataset's
/// records once with every check of that dataset. Subjects are evaluated in parallel blocks whose results are
/// merged in subject order, so the report does not depend on the number of threads.
/// </summary>
/// <remarks>
/// Outcomes per record: the where condition true selects it (false or null leaves it out); the expectation
/// true passes, false fails (a finding), null cannot be evaluated (reported separately). A check whose
/// dataset the study lacks is skipped. A check that reads another domain the study lacks, divides by zero,
/// exceeds a limit or fails at run time stops with an execution error naming the record, and the others run on.
/// </remarks>
public static class CheckRunner
{
    private const int SubjectsPerBlock = 512;

    /// <summary>Runs the checks of <paramref name="protocol"/> over a loaded study (dataset details come from the files read).</summary>
    /// <exception cref="ArgumentException">The protocol has errors.</exception>
    public static ValidationReport Run(CompiledProtocol protocol, LoadedStudy study, CheckRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var details = study.Data.Domains.Select(t =>
        {
            var source = study.Sources.FirstOrDefault(s => string.Equals(s.Dataset, t.Name, StringComparison.OrdinalIgnoreCase));
            var file = source is null ? null : new FileInfo(source.File);
            return new DatasetDetail(t.Name, t.Label, source?.File, file is { Exists: true } ? file.Length : null,
                file is { Exists: true } ? new DateTimeOffset(file.LastWriteTimeUtc) : null, t.RowCount);
        }).ToList();
        return Run(protocol, study.Data, options, details, cancellationToken);
    }

    /// <summary>Runs the checks of <paramref name="protocol"/> over a study.</summary>
    /// <param name="protocol">The compiled protocol (without errors).</param>
    /// <param name="study">The study data.</param>
    /// <param name="options">How to run; defaults when null.</param>
    /// <param name="datasets">Dataset details for the report (derived from the study when null).</param>
    /// <param name="cancellationToken">Stops the run between blocks of subjects.</param>
    /// <exception cref="ArgumentException">The protocol has errors, or <see cref="CheckRunOptions.Only"/> names a check it does not have.</exception>
    public static ValidationReport Run(CompiledProtocol protocol, StudyData study, CheckRunOptions? options = null,
        IReadOnlyList<DatasetDetail>? datasets = null, CancellationToken cancellationToken = default)
    {
        options ??= new CheckRunOptions();
        var generatedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var executable = ExecutableProtocol.For(protocol);
        RequireChecks(protocol, options.Only);
        var compileElapsed = clock.Elapsed;
        clock.Restart();
        var now = options.AsOf ?? CqlDateTime.FromDateTime(DateTime.UtcNow, DateTimePrecision.Millisecond, 0);

        var plans = Plan(executable, study, options);
        var results = plans.Select(p => new CheckResult(p.Check) { Library = LibraryOf(protocol, p.Check) }).ToArray();
        foreach (var p in plans)
        {
            var (_, variables) = CheckAnalysis.Reads(p.Check);
            results[p.Index].AbsentVariables = [.. variables
                .Where(v => study.GetDomain(v.Domain) is { } t && t.GetColumn(v.Variable) is null)
                .Select(v => v.Domain + "." + v.Variable)];
        }

        var running = plans.Where(p => p.Runs).ToList();
        var subjectPlans = running.Where(p => p.Check.ScopeKind == CheckScopeKind.Subject).ToArray();
        var studyPlans = running.Where(p => p.Check.ScopeKind == CheckScopeKind.Study).ToArray();
        var groups = running.Where(p => p.Check.ScopeKind == CheckScopeKind.Record)
            .GroupBy(p => p.Table!)
            .Select(g => new TableGroup(g.Key, [.. g]))
            .OrderBy(g => g.Table.Name, StringComparer.Ordinal)
            .ToArray();
        var indexed = groups.Where(g => g.Table.IsSubjectIndexed).ToArray();
        var flat = groups.Where(g => !g.Table.IsSubjectIndexed).ToArray();

        int subjects = study.SubjectCount;
        int blocks = (subjects + SubjectsPerBlock - 1) / SubjectsPerBlock;
        bool subjectPass = blocks > 0 && (subjectPlans.Length > 0 || indexed.Length > 0);
        var merger = new ResultMerger(plans.Length, subjectPass ? blocks : 0, options.DetailLimit);
        long done = 0;
        if (subjectPass)
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken };
            Parallel.For(0, blocks, parallel,
                () => new CheckEvaluator(executable, study, now, options.Limits, options.DetailLimit, merger),
                (block, _, evaluator) =>
                {
                    int from = block * SubjectsPerBlock, to = Math.Min(subjects, from + SubjectsPerBlock);
                    merger.Complete(block, RunSubjects(evaluator, plans.Length, from, to, subjectPlans, indexed));
                    long total = Interlocked.Add(ref done, to - from);
                    options.Progress?.Report((total, subjects));
                    return evaluator;
                },
                _ => { });
        }
        cancellationToken.ThrowIfCancellationRequested();
        merger.CompleteRest(RunRest(new CheckEvaluator(executable, study, now, options.Limits, options.DetailLimit, merger), plans.Length, indexed, flat, studyPlans));
        options.Progress?.Report((subjects, subjects));

        foreach (var plan in plans)
        {
            var result = results[plan.Index];
            if (plan.SkipReason is not null)
            {
                result.Status = CheckStatus.Skipped;
                result.SkipReason = plan.SkipReason;
            }
            else if (plan.StaticError is not null)
            {
                result.Status = CheckStatus.ExecutionError;
                result.Error = plan.StaticError;
            }
            else merger.Fill(plan, result);
        }
        clock.Stop();
        return new ValidationReport
        {
            Engine = options.Engine,
            GeneratedAt = generatedAt,
            Elapsed = clock.Elapsed,
            CompileElapsed = compileElapsed,
            Protocol = protocol.Name,
            ProtocolVersion = protocol.Version,
            ProtocolHash = protocol.ContentHash,
            Standard = protocol.DataModel is { } model ? $"{model.Name} {model.Version}" : null,
            DataSource = study.Source,
            Subjects = subjects,
            Datasets = datasets ?? [.. study.Domains.Select(t => new DatasetDetail(t.Name, t.Label, null, null, null, t.RowCount))],
            Checks = results,
            RecordsVisited = merger.RecordsVisited,
            Evaluations = results.Sum(r => r.Evaluated + r.Excluded),
            DetailLimit = options.DetailLimit,
        };
    }

    /// <summary>
    /// Fails when a selected check id is not one of the protocol's checks (with the libraries it imports): such an id
    /// would run nothing and report success. Hosts call it before loading data; <see cref="Run(CompiledProtocol, StudyData, CheckRunOptions?, IReadOnlyList{DatasetDetail}?, CancellationToken)"/> calls it too.
    /// </summary>
    /// <exception cref="ArgumentException">An id is unknown; the message names it, the closest id and the valid ones.</exception>
    public static void RequireChecks(CompiledProtocol protocol, IReadOnlyCollection<string>? only)
    {
        if (only is null) return;
        Selection.Require("check", only, $"in {protocol.Name} or the libraries it imports", [.. ExecutableProtocol.For(protocol).Checks.Select(c => c.Check.Id)]);
    }

    private sealed record TableGroup(DomainTable Table, CheckPlan[] Plans);

    private static CheckPlan[] Plan(ExecutableProtocol executable, StudyData study, CheckRunOptions options)
    {
        var plans = new List<CheckPlan>();
        foreach (var check in executable.Checks)
        {
            if (options.Only is { } only && !only.Contains(check.Check.Id)) continue;
            var plan = new CheckPlan(plans.Count, check);
            plans.Add(plan);
            if (check.Check.ScopeKind == CheckScopeKind.Record)
            {
                var domain = check.Check.Domain?.Name ?? "";
                plan.Table = study.GetDomain(domain);
                if (plan.Table is null)
                {
                    plan.SkipReason = $"The study has no {domain} dataset.";
                    continue;
                }
            }
            var (domains, _) = CheckAnalysis.Reads(check.Check);
            if (domains.FirstOrDefault(d => study.GetDomain(d) is null) is { } missing)
                plan.StaticError = new CheckError(
                    DiagnosticCatalog.MissingDomain(check.Check.Syntax.Span, check.Check.Id, missing) with { Source = check.Check.Source }, null, null, null);
        }
        return [.. plans];
    }

    private static string? LibraryOf(CompiledProtocol protocol, BoundCheck check) =>
        ReferenceEquals(check.Source, protocol.Source) ? null
            : protocol.Libraries.FirstOrDefault(l => ReferenceEquals(l.Source, check.Source))?.Name;

    private static BlockResult RunSubjects(CheckEvaluator evaluator, int checks, int from, int to, CheckPlan[] subjectPlans, TableGroup[] indexed)
    {
        var result = new BlockResult(checks);
        var ctx = evaluator.Context;
        long visited = 0;
        for (int s = from; s < to; s++)
        {
            ctx.BeginSubject(s);
            foreach (var plan in subjectPlans) evaluator.Evaluate(plan, result.Tally(plan), null);
            foreach (var group in indexed)
            {
                var (start, count) = group.Table.RowsOf(s);
                for (int row = start; row < start + count; row++)
                {
                    var record = new DomainRecord(group.Table, row);
                    foreach (var plan in group.Plans) evaluator.Evaluate(plan, result.Tally(plan), record);
                }
                visited += count;
            }
        }
        result.RecordsVisited = visited;
        return result;
    }

    // Records of no study subject (orphans), trial-level datasets, and study checks.
    private static BlockResult RunRest(CheckEvaluator evaluator, int checks, TableGroup[] indexed, TableGroup[] flat, CheckPlan[] studyPlans)
    {
        var result = new BlockResult(checks);
        var ctx = evaluator.Context;
        ctx.BeginSubject(-1);
        long visited = 0;
        foreach (var group in indexed)
        {
            var (start, count) = group.Table.OrphanRows;
            Rows(group, start, count);
        }
        foreach (var group in flat) Rows(group, 0, group.Table.RowCount);
        foreach (var plan in studyPlans) evaluator.Evaluate(plan, result.Tally(plan), null);
        result.RecordsVisited = visited;
        return result;

        void Rows(TableGroup group, int start, int count)
        {
            for (int row = start; row < start + count; row++)
            {
                var record = new DomainRecord(group.Table, row);
                foreach (var plan in group.Plans) evaluator.Evaluate(plan, result.Tally(plan), record);
            }
            visited += count;
        }
    }
}
