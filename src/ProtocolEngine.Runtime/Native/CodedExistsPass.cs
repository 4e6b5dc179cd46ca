using System.Numerics;
using System.Runtime.CompilerServices;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// One walk of each subject's rows of a domain answering every <see cref="CodedExistsNode"/> of the executable over that
/// domain (the pilot's eleven MH criteria and definitions walk the same MH rows), evidence off.
/// </summary>
/// <remarks>
/// <para>
/// A node walks its subject's rows in order, skipping the rows its leading text test fails, and evaluates its filter on
/// the others until one is true or a test cannot be decided here. The pass does the same for all its members in one
/// walk: for each row, a bit mask of the members whose filter could hold on it, found from the row's first present code
/// of each chain of columns the members lead with (<c>Coalesce(M.MHDECOD, M.MHTERM)</c>, <c>M.MHTERM</c>,
/// <c>M.MHBODSYS</c>): one table lookup per chain and row instead of one per member and row. A member's bit is clear on
/// a row when the leading text tests of its filter (the first conjuncts of its and, all on one chain) are false together
/// on that code, as the compiled builtins decide them; those tests read nothing but the row's codes, so skipping the
/// row skips nothing the member's own walk would have noted (a variable the study lacks, the subject's date). On every
/// other row the member's own filter runs on the member's own state, as in its own walk, until the member is decided.
/// </para>
/// <para>
/// Each worker computes the pass once per batch, for the subjects of the batch whose outcomes the study's binding does not
/// hold yet, when the first member is evaluated; every member then reads its subjects' outcomes (value, the compiled
/// rule's fallback, whether the subject's date was read) and maps them to answers by the context's missing-data rule. The
/// outcomes depend only on the study and the subject, never on which criterion asks first, so they are kept per study (one
/// byte per member and subject), shared by threads and later screenings. Members past 64 are walked in further
/// groups of 64. With evidence on, each node walks its rows itself (its reads are recorded row by row).
/// </para>
/// </remarks>
internal sealed class CodedExistsPass
{
    private readonly List<CodedExistsNode> _members = [];
    private readonly int _keptSlot, _answersSlot, _domainSlot;

    private CodedExistsPass(int domainSlot, int keptSlot, int answersSlot)
    {
        _domainSlot = domainSlot;
        _keptSlot = keptSlot;
        _answersSlot = answersSlot;
        _newWorker = r => new Worker(this, r);
    }

    // Made once: a lambda capturing the pass, written at the call, would be allocated on every batch and member.
    private readonly Func<BatchRun, Worker> _newWorker;

    private static readonly ConditionalWeakTable<SlotAllocator, Dictionary<int, CodedExistsPass>> Passes = [];

    /// <summary>Adds <paramref name="node"/> to the pass over its domain in the executable <paramref name="slots"/> numbers (made on first use).</summary>
    public static CodedExistsPass Join(SlotAllocator slots, int domainSlot, CodedExistsNode node, out int member)
    {
        var byDomain = Passes.GetValue(slots, _ => []);
        lock (byDomain)
        {
            if (!byDomain.TryGetValue(domainSlot, out var pass)) byDomain[domainSlot] = pass = new CodedExistsPass(domainSlot, slots.Kept(), slots.Kept());
            member = pass._members.Count;
            pass._members.Add(node);
            return pass;
        }
    }

    // A member's answer for a subject: the exists' value, or the compiled rule's to give.
    private const byte AnswerFalse = 0, AnswerTrue = 1, AnswerNull = 2, AnswerFallback = 3;

    // The value of each answer (a fallback's is never read).
    private static readonly bool?[] Values = [false, true, null, null];

    // What the walk found for a member and subject, kept per study whatever the context's options (0: not computed yet):
    // Computed | outcome | ReadDate when the filter reached the subject's date (its domains: the source's, kept per study).
    private const byte Computed = 0x80, ReadDateFlag = 0x08;
    private const byte NotFound = 0, Found = 1, Uncertain = 2, Unsupported = 3, UncertainMissingVariable = 4, NoRows = 5;

