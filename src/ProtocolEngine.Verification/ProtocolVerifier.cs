using System.Diagnostics;
using System.Globalization;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Verification.Lowering;
using ProtocolEngine.Verification.Solving;

namespace ProtocolEngine.Verification;

/// <summary>
/// Static verification of a protocol with the z3 solver: can anyone be eligible (with a witness subject the engine then
/// screens), which criteria contradict each other, which are implied by others, how an amendment moves the eligible
/// population, and what in the workflows can never happen. See docs/verification.md.
/// </summary>
public static class ProtocolVerifier
{
    // The window in which the model's calendar is exact (SmtLowering.Calendar): a witness's dates are preferred inside it.
    private static readonly int FirstPlausibleDay = SmtLowering.WindowStart;
    private static readonly int LastPlausibleDay = SmtLowering.WindowEnd;

    /// <summary>Verifies a compiled protocol (without errors).</summary>
    /// <exception cref="ArgumentException">The protocol has errors, or no criteria.</exception>
    /// <exception cref="SolverNotFoundException">z3 is not installed.</exception>
    public static VerificationReport Verify(CompiledProtocol protocol, VerificationOptions? options = null)
    {
        options ??= new VerificationOptions();
        if (protocol.HasErrors) throw new ArgumentException($"{protocol.Name} has errors and cannot be verified.", nameof(protocol));
        var watch = Stopwatch.StartNew();
        var deadline = watch.Elapsed + options.Timeout;
        TimeSpan Remaining() => deadline - watch.Elapsed;

        var model = LowerBounded([protocol], options, out var slots, out bool capped)[0];
        using var session = Z3Session.Start(options.Timeout, options.SolverPath);
        session.Rewrite = text => FoldElimination.Rewrite(text, model.Lowering.Strings);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        model.Send(session, sent);
        var preferences = SendPreferences(session, [model]);

        var diagnostics = new List<Diagnostic>();
        var notVerified = new List<NotVerifiedItem>();
        foreach (var group in model.Lowering.Uncovered.GroupBy(u => u.Owner))
        {
            var constructs = string.Join("; ", group.Select(g => $"{g.What.Construct} at {g.What.Location}").Distinct());
            notVerified.Add(new NotVerifiedItem(group.Key, constructs));
            if (protocol.FindCriterion(group.Key) is { } c)
                diagnostics.Add(At(DiagnosticCatalog.NotVerified(c.Syntax.Name.Span, $"Criterion {c.Id}", constructs), c.Source));
        }
        if (capped) notVerified.Add(new NotVerifiedItem("bounded model", $"some domain is read by more than {options.MaxRecordsPerDomain} query sites; the model holds {options.MaxRecordsPerDomain} records of it, so a contradiction is proved only within that bound"));
        var unsoundForUnsat = model.Lowering.Bounded.Where(b => !b.What.Contains("date", StringComparison.Ordinal) && !b.What.Contains("between", StringComparison.Ordinal)).Select(b => b.Owner).ToHashSet(StringComparer.Ordinal);

        var all = model.Criteria.Select(c => c.Passes).ToList();
        var status = VerificationStatus.NotVerified;
        WitnessSubject? witness = null;
        string? screened = null;
        var contradiction = new List<CriterionRef>();
        var answer = CheckPreferring(session, "satisfiable: a subject can be eligible", all, preferences, Remaining());
        if (answer == SolverAnswer.Sat)
        {
            witness = ReadWitness(session, [model], model.Attested.Select(a => new WitnessAttestation(a.Id, a.Kind, true)), protocol.Name);
            var result = Screen(protocol, witness, options.Today);
            screened = result.Status.ToString();
            if (result.Status == EligibilityStatus.Eligible) status = VerificationStatus.Satisfiable;
            else
            {
                var reasons = string.Join("; ", result.Reasons.Take(3));
                diagnostics.Add(At(DiagnosticCatalog.WitnessNotConfirmed(protocol.Syntax.Header?.Span ?? new TextSpan(0, 0), screened, reasons), protocol.Source));
                notVerified.Add(new NotVerifiedItem("satisfiable", $"the solver's witness screens {screened}: {reasons}"));
            }
        }
        else if (answer == SolverAnswer.Unsat)
        {
            var core = Minimize(session, session.UnsatCore().Where(all.Contains).ToList(), "contradiction", Remaining);
            var criteria = core.Select(name => model.Criteria.First(c => c.Passes == name).Criterion).ToList();
            if (criteria.Any(c => unsoundForUnsat.Contains(c.Id)) || capped)
            {
                notVerified.Add(new NotVerifiedItem("satisfiable", $"no subject within the bounded model can be eligible ({string.Join(", ", criteria.Select(c => c.Id))}), but they count records, which the bound limits: not proved"));
            }
            else
            {
                status = VerificationStatus.Unsatisfiable;
                var names = string.Join(" and ", criteria.Select(c => c.Id));
                foreach (var c in criteria)
                {
                    contradiction.Add(Ref(c));
                    diagnostics.Add(At(DiagnosticCatalog.ContradictoryCriteria(c.Syntax.Span, c.Id, names), c.Source));
                }
            }
        }
        else
        {
            notVerified.Add(new NotVerifiedItem("satisfiable", "timeout"));
            diagnostics.Add(At(DiagnosticCatalog.VerificationTimeout(protocol.Syntax.Header?.Span ?? new TextSpan(0, 0), "can a subject be eligible", Limit(options.Timeout)), protocol.Source));
        }

        var redundancies = new List<Redundancy>();
        if (options.Redundancy && status == VerificationStatus.Satisfiable)
        {
            // Later criteria first, and one found redundant is left out of the others: of two criteria that say the same
            // thing (an inclusion and its mirrored exclusion), the later is reported, not both.
            var redundant = new HashSet<string>(StringComparer.Ordinal);
            foreach (var c in Enumerable.Reverse(model.Criteria))
            {
                var others = all.Where(a => a != c.Passes && !redundant.Contains(a)).ToList();
                // Each criterion gets a share of what is left, so one hard question does not starve the others.
                var share = Remaining() / Math.Max(1, model.Criteria.Count - model.Criteria.IndexOf(c));
                var r = session.Check($"redundant {c.Criterion.Id}", [.. others, c.DoesNotPass], share);
                if (r == SolverAnswer.Unsat)
                {
                    var core = session.UnsatCore().Where(others.Contains).ToList();
                    // z3's core is not minimal: each member is dropped in turn while the rest still implies the criterion.
                    foreach (var member in core.ToList())
                        if (core.Count > 1 && session.Check($"redundant {c.Criterion.Id}: without {member}", [.. core.Where(m => m != member), c.DoesNotPass], share) == SolverAnswer.Unsat)
                            core.Remove(member);
                    var by = core.Select(name => model.Criteria.First(x => x.Passes == name).Criterion.Id).ToList();
                    if (by.Count == 0) continue; // true for everyone on its own: not implied by other criteria
                    redundant.Add(c.Passes);
                    redundancies.Add(new Redundancy(Ref(c.Criterion), by));
                    diagnostics.Add(At(DiagnosticCatalog.RedundantCriterion(c.Criterion.Syntax.Name.Span, c.Criterion.Id, string.Join(" and ", by)), c.Criterion.Source));
                }
                else if (r == SolverAnswer.Unknown)
                {
                    notVerified.Add(new NotVerifiedItem($"redundancy of {c.Criterion.Id}", "timeout"));
                }
            }
        }

        var workflowFindings = WorkflowVerifier.Check(protocol, model, session, Remaining);
        diagnostics.AddRange(workflowFindings);
        if (session.Timings.Any(t => t.Answer == SolverAnswer.Unknown) && !diagnostics.Any(d => d.Code == "PE3004"))
            diagnostics.Add(At(DiagnosticCatalog.VerificationTimeout(protocol.Syntax.Header?.Span ?? new TextSpan(0, 0),
                session.Timings.First(t => t.Answer == SolverAnswer.Unknown).Purpose, Limit(options.Timeout)), protocol.Source));

        redundancies.Reverse();
        return new VerificationReport
        {
            Protocol = $"{protocol.Name} {protocol.Version}".Trim(),
            ContentHash = protocol.ContentHash,
            Status = status,
            Witness = witness,
            WitnessScreened = screened,
            Contradiction = contradiction,
            Redundancies = redundancies,
            NotVerified = notVerified,
            WorkflowFindings = workflowFindings,
            Diagnostics = diagnostics,
            Queries = session.Timings,
            RecordsPerDomain = slots,
            Milliseconds = watch.Elapsed.TotalMilliseconds,
            SmtScript = session.Script,
        };
    }

