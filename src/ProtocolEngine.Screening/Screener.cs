using System.Collections.Concurrent;
using System.Diagnostics;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Screening;

/// <summary>
/// Screens a population against a protocol's criteria: every criterion of every subject yields Met, NotMet,
/// Unknown or Attested with its evidence, and every subject a status. Subjects are evaluated in parallel, one
/// evaluation context per worker, straight over the study's per-subject view.
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
        var executable = ExecutableProtocol.For(protocol);
        var criteria = SelectCriteria(executable, options.Phase);
        var asOf = options.AsOf ?? CqlDateTime.FromDateTime(DateTime.UtcNow.Date, DateTimePrecision.Day, null);
        var determinations = options.UseRecordedDeterminations
            ? RecordedDeterminations.FromStudy(study, protocol.Criteria.ToDictionary(c => c.Id, c => c.Kind, StringComparer.Ordinal))
            : RecordedDeterminations.None;

        var subjects = SelectSubjects(study, options.Subjects);
        var run = new Run(executable, study, subjects, criteria, asOf, determinations, options);
        var clock = Stopwatch.StartNew();
        int done = 0;
        if (options.MaxDegreeOfParallelism <= 1 || subjects.Length <= ChunkSize)
        {
            // One worker: no partitioning or thread hand-offs.
            var worker = new Worker(run);
            for (int start = 0; start < subjects.Length; start += ChunkSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int end = Math.Min(subjects.Length, start + ChunkSize);
                for (int row = start; row < end; row++) worker.Evaluate(row);
                options.Progress?.Report(end);
            }
        }
        else
        {
            Parallel.ForEach(
                Partitioner.Create(0, subjects.Length, ChunkSize),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism), CancellationToken = cancellationToken },
                () => new Worker(run),
                (range, _, worker) =>
                {
                    for (int row = range.Item1; row < range.Item2; row++) worker.Evaluate(row);
                    int total = Interlocked.Add(ref done, range.Item2 - range.Item1);
                    options.Progress?.Report(total);
                    return worker;
                },
                _ => { });
        }
        clock.Stop();
        return run.Finish(protocol, clock.Elapsed);
    }

    private static int[] SelectSubjects(StudyData study, IReadOnlyList<string>? wanted)
    {
        if (wanted is null) return [.. Enumerable.Range(0, study.SubjectCount)];
        var indexes = new int[wanted.Count];
        for (int i = 0; i < wanted.Count; i++)
        {
            indexes[i] = study.IndexOfSubject(wanted[i]);
            if (indexes[i] < 0)
                throw new ArgumentException($"No subject {wanted[i]} in the study ({study.SubjectCount:N0} subjects in DM{(study.SubjectCount > 0 ? $", for example {study.SubjectIds[0]}" : "")}).");
        }
        return indexes;
    }

    private static ExecutableCriterion[] SelectCriteria(ExecutableProtocol executable, string? phase)
    {
        if (phase is null) return [.. executable.Criteria];
        var selected = executable.Criteria.Where(c => string.Equals(c.Criterion.Phase, phase, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (selected.Length == 0)
        {
            var phases = executable.Criteria.Select(c => c.Criterion.Phase).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            throw new ArgumentException(phases.Count == 0
                ? $"No criterion has phase '{phase}': the protocol's criteria declare no phases."
                : $"No criterion has phase '{phase}'; the protocol's phases are {string.Join(", ", phases)}.");
        }
        return selected;
    }

    /// <summary>The shared state of one screening run: outcomes are written to flat arrays, one cell per subject and criterion.</summary>
    internal sealed class Run
    {
        public Run(ExecutableProtocol executable, StudyData study, int[] subjects, ExecutableCriterion[] criteria, CqlDateTime asOf, RecordedDeterminations determinations, ScreeningOptions options)
        {
            Executable = executable;
            Study = study;
            Subjects = subjects;
            Criteria = criteria;
            AsOf = asOf;
            Determinations = determinations;
            Options = options;
            int cells = checked(subjects.Length * criteria.Length);
            Outcomes = new byte[cells];
            RuleOutcomes = new byte[cells];
            Causes = new byte[cells];
            DataGaps = new DataGapStore(cells);
            Statuses = new byte[subjects.Length];
            Evidence = options.RecordEvidence ? new EvidenceItem[]?[cells] : null;
        }

        public ExecutableProtocol Executable { get; }
        public StudyData Study { get; }
        public int[] Subjects { get; }
        public ExecutableCriterion[] Criteria { get; }
        public CqlDateTime AsOf { get; }
        public RecordedDeterminations Determinations { get; }
        public ScreeningOptions Options { get; }
        public byte[] Outcomes { get; }
        public byte[] RuleOutcomes { get; }
        public byte[] Causes { get; }
        public byte[] Statuses { get; }
        public EvidenceItem[]?[]? Evidence { get; }
        public ConcurrentDictionary<int, Diagnostic> Errors { get; } = new();
        public DataGapStore DataGaps { get; }

        public ScreeningResult Finish(CompiledProtocol protocol, TimeSpan elapsed) =>
            new(protocol, Study, Subjects, [.. Criteria.Select(c => c.Criterion)], AsOf, Options.Phase, Outcomes, RuleOutcomes, Causes, Statuses,
                Evidence, new Dictionary<int, Diagnostic>(Errors), DataGaps, Determinations, elapsed);
    }

    /// <summary>One thread's evaluation context and evidence recorder.</summary>
    private sealed class Worker
    {
        private readonly Run _run;
        private readonly EvaluationContext _ctx;
        private readonly EvidenceRecorder? _recorder;
        private readonly StudyBinding _binding;
        private readonly Dictionary<(ulong DomainsMissing, ulong NoRecords, string Variables), int> _gapLists = [];
        private ulong _lastDomainsMissing, _lastNoRecords;
        private int _lastGaps;

        public Worker(Run run)
        {
            _run = run;
            _ctx = run.Executable.CreateContext(run.Study, run.AsOf, run.Options.Limits);
            // exists and Count over records absent for want of data are Unknown, never a silent false.
            _ctx.MissingDataIsUnknown = true;
            // Results keep values and evidence, never record objects, so records can be reused from subject to subject.
            _ctx.ReuseRecords = true;
            _binding = _ctx.Binding!;
            if (run.Options.RecordEvidence) _recorder = new EvidenceRecorder { Capacity = run.Options.EvidenceCapacity };
        }

        public void Evaluate(int row)
        {
            var criteria = _run.Criteria;
            int k = criteria.Length;
            int subject = _run.Subjects[row];
            _ctx.BeginSubject(subject);
            bool failing = false, discrepancy = false, undecided = false;
            for (int j = 0; j < k; j++)
            {
                var criterion = criteria[j];
                int cell = row * k + j;
                CriterionOutcome rule;
                OutcomeCause cause;
                if (criterion.Rule is null)
                {
                    rule = CriterionOutcome.Attested;
                    cause = OutcomeCause.AwaitingAttestation;
                }
                else
                {
                    (rule, cause) = EvaluateRule(criterion, subject, cell);
                }

                var outcome = rule;
                if (_run.Determinations.Count > 0 && _run.Determinations.Find(_run.Study.SubjectIds[subject], criterion.Criterion.Id) is { } recorded)
                {
                    if (rule is CriterionOutcome.Unknown or CriterionOutcome.Attested)
                    {
                        outcome = recorded.Outcome;
                        cause = OutcomeCause.RecordedDetermination;
                    }
                    else if (rule == recorded.Outcome)
                    {
                        cause = OutcomeCause.RuleAndRecordAgree;
                    }
                    else
                    {
                        outcome = CriterionOutcome.Unknown;
                        cause = OutcomeCause.Discrepancy;
                        discrepancy = true;
                    }
                }

                _run.RuleOutcomes[cell] = (byte)rule;
                _run.Outcomes[cell] = (byte)outcome;
                _run.Causes[cell] = (byte)cause;
                if (ScreeningResult.IsFailing(criterion.Criterion.Kind, outcome)) failing = true;
                else if (!ScreeningResult.IsPassing(criterion.Criterion.Kind, outcome)) undecided = true;
            }
            _run.Statuses[row] = (byte)(discrepancy ? EligibilityStatus.NeedsReview
                : failing ? EligibilityStatus.Ineligible
                : undecided ? EligibilityStatus.NeedsReview
                : EligibilityStatus.Eligible);
        }

        private (CriterionOutcome, OutcomeCause) EvaluateRule(ExecutableCriterion criterion, int subject, int cell)
        {
            if (_recorder is not null)
            {
                _recorder.Reset();
                _ctx.Evidence = _recorder;
            }
            var bound = criterion.Criterion;
            var result = RuleRunner.Run(_ctx, criterion.Rule!, bound.Id, bound.Syntax.Span, bound.Source);
            CriterionOutcome rule;
            OutcomeCause cause;
            if (!result.Succeeded)
            {
                _run.Errors[cell] = result.Error!;
                rule = CriterionOutcome.Unknown;
                cause = OutcomeCause.RuntimeError;
            }
            else if (result.Value is bool value)
            {
                rule = value ? CriterionOutcome.Met : CriterionOutcome.NotMet;
                cause = OutcomeCause.Rule;
            }
            else
            {
                rule = CriterionOutcome.Unknown;
                cause = OutcomeCause.NullResult;
            }

            // Say which data were missing when the rule could not decide: a domain or variable the study lacks, or a
            // domain in which this subject has no records. (A rule that decided despite them decided on other data.)
            if (cause == OutcomeCause.NullResult && ClassifyGaps(subject, out int gaps) is { } gapCause)
            {
                cause = gapCause;
                _run.DataGaps.Set(cell, gaps);
            }

            if (_recorder is not null)
            {
                _run.Evidence![cell] = [.. _recorder.Items];
                _ctx.Evidence = null;
            }
            return (rule, cause);
        }

        private OutcomeCause? ClassifyGaps(int subject, out int gaps)
        {
            // This runs for every Unknown of every subject, so it reads only the bits of the domains read and shares one
            // gap list among all the cells with the same gaps (a handful of combinations in a study): no allocation
            // per Unknown, and every Unknown still names what was missing, with evidence or without.
            ulong read = _ctx.DomainsReadByRule, domainMissing = 0, noRecords = 0;
            var domains = _binding.Domains;
            for (int slot = 0; read != 0 && slot < domains.Length; slot++)
            {
                ulong bit = 1UL << Math.Min(slot, 63);
                if ((read & bit) == 0) continue;
                var table = domains[slot];
                if (table is null) domainMissing |= bit;
                else if (table.IsSubjectIndexed && table.RowsOf(subject).Count == 0) noRecords |= bit;
                if (slot < 63) read &= ~bit;
            }
            bool variableMissing = _ctx.HasMissingVariables;
            gaps = 0;
            if (domainMissing == 0 && noRecords == 0 && !variableMissing) return null;
            // Most Unknowns of a run have the same gaps as the one before (the same criterion, the same missing domain).
            if (!variableMissing && domainMissing == _lastDomainsMissing && noRecords == _lastNoRecords && _lastGaps != 0)
            {
                gaps = _lastGaps;
                return Cause(domainMissing, noRecords);
            }
            var variables = variableMissing ? string.Join(",", _ctx.MissingVariablesRead.Order(StringComparer.Ordinal)) : "";
            if (!_gapLists.TryGetValue((domainMissing, noRecords, variables), out gaps))
            {
                var list = new List<DataGap>();
                for (int slot = 0; slot < domains.Length; slot++)
                {
                    ulong bit = 1UL << Math.Min(slot, 63);
                    if ((domainMissing & bit) != 0 && domains[slot] is null) list.Add(new DataGap(DataGapKind.DomainMissing, _run.Executable.DomainsRead[slot]));
                    else if ((noRecords & bit) != 0 && domains[slot] is { } table) list.Add(new DataGap(DataGapKind.NoSubjectRecords, table.Name));
                }
                if (variableMissing)
                    foreach (var variable in variables.Split(','))
                        list.Add(new DataGap(DataGapKind.VariableMissing, variable));
                _gapLists[(domainMissing, noRecords, variables)] = gaps = _run.DataGaps.Register([.. list]);
            }
            if (!variableMissing) (_lastDomainsMissing, _lastNoRecords, _lastGaps) = (domainMissing, noRecords, gaps);
            return Cause(domainMissing, noRecords);
        }

        private static OutcomeCause Cause(ulong domainMissing, ulong noRecords) =>
            domainMissing != 0 ? OutcomeCause.DomainMissing
            : noRecords != 0 ? OutcomeCause.NoSubjectRecords
            : OutcomeCause.VariableMissing;
    }
}