    // The answer of each outcome, when missing data is Unknown and when it is not.
    private static readonly byte[] AnswersUnknown = [AnswerFalse, AnswerTrue, AnswerNull, AnswerFallback, AnswerFallback, AnswerNull, AnswerFallback, AnswerFallback];
    private static readonly byte[] AnswersFalse = [AnswerFalse, AnswerTrue, AnswerFalse, AnswerFallback, AnswerFalse, AnswerFalse, AnswerFallback, AnswerFallback];

    /// <summary>Each member's outcome for each subject of one study (subject * members + member), kept in the study's binding.</summary>
    private sealed class Kept(int size)
    {
        public byte[] Outcomes { get; } = WrittenArray.Zeroed<byte>(size);
    }

    /// <summary>Copies <paramref name="node"/>'s answers for its live subjects of the batch into <paramref name="output"/>, computing the batch's pass first if needed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Answer(CodedExistsNode node, BatchRun run, bool[] active, bool?[] output)
    {
        var state = run.Kernel(this, _newWorker);
        if (state.Batch != run.BatchNumber) state.Compute(run);
        var outcomes = state.Outcomes;
        int members = _members.Count, member = node.PassMember;
        var answers = run.Context.MissingDataIsUnknown ? AnswersUnknown : AnswersFalse;
        var subjects = run.Subjects;
        var fallback = run.Fallback;
        var reads = run.Reads;
        ulong bit = 1UL << Math.Min(_domainSlot, 63);
        int answered = 0;
        for (int i = 0; i < run.Count && i < active.Length && i < fallback.Length && i < reads.Length && i < output.Length && i < subjects.Length; i++)
        {
            if (!active[i] || fallback[i]) continue;
            int outcome = outcomes[subjects[i] * members + member];
            int answer = answers[outcome & 7];
            // Without branches on the answer (it varies from subject to subject): a subject falling back keeps no value and
            // reads nothing here (the compiled rule reads again), and its output is never read.
            bool back = answer == AnswerFallback;
            fallback[i] = back;
            // The compiled query reads the subject's records of the domain first, whatever it finds; the date's domains when it read the date.
            reads[i] |= back ? 0 : bit;
            output[i] = Values[answer];
            answered += back ? 0 : 1;
            if ((outcome & ReadDateFlag) != 0 && !back) reads[i] |= node.DateReadsOf(run, subjects[i]);
        }
        if (answered > 0) CodedExistsNode.CountAnswered(answered);
    }

    /// <summary>The members' lead tables for one study: which members' filters could hold on a row, by the row's codes.</summary>
    private sealed class Plan
    {
        /// <summary>Members in groups of at most 64, each a list of member numbers.</summary>
        public required Group[] Groups { get; init; }
    }

    private sealed class Group
    {
        /// <summary>The member number of each bit.</summary>
        public required int[] Members { get; init; }

        /// <summary>The bits of members without lead tables (their filter runs on every row).</summary>
        public ulong Always { get; init; }

        public required Chain[] Chains { get; init; }

        /// <summary>
        /// When the group's members lead with one chain of one column coded in bytes (the common case: <c>M.MHDECOD = 'x'</c>,
        /// <c>C.CMDECOD in {...}</c>): the column's bytes, and the masks by byte, byte 0 (missing) giving the chain's mask for a
        /// row without a value; else null, and the rows' masks come from <see cref="Chain.MaskAt"/>.
        /// </summary>
        public byte[]? SingleBytes { get; init; }

        /// <summary>The masks by byte of <see cref="SingleBytes"/>.</summary>
        public ulong[]? SingleMasks { get; init; }

        /// <summary>With <see cref="SingleBytes"/>, the sure masks (<see cref="Chain.SureByCode"/>) by byte.</summary>
        public ulong[]? SingleSure { get; init; }

        /// <summary>
        /// By bit, the conjuncts of the member's filter after its leading tests, as one and in the tree's order (null: none),
        /// evaluated instead of the whole filter on a row where the leading tests are all true: the and of a true then
        /// gives what the rest gives, and the leading tests read nothing but the row's codes.
        /// </summary>
        public required CodedExistsNode.RowTest?[] Rests { get; init; }