    /// <summary>Compares two versions of a protocol: can the amendment exclude someone the original admits, or admit someone it excludes?</summary>
    /// <exception cref="SolverNotFoundException">z3 is not installed.</exception>
    public static AmendmentReport Compare(CompiledProtocol original, CompiledProtocol amended, VerificationOptions? options = null)
    {
        options ??= new VerificationOptions();
        if (original.HasErrors || amended.HasErrors) throw new ArgumentException("A protocol with errors cannot be compared.");
        var watch = Stopwatch.StartNew();
        var deadline = watch.Elapsed + options.Timeout;
        TimeSpan Remaining() => deadline - watch.Elapsed;
        var models = LowerBounded([original, amended], options, out _, out _);
        var (a, b) = (models[0], models[1]);
        using var session = Z3Session.Start(options.Timeout, options.SolverPath);
        session.Rewrite = text => FoldElimination.Rewrite(text, a.Lowering.Strings);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        a.Send(session, sent);
        b.Send(session, sent);
        var preferences = SendPreferences(session, models);
        // A criterion both versions lower to the same formula cannot fail under one while passing under the other: only the
        // others can move a subject (a smaller disjunction for the solver).
        var shared = a.Criteria.Select(c => c.Pass).Intersect(b.Criteria.Select(c => c.Pass), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        session.Send($"(declare-const cmp_fails_a Bool)(assert (=> cmp_fails_a {Smt.Or(a.Criteria.Where(c => !shared.Contains(c.Pass)).Select(c => c.Fail))}))");
        session.Send($"(declare-const cmp_fails_b Bool)(assert (=> cmp_fails_b {Smt.Or(b.Criteria.Where(c => !shared.Contains(c.Pass)).Select(c => c.Fail))}))");

        var attestations = a.Attested.Concat(b.Attested).GroupBy(c => c.Id).Select(g => new WitnessAttestation(g.Key, g.First().Kind, true)).ToList();
        var screened = new Dictionary<string, string>(StringComparer.Ordinal);
        var notVerified = new List<NotVerifiedItem>();

        (SolverAnswer, WitnessSubject?, List<string>) Direction(string name, CriteriaModel eligible, CriteriaModel ineligible, string fails)
        {
            // Each direction gets its share of the time: shrink half, grow what is left.
            var answer = CheckPreferring(session, name, [.. eligible.Criteria.Select(c => c.Passes), fails], preferences, name == "shrink" ? Remaining() / 2 : Remaining());
            if (answer != SolverAnswer.Sat)
            {
                if (answer == SolverAnswer.Unknown) notVerified.Add(new NotVerifiedItem(name, "timeout"));
                return (answer, null, []);
            }
            var deciding = ineligible.Criteria.Where(c => session.Values([c.Fail]).GetValueOrDefault(c.Fail) == "true").Select(c => c.Criterion.Id).ToList();
            var witness = ReadWitness(session, models, attestations, original.Name);
            var study = witness.ToStudy();
            var first = Screen(eligible.Protocol, witness, options.Today, study).Status;
            var second = Screen(ineligible.Protocol, witness, options.Today, study).Status;
            screened[name] = $"{Label(eligible.Protocol)}: {first}; {Label(ineligible.Protocol)}: {second}";
            if (first != EligibilityStatus.Eligible || second != EligibilityStatus.Ineligible)
                notVerified.Add(new NotVerifiedItem(name, $"the solver's witness screens {screened[name]}"));
            return (answer, witness, deciding);
        }

        var (shrinks, shrinkWitness, shrinkCriteria) = Direction("shrink", a, b, "cmp_fails_b");
        var (grows, growWitness, growCriteria) = Direction("grow", b, a, "cmp_fails_a");
        var direction = shrinks == SolverAnswer.Unknown || grows == SolverAnswer.Unknown ? AmendmentDirection.NotVerified
            : (shrinks, grows) switch
            {
                (SolverAnswer.Sat, SolverAnswer.Sat) => AmendmentDirection.Both,
                (SolverAnswer.Sat, _) => AmendmentDirection.Shrinks,
                (_, SolverAnswer.Sat) => AmendmentDirection.Grows,
                _ => AmendmentDirection.Same,
            };
        return new AmendmentReport
        {
            Original = Label(original),
            Amended = Label(amended),
            Direction = direction,
            ShrinkWitness = shrinkWitness,
            ShrinkCriteria = shrinkCriteria,
            GrowWitness = growWitness,
            GrowCriteria = growCriteria,
            Screened = screened,
            NotVerified = notVerified,
            Queries = session.Timings,
            SmtScript = session.Script,
        };
    }

    private static string Label(CompiledProtocol p) => $"{p.Name} {p.Version}".Trim();

    private static string Limit(TimeSpan t) => t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.#} s" : $"{t.TotalMilliseconds:0} ms";

    /// <summary>Lowers once to count the query sites per domain, then again with that many record slots (up to the cap).</summary>
    private static List<CriteriaModel> LowerBounded(IReadOnlyList<CompiledProtocol> protocols, VerificationOptions options, out Dictionary<string, int> slots, out bool capped)
    {
        int today = options.Today.DayNumber;
        var first = protocols.Select((p, i) => CriteriaModel.Lower(p, $"p{i}_", new Dictionary<string, int>(), today, new StringTable())).ToList();
        slots = CriteriaModel.SlotsNeeded(first, options.MaxRecordsPerDomain, out capped);
        var fixedSlots = slots;
        var lowering = new SmtLowering("p_", fixedSlots, today, new StringTable());
        return protocols.Select((p, i) => CriteriaModel.Lower(p, $"p{i}_", lowering)).ToList();
    }

    /// <summary>
    /// Preferences make a witness easy to write and read back exactly (dates inside the window where the model's calendar is exact, whole numbers where a decimal allows, required variables present); each is an assumption dropped when the
    /// criteria need otherwise.
    /// </summary>
    private static (List<string> Strong, List<string> Weak) SendPreferences(Z3Session session, IReadOnlyList<CriteriaModel> models)
    {
        var strong = models.SelectMany(m => m.Lowering.Preferences).Distinct(StringComparer.Ordinal).ToList();
        var terms = new List<string>();
        foreach (var model in models)
        {
            foreach (var ((domain, variable), (schema, sort)) in model.Lowering.Variables)
            {
                if (!model.Lowering.Slots.TryGetValue(domain, out var slots)) continue;
                foreach (var slot in slots)
                {
                    string v = $"{slot.Prefix}_{variable}", n = v + "_null";
                    if (sort == SmtSort.Day) terms.Add($"(and (<= {FirstPlausibleDay} {v}) (<= {v} {LastPlausibleDay}))");
                    // Whole numbers where the rules allow: written and read back exactly, and no rounding at a boundary.
                    if (sort == SmtSort.Real) terms.Add($"(is_int {v})");
                    if (schema.Core == VariableCore.Required) terms.Add(Smt.Implies(slot.Present, Smt.Not(n)));
                }
            }
        }
        int count = 0;
        List<string> Name(IEnumerable<string> list)
        {
            var names = new List<string>();
            foreach (var term in list)
            {
                var name = $"pref{count++}";
                session.Send($"(declare-const {name} Bool)(assert (=> {name} {term}))");
                names.Add(name);
            }
            return names;
        }
        return (Name(strong), Name(terms.Distinct(StringComparer.Ordinal).Except(strong, StringComparer.Ordinal)));
    }

    /// <summary>Checks with the preferences; when they are what makes it unsatisfiable, checks again without the ones in the core.</summary>
    private static SolverAnswer CheckPreferring(Z3Session session, string purpose, List<string> assumptions, (List<string> Strong, List<string> Weak) preferences, TimeSpan remaining)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        // Each tier of preferences gets a share of what is left; the strong ones (text as the engine folds it) are kept longest.
        foreach (var (first, share) in new[] { (preferences.Strong.Concat(preferences.Weak).ToList(), 2) })
        {
            var tier = first;
            // Preferences in the way (in the unsat core) are dropped and the rest tried again, twice at most.
            for (int round = 0; round < 3 && tier.Count > 0; round++)
            {
                var answer = session.Check(purpose, [.. assumptions, .. tier], (remaining - started.Elapsed) / share);
                if (answer == SolverAnswer.Sat) return answer;
                if (answer == SolverAnswer.Unknown) break;
                var core = session.UnsatCore();
                if (!core.Any(tier.Contains)) return answer;
                tier = tier.Where(p => !core.Contains(p)).ToList();
            }
        }
        return session.Check(purpose, assumptions, remaining - started.Elapsed);
    }