        /// <summary>
        /// With <see cref="SingleBytes"/> over a text column, code indexes on and few codes some member's filter could hold
        /// on: the first rows of each such code (<see cref="SubjectCodeIndex.FirstRowsOf"/>, which also meet a row missing
        /// the column); a subject none of them has a row for has no row any member could hold on. Else null.
        /// </summary>
        public SubjectCodeIndex.FirstRows[]? CandidateFirsts { get; init; }

        /// <summary>With <see cref="CandidateFirsts"/>, the bits of the members whose leading tests could hold on each of its codes.</summary>
        public ulong[]? CandidateMasks { get; init; }

        /// <summary>With <see cref="CandidateFirsts"/>, each subject's first row missing the column (none: the subject has no such row).</summary>
        public SubjectCodeIndex.FirstRows? MissingRows { get; init; }
    }

    /// <summary>More codes than this that some member could hold on: the rows' bytes are scanned instead of the codes' first rows read.</summary>
    private const int MaxCandidateCodes = 8;

    /// <summary>
    /// A chain of text columns some members lead with (or one number column coded in bytes): per column, the bits of those
    /// members whose leading tests are not false on each code.
    /// </summary>
    private sealed class Chain
    {
        /// <summary>The text columns (null for a number column's chain).</summary>
        public required TextColumn?[] Columns { get; init; }

        /// <summary>True for a number column's chain: its one column's byte 0 is the missing value, a value like any other.</summary>
        public bool IsNumber { get; init; }

        /// <summary>Each column's one-byte codes (code + 1, 0 for missing), or null when wider.</summary>
        public required byte[]?[] Bytes { get; init; }

        /// <summary>Each column's masks by code + 1 (index 0 unused).</summary>
        public required ulong[][] MaskByCode { get; init; }

        /// <summary>The mask when no column of the chain holds a value.</summary>
        public ulong WhenMissing { get; init; }

        /// <summary>Like <see cref="MaskByCode"/>, the bits of the members whose leading tests are all true on each code.</summary>
        public required ulong[][] SureByCode { get; init; }

        /// <summary>The sure mask when no column of the chain holds a value.</summary>
        public ulong SureWhenMissing { get; init; }

        /// <summary>The row's mask, and in <paramref name="sure"/> its sure mask.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong MaskAt(int row, out ulong sure)
        {
            var bytes = Bytes;
            var masks = MaskByCode;
            if (IsNumber)
            {
                int value = bytes[0]![row];
                sure = SureByCode[0][value];
                return masks[0][value];
            }
            for (int k = 0; k < masks.Length && k < bytes.Length; k++)
            {
                int code = bytes[k] is { } b ? b[row] : Columns[k]!.CodeAt(row) + 1;
                if (code != 0)
                {
                    sure = SureByCode[k][code];
                    return masks[k][code];
                }
            }
            sure = SureWhenMissing;
            return WhenMissing;
        }
    }

    private Plan PlanFor(StudyBinding binding)
    {
        var groups = new List<Group>();
        for (int first = 0; first < _members.Count; first += 64)
        {
            var members = Enumerable.Range(first, Math.Min(64, _members.Count - first)).ToArray();
            ulong always = 0;
            var rests = new CodedExistsNode.RowTest?[members.Length];
            var chains = new List<(int[] Slots, bool IsNumber, List<(int Bit, List<(CodedExistsNode.RowTest Test, bool Negated)> Tests)> Leads)>();
            for (int bit = 0; bit < members.Length; bit++)
            {
                var node = _members[members[bit]];
                // A member this study cannot run in batches is never asked; it is walked (cheaply) as one without a lead.
                if (!node.Applies(binding) || Lead(node.Root, out rests[bit]) is not { Count: > 0 } lead || !Tabulated(binding, lead[0].Test))
                {
                    always |= 1UL << bit;
                    continue;
                }
                var slots = Key(lead[0].Test);
                bool isNumber = lead[0].Test is CodedExistsNode.NumberTest;
                int index = chains.FindIndex(c => c.IsNumber == isNumber && c.Slots.AsSpan().SequenceEqual(slots));
                if (index < 0)
                {
                    chains.Add((slots, isNumber, []));
                    index = chains.Count - 1;
                }
                chains[index].Leads.Add((bit, lead));
            }
            Chain[] made = [.. chains.Select(c => c.IsNumber ? MakeNumberChain(binding, c.Slots[0], c.Leads) : MakeChain(binding, [.. c.Slots.Select(s => (TextColumn)binding.Columns[s]!)], c.Leads))];
            byte[]? singleBytes = null;
            ulong[]? singleMasks = null, singleSure = null;
            SubjectCodeIndex.FirstRows[]? candidateFirsts = null;
            ulong[]? candidateMasks = null;
            SubjectCodeIndex.FirstRows? missingRows = null;
            if (made is [{ Bytes: [{ } bytes] } only])
            {
                singleBytes = bytes;
                singleMasks = (ulong[])only.MaskByCode[0].Clone();
                singleSure = (ulong[])only.SureByCode[0].Clone();
                // A text chain's byte 0 is a missing value (the chain's mask without a value); a number chain's, a value like any other.
                if (!only.IsNumber)
                {
                    singleMasks[0] = only.WhenMissing;
                    singleSure[0] = only.SureWhenMissing;
                }
                if (!only.IsNumber && always == 0 && binding.Study.UsesCodeIndexes && binding.Domains[_domainSlot]?.CodeIndex(only.Columns[0]!) is { } index)
                {
                    (candidateFirsts, candidateMasks) = CandidateFirsts(index, singleMasks);
                    missingRows = candidateFirsts is null ? null : index.FirstRowsOf(-1);
                }
            }
            groups.Add(new Group
            {
                Members = members,
                Always = always,
                Chains = made,
                SingleBytes = singleBytes,
                SingleMasks = singleMasks,
                SingleSure = singleSure,
                Rests = rests,
                CandidateFirsts = candidateFirsts,
                CandidateMasks = candidateMasks,
                MissingRows = missingRows,
            });
        }
        return new Plan { Groups = [.. groups] };
    }

    /// <summary>
    /// The first rows of each code whose mask in <paramref name="masks"/> (by code + 1, 0 for missing) is not empty, or null
    /// when there are more than <see cref="MaxCandidateCodes"/>. Each code's first rows meet a subject's rows missing the
    /// column too, so a missing value that could hold needs no list of its own unless no code could (then the rows of no code,
    /// which meet only the missing rows). With each, the mask of its code (the missing value's for the rows of no code).
    /// </summary>
    private static (SubjectCodeIndex.FirstRows[]? Firsts, ulong[]? Masks) CandidateFirsts(SubjectCodeIndex index, ulong[] masks)
    {
        var codes = new List<int>();
        for (int b = 1; b < masks.Length; b++)
        {
            if (masks[b] == 0) continue;
            if (codes.Count == MaxCandidateCodes) return default;
            codes.Add(b - 1);
        }
        if (codes.Count == 0 && masks[0] != 0) codes.Add(-1);
        return ([.. codes.Select(index.FirstRowsOf)], [.. codes.Select(c => masks[c + 1])]);
    }

    /// <summary>The columns a leading test reads, as the key its members share a chain by.</summary>
    private static int[] Key(CodedExistsNode.RowTest test) => test is CodedExistsNode.TextTest t ? t.ColumnSlots : [((CodedExistsNode.NumberTest)test).ColumnSlot];

    /// <summary>True when the test's value per code can be tabulated for this study: every text column of its chain in the study, or its number column coded in bytes.</summary>
    private static bool Tabulated(StudyBinding binding, CodedExistsNode.RowTest test) => test switch
    {
        CodedExistsNode.TextTest t => t.ColumnSlots.All(c => binding.Columns[c] is TextColumn),
        CodedExistsNode.NumberTest n => binding.Columns[n.ColumnSlot] is NumberColumn { CodeBytes: not null, ValuesByCodeByte: not null },
        _ => false,
    };