    /// <summary>A smallest core: each member dropped in turn, kept only when the rest is satisfiable without it.</summary>
    private static List<string> Minimize(Z3Session session, List<string> core, string purpose, Func<TimeSpan> remaining)
    {
        var result = core.ToList();
        foreach (var member in core)
        {
            if (result.Count <= 1) break;
            var without = result.Where(m => m != member).ToList();
            if (session.Check($"{purpose}: without {member}", without, remaining()) == SolverAnswer.Unsat)
                result = session.UnsatCore().Where(without.Contains).ToList() is { Count: > 0 } smaller ? smaller : without;
        }
        return result;
    }

    private static WitnessSubject ReadWitness(Z3Session session, IReadOnlyList<CriteriaModel> models, IEnumerable<WitnessAttestation> attestations, string studyId)
    {
        var dataModel = models[0].Protocol.DataModel ?? throw new InvalidOperationException("The protocol names no data model.");
        var slots = new Dictionary<string, RecordSlot[]>(StringComparer.Ordinal);
        var variables = new Dictionary<(string, string), SmtSort>();
        foreach (var m in models)
        {
            foreach (var (d, s) in m.Lowering.Slots) if (!slots.TryGetValue(d, out var have) || have.Length < s.Length) slots[d] = s;
            foreach (var (key, (_, sort)) in m.Lowering.Variables) variables[key] = sort;
        }
        var terms = new List<string>();
        foreach (var (domain, domainSlots) in slots)
            foreach (var slot in domainSlots)
            {
                if (slot.Present != "true") terms.Add(slot.Present);
                foreach (var ((d, v), _) in variables) if (d == domain) terms.AddRange([$"{slot.Prefix}_{v}_null", $"{slot.Prefix}_{v}"]);
            }
        var values = session.Values(terms);
        var records = new List<WitnessRecord>();
        foreach (var (domain, domainSlots) in slots.OrderBy(s => s.Key == "DM" ? "" : s.Key, StringComparer.Ordinal))
            foreach (var slot in domainSlots)
            {
                if (slot.Present != "true" && values.GetValueOrDefault(slot.Present) != "true") continue;
                var record = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var ((d, v), sort) in variables.OrderBy(x => x.Key.Item2, StringComparer.Ordinal))
                {
                    if (d != domain) continue;
                    if (values.GetValueOrDefault($"{slot.Prefix}_{v}_null") != "false") record[v] = null;
                    else record[v] = Format(values.GetValueOrDefault($"{slot.Prefix}_{v}"), sort, models[0].Lowering.Strings);
                }
                records.Add(new WitnessRecord(domain, record));
            }
        return new WitnessSubject(studyId, records, attestations.ToList(), dataModel);
    }

    private static string? Format(string? smt, SmtSort sort, StringTable strings)
    {
        if (smt is null) return null;
        switch (sort)
        {
            case SmtSort.String:
                return SExpression.Number(smt) is { } code ? strings.Text((long)code) : null;
            case SmtSort.Day:
                {
                    var n = SExpression.Number(smt);
                    if (n is null || n < 1 || n > DateOnly.MaxValue.DayNumber) return null;
                    return DateOnly.FromDayNumber((int)n.Value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                }
            default:
                {
                    var n = SExpression.Number(smt);
                    return n?.ToString(CultureInfo.InvariantCulture);
                }
        }
    }

    /// <summary>Screens the witness with the engine, as <c>protocol screen</c> would.</summary>
    internal static SubjectEligibility Screen(CompiledProtocol protocol, WitnessSubject witness, DateOnly today, Runtime.Data.StudyData? study = null)
    {
        study ??= witness.ToStudy();
        var evaluator = EligibilityEvaluator.Create(protocol, study);
        var asOf = CqlDateTime.FromDateTime(today.ToDateTime(TimeOnly.MinValue), DateTimePrecision.Day, null);
        return evaluator.Evaluate(study.IndexOfSubject(WitnessSubject.SubjectId), asOf);
    }

    private static CriterionRef Ref(BoundCriterion c)
    {
        var (line, col) = c.Source.GetLinePosition(c.Syntax.Span.Start);
        return new CriterionRef(c.Id, c.Kind == CriterionKind.Inclusion ? "inclusion" : "exclusion", c.Source.Path, line, col, c.Syntax.Span);
    }

    internal static Diagnostic At(Diagnostic d, SourceText source) => d with { Source = source };
}