    private static Chain MakeChain(StudyBinding binding, TextColumn[] columns, List<(int Bit, List<(CodedExistsNode.RowTest Test, bool Negated)> Tests)> leads)
    {
        var masks = new ulong[columns.Length][];
        var sure = new ulong[columns.Length][];
        ulong whenMissing = 0, sureWhenMissing = 0;
        foreach (var (bit, tests) in leads)
            Note(Combined(tests, t => ((CodedExistsNode.TextTest)t).ValueOf(binding, 0, -1)), bit, ref whenMissing, ref sureWhenMissing);
        for (int k = 0; k < columns.Length; k++)
        {
            masks[k] = new ulong[columns[k].Dictionary.Count + 1];
            sure[k] = new ulong[masks[k].Length];
            for (int code = 0; code < columns[k].Dictionary.Count; code++)
                foreach (var (bit, tests) in leads)
                    Note(Combined(tests, t => ((CodedExistsNode.TextTest)t).ValueOf(binding, k, code)), bit, ref masks[k][code + 1], ref sure[k][code + 1]);
        }
        return new Chain { Columns = columns, Bytes = [.. columns.Select(c => c.CodeBytes)], MaskByCode = masks, WhenMissing = whenMissing, SureByCode = sure, SureWhenMissing = sureWhenMissing };
    }

    /// <summary>A number column's chain: the masks by the row's code byte, each code's double (NaN for byte 0, missing) tested as the row's.</summary>
    private static Chain MakeNumberChain(StudyBinding binding, int slot, List<(int Bit, List<(CodedExistsNode.RowTest Test, bool Negated)> Tests)> leads)
    {
        var column = (NumberColumn)binding.Columns[slot]!;
        var values = column.ValuesByCodeByte!;
        var masks = new ulong[values.Length];
        var sure = new ulong[values.Length];
        for (int b = 0; b < values.Length; b++)
            foreach (var (bit, tests) in leads)
                Note(Combined(tests, t => ((CodedExistsNode.NumberTest)t).ValueOfRaw(values[b])), bit, ref masks[b], ref sure[b]);
        return new Chain { Columns = [null], IsNumber = true, Bytes = [column.CodeBytes], MaskByCode = [masks], SureByCode = [sure] };
    }

    /// <summary>Sets a member's bit in the mask unless its leading tests are false together, and in the sure mask when they are all true.</summary>
    private static void Note(byte combined, int bit, ref ulong mask, ref ulong sure)
    {
        if (combined != CodedExistsNode.False) mask |= 1UL << bit;
        if (combined == CodedExistsNode.True) sure |= 1UL << bit;
    }

    /// <summary>
    /// The leading tests of a filter's and evaluated in order on one code, as the tree's and decides them: the first false or
    /// undecidable one's value, else null if any was null, else true.
    /// </summary>
    private static byte Combined(List<(CodedExistsNode.RowTest Test, bool Negated)> tests, Func<CodedExistsNode.RowTest, byte> valueOf)
    {
        bool anyNull = false;
        foreach (var (test, negated) in tests)
        {
            byte value = valueOf(test);
            if (negated && value is CodedExistsNode.True or CodedExistsNode.False) value = value == CodedExistsNode.True ? CodedExistsNode.False : CodedExistsNode.True;
            if (value is CodedExistsNode.False or CodedExistsNode.Unsupported) return value;
            anyNull |= value == CodedExistsNode.Null;
        }
        return anyNull ? CodedExistsNode.Null : CodedExistsNode.True;
    }

    /// <summary>
    /// The first conjuncts of the filter's and, in the order the tree evaluates them, while each is a text test (or not of
    /// one) on the first one's chain of columns, or a comparison of the first one's number column with a literal; empty
    /// when the filter does not start so. These tests read the row's codes and nothing else. <paramref name="rest"/> is
    /// the and of the conjuncts after them, in order (null when there are none): an and's value is its first false or
    /// undecidable conjunct's, else null if any is null, else true, whatever the shape of the tree, so on a row where the
    /// leading tests are all true the filter's value is the rest's.
    /// </summary>
    private static List<(CodedExistsNode.RowTest Test, bool Negated)> Lead(CodedExistsNode.RowTest root, out CodedExistsNode.RowTest? rest)
    {
        var conjuncts = new List<CodedExistsNode.RowTest>();
        Flatten(root, conjuncts, 0);
        var lead = new List<(CodedExistsNode.RowTest, bool)>();
        rest = null;
        foreach (var conjunct in conjuncts)
        {
            var (test, negated) = conjunct switch
            {
                CodedExistsNode.TextTest or CodedExistsNode.NumberTest => (conjunct, false),
                CodedExistsNode.NotTest { Operand: CodedExistsNode.TextTest or CodedExistsNode.NumberTest } not => (not.Operand, true),
                _ => (null, false),
            };
            if (test is null || (lead.Count > 0 && (test.GetType() != lead[0].Item1.GetType() || !Key(lead[0].Item1).AsSpan().SequenceEqual(Key(test))))) break;
            lead.Add((test, negated));
        }
        for (int c = conjuncts.Count - 1; c >= lead.Count && lead.Count > 0; c--)
            rest = rest is null ? conjuncts[c] : new CodedExistsNode.AndOrTest(conjuncts[c], rest, isAnd: true);
        return lead;

        static void Flatten(CodedExistsNode.RowTest test, List<CodedExistsNode.RowTest> into, int depth)
        {
            if (test is CodedExistsNode.AndOrTest { IsAnd: true } and && depth < 32)
            {
                Flatten(and.Left, into, depth + 1);
                Flatten(and.Right, into, depth + 1);
            }
            else into.Add(test);
        }
    }

    /// <summary>One worker's pass: the members' states and the answers of the batch last computed.</summary>
    private sealed class Worker
    {
        public CodedExistsPass Pass { get; }

        private readonly CodedExistsNode.RowState?[] _states;
        private readonly Plan _plan;

        public Worker(CodedExistsPass pass, BatchRun run)
        {
            Pass = pass;
            _plan = run.Binding.Kept(pass._keptSlot, pass, static (p, b) => p.PlanFor(b));
            _states = new CodedExistsNode.RowState?[pass._members.Count];
            for (int m = 0; m < _states.Length; m++)
                if (pass._members[m].Applies(run.Binding)) _states[m] = pass._members[m].NewState(run);
            int count = pass._members.Count;
            Outcomes = run.Binding.Kept(pass._answersSlot, count, static (members, b) => new Kept(members * b.Study.SubjectCount)).Outcomes;
        }

        /// <summary>The batch the outcomes were last made sure of.</summary>
        public int Batch { get; private set; } = -1;

        /// <summary>Each member's outcome for each subject of the study (subject * members + member; 0 until computed), shared by threads and screenings.</summary>
        public byte[] Outcomes { get; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Compute(BatchRun run)
        {
            Batch = run.BatchNumber;
            // A member is asked only when its criterion applies to the study, so the domain is there.
            if (run.Binding.Domains[Pass._domainSlot] is not { } table) return;
            int members = Pass._members.Count;
            var outcomes = Outcomes;
            var subjects = run.Subjects;
            int n = Math.Min(run.Count, subjects.Length);
            bool consecutive = Consecutive(subjects, n);
            foreach (var group in _plan.Groups)
            {
                if (group is { Always: 0, CandidateFirsts: { } firsts, CandidateMasks: { } codeMasks, MissingRows: { } missingRows })
                {
                    FromFirstRows(group, table, subjects, n, members, firsts, codeMasks, missingRows);
                    continue;
                }
                if (consecutive && group is { Always: 0, SingleBytes: { } bytes, SingleMasks: { } masks } && Range(group, table, subjects[0], n, members, bytes, masks)) continue;
                int first = group.Members[0];
                for (int i = 0; i < n; i++)
                {
                    int subject = subjects[i];
                    // The group's first member's outcome is written last: once it is there, the group's all are.
                    if (Volatile.Read(ref outcomes[subject * members + first]) == 0) Subject(group, table, subject, members);
                }
            }
        }

        /// <summary>True when the batch's subjects follow one another (a whole screening's batches): their rows are one range.</summary>
        private static bool Consecutive(int[] subjects, int n)
        {
            if (n == 0) return false;
            int first = subjects[0];
            for (int i = 1; i < n; i++)
                if (subjects[i] != first + i) return false;
            return true;
        }

        // Per row of the batch's range, how many rows before it some member's filter could hold on (Range's scratch).
        private int[] _candidatesBefore = new int[1024];

        /// <summary>
        /// The outcomes of the consecutive subjects <paramref name="firstSubject"/>.. of a group whose members lead with one
        /// column coded in bytes: one pass over the range's bytes counts the rows whose mask is not empty, and a subject
        /// without such a row gets, without its walk, the outcome its walk would give (no row: the empty list's; rows,
        /// none evaluated: not found); the others are walked as ever. False (nothing written) when the range does not fit.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Range(Group group, DomainTable table, int firstSubject, int n, int memberCount, byte[] bytes, ulong[] masks)
        {
            int low = table.RowsOf(firstSubject).Start;
            var (lastStart, lastCount) = table.RowsOf(firstSubject + n - 1);
            int length = lastStart + lastCount - low;
            if (length < 0 || low < 0 || (uint)(low + length) > (uint)bytes.Length) return false;
            if (_candidatesBefore.Length < length + 1) _candidatesBefore = new int[Math.Max(length + 1, _candidatesBefore.Length * 2)];
            var before = _candidatesBefore;
            var range = bytes.AsSpan(low, length);
            int candidates = 0;
            before[0] = 0;
            // Without a branch per row: whether a row is a candidate varies from row to row.
            for (int r = 0; r < range.Length && r + 1 < before.Length; r++)
            {
                candidates += masks[range[r]] != 0 ? 1 : 0;
                before[r + 1] = candidates;
            }
            var outcomes = Outcomes;
            var members = group.Members;
            int first = members[0];
            for (int i = 0; i < n; i++)
            {
                int subject = firstSubject + i;
                int at = subject * memberCount;
                if (Volatile.Read(ref outcomes[at + first]) != 0) continue;
                var (start, count) = table.RowsOf(subject);
                if (before[start + count - low] != before[start - low])
                {
                    Subject(group, table, subject, memberCount);
                    continue;
                }
                NoCandidate(members, at, count);
            }
            return true;
        }

        /// <summary>
        /// The outcomes of the batch's subjects (any order) of a group with <see cref="Group.CandidateFirsts"/>: a subject with
        /// a first row of none of the codes some member could hold on (nor a row missing the column) gets, without its walk,
        /// the outcome its walk would give; the others are walked, and a subject without a row missing the column is walked
        /// from the first of those rows (every row before it has a code no member could hold on) for the members whose codes
        /// it has (a member none of whose codes it has is never begun on any row: not found, as the whole walk finds).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void FromFirstRows(Group group, DomainTable table, int[] subjects, int n, int memberCount, SubjectCodeIndex.FirstRows[] firsts,
            ulong[] codeMasks, SubjectCodeIndex.FirstRows missingRows)
        {
            var outcomes = Outcomes;
            var members = group.Members;
            int first = members[0];
            int codes = Math.Min(firsts.Length, codeMasks.Length);
            for (int i = 0; i < n && i < subjects.Length; i++)
            {
                int subject = subjects[i];
                int at = subject * memberCount;
                if (Volatile.Read(ref outcomes[at + first]) != 0) continue;
                ulong possible = 0;
                int from = int.MaxValue;
                bool missing = false;
                for (int k = 0; k < codes; k++)
                {
                    int row = firsts[k].At(subject);
                    if (row >= 0)
                    {
                        possible |= codeMasks[k];
                        from = Math.Min(from, row);
                    }
                    else missing |= row == SubjectCodeIndex.FirstRows.MissingFirst;
                }
                if (possible == 0 && !missing) NoCandidate(members, at, table.RowsOf(subject).Count);
                // A row missing the column (a code's first rows meet only those before it) may hold for any member: the whole walk.
                else if (missing || missingRows.Any(subject)) Subject(group, table, subject, memberCount);
                else Subject(group, table, subject, memberCount, from, possible);
            }
        }

        /// <summary>What <see cref="Subject"/> writes for a subject without rows, or whose rows no member's filter could hold on.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void NoCandidate(int[] members, int at, int rows)
        {
            var outcomes = Outcomes;
            byte outcome = rows == 0 ? (byte)(Computed | NoRows) : (byte)(Computed | NotFound);
            for (int bit = members.Length - 1; bit > 0; bit--) outcomes[at + members[bit]] = outcome;
            // The group's first member last (Compute reads it).
            Volatile.Write(ref outcomes[at + members[0]], outcome);
        }

        /// <summary>
        /// Walks the subject's rows from <paramref name="from"/> (below 0: its first) for the members whose bits are in
        /// <paramref name="possible"/> (the rest are never begun) and writes every member's outcome.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Subject(Group group, DomainTable table, int subject, int memberCount, int from = -1, ulong possible = ulong.MaxValue)
        {
            var members = group.Members;
            var outcomes = Outcomes;
            int at = subject * memberCount;
            var (start, count) = table.RowsOf(subject);
            if (count == 0)
            {
                // The uncertain empty list's value; nothing else read.
                for (int bit = members.Length - 1; bit >= 0; bit--) Volatile.Write(ref outcomes[at + members[bit]], Computed | NoRows);
                return;
            }
            var chains = group.Chains;
            var states = _states;
            ulong all = members.Length == 64 ? ulong.MaxValue : (1UL << members.Length) - 1;
            // Members decided (a true row, or a test only the compiled rule decides), walked (state begun), uncertain.
            ulong decided = all & ~possible, begun = 0, uncertain = 0, unsupported = 0, found = 0;
            var singleBytes = group.SingleBytes;
            var singleMasks = group.SingleMasks;
            var singleSure = group.SingleSure;
            var rests = group.Rests;
            ulong always = group.Always;
            for (int row = from >= start ? from : start; row < start + count && decided != all; row++)
            {
                ulong mask = always, sure = 0;
                if (singleBytes is not null && singleMasks is not null && singleSure is not null && (uint)row < (uint)singleBytes.Length)
                {
                    int code = singleBytes[row];
                    mask |= singleMasks[code];
                    sure = singleSure[code];
                }
                else
                    for (int c = 0; c < chains.Length; c++)
                    {
                        mask |= chains[c].MaskAt(row, out ulong chainSure);
                        sure |= chainSure;
                    }
                mask &= ~decided & all;
                if (mask == 0) continue;
                while (mask != 0)
                {
                    int bit = BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    ulong one = 1UL << bit;
                    var node = Pass._members[members[bit]];
                    if (states[members[bit]] is not { } state)
                    {
                        // Not in this study's batches: never asked.
                        decided |= one;
                        continue;
                    }
                    if ((begun & one) == 0)
                    {
                        state.Begin(subject);
                        begun |= one;
                    }
                    // Leading tests all true on the row's codes: the rest decides (nothing left: true).
                    byte result = (sure & one) == 0 ? node.Root.Eval(state, row, null)
                        : rests[bit] is { } rest ? rest.Eval(state, row, null)
                        : CodedExistsNode.True;
                    if (result == CodedExistsNode.True)
                    {
                        found |= one;
                        decided |= one;
                    }
                    else if (result == CodedExistsNode.Null) uncertain |= one;
                    else if (result == CodedExistsNode.Unsupported)
                    {
                        unsupported |= one;
                        decided |= one;
                    }
                }
            }
            // The same bytes whichever thread computes them first; the group's first member last (Compute reads it).
            for (int bit = members.Length - 1; bit >= 0; bit--)
            {
                ulong one = 1UL << bit;
                byte outcome;
                if ((begun & one) == 0)
                {
                    // No row could satisfy the filter, and none was evaluated: false, nothing read but the domain.
                    outcome = NotFound;
                }
                else
                {
                    var state = states[members[bit]]!;
                    // An Unknown after reading a variable the study lacks: the compiled rule names the variables in the gap list.
                    outcome = (unsupported & one) != 0 ? Unsupported
                        : (found & one) != 0 ? Found
                        : (uncertain & one) != 0 ? (state.MissingVariable ? UncertainMissingVariable : Uncertain)
                        : NotFound;
                    if (state.ReadDate && outcome != Unsupported) outcome |= ReadDateFlag;
                }
                Volatile.Write(ref outcomes[at + members[bit]], (byte)(Computed | outcome));
            }
        }
    }
}
