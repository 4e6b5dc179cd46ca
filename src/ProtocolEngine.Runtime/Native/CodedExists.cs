using System.Runtime.CompilerServices;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Types;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Operators;
using ProtocolEngine.Runtime.Values;

namespace ProtocolEngine.Runtime.Native;

/// <summary>
/// <c>exists (D X where filter)</c> for a batch, when the filter has no plain text key (the compiled query then visits
/// every row of the subject) and is made of tests on the row's dictionary-coded texts
/// (<c>Upper(Coalesce(M.MHDECOD, M.MHTERM)) in SeriousCardiovascular</c>, <c>M.MHENRTPT = 'ONGOING'</c>,
/// <c>M.MHBODSYS is not null</c>, <c>Upper(M.MHTERM) in {...}</c>) and of the row's dates (or a Coalesce of them) against
/// one date of the subject given by a definition (<c>ScreeningDate</c>, <c>EnrollmentDate</c>), shifted by a quantity
/// (<c>Coalesce(M.MHENDTC, M.MHSTDTC) in Interval[ScreeningDate - 5 years, ScreeningDate]</c>, <c>5 years or less
/// before</c>, <c>on or after</c>), joined by and, or and not.
/// </summary>
/// <remarks>
/// <para>
/// A text test is decided once per dictionary code, not per row: its value for each code of each column of the chain
/// is the compiled builtin's (the same <c>InCodeList</c>, <c>In</c>, <c>Equal</c>, <c>IsNull</c> delegates) on the text
/// the compiled rule reads for a row holding the code (upper-cased by the column's own <see cref="TextColumn.GetUpper"/>),
/// so upper-casing rules, code lists and nulls are the compiled rule's by construction. A Coalesce takes the first column
/// whose code is present, as the compiled Coalesce of the reads does.
/// </para>
/// <para>
/// Dates are compared as the compiled comparisons compare two dates known to the day (CQL compares component by
/// component up to the precision, so at year, month or day precision as keys of the truncated date): only row dates
/// known to the day without time or offset are taken (a partial, timed or malformed one leaves the subject to the
/// compiled rule), and the subject's date is the definition's value, computed once per subject and study by the
/// compiled definition itself on a context of the worker's own; a subject whose definition is null, not a plain day,
/// throws or reads data the study lacks is left to the compiled rule. Shifted bounds and intervals are built by the
/// compiled operators (<c>Subtract</c>, <c>Add</c>, <see cref="RuntimeHelpers.Interval"/>, <see cref="Intervals.ClosedLow"/>).
/// </para>
/// <para>
/// The value is the compiled exists': true at the first row whose filter is true, else null when a row's filter was
/// null (missing data unknown), else false; a subject without rows gets the uncertain empty list's value. The domain is
/// read, and the subject date's domains exactly when the compiled rule's short-circuits reach the date.
/// </para>
/// </remarks>
internal sealed partial class CodedExistsNode : BatchNode<bool?>
{
    private readonly int _domainSlot;
    private readonly RowTest _root;
    private readonly List<int> _columns, _numberColumns;
    private readonly SubjectDateSource? _subjectDate;
    private readonly int _dateTests, _tests;

    /// <summary>The filter's first test when it is a text test the whole filter fails with (the filter itself, or the left of an and).</summary>
    private readonly TextTest? _lead;

    private CodedExistsNode(int domainSlot, RowTest root, List<int> columns, List<int> numberColumns, SubjectDateSource? subjectDate, int dateTests, int tests)
    {
        _lead = root as TextTest ?? (root is AndOrTest { IsAnd: true, Left: TextTest left } ? left : null);
        _numberColumns = numberColumns;
        _tests = tests;
        _domainSlot = domainSlot;
        _root = root;
        _columns = columns;
        _subjectDate = subjectDate;
        _dateTests = dateTests;
    }

    // Three-valued results of a row test, and "leave the subject to the compiled rule".
    internal const byte False = 0, True = 1, Null = 2, Unsupported = 3;

    private static long _answered;

    /// <summary>How many subjects' exists these nodes have answered in this process (not fallen back): tests check they ran.</summary>
    internal static long Answered => Interlocked.Read(ref _answered);

    private static readonly ConditionalWeakTable<SlotAllocator, Dictionary<int, SubjectDateSource>> Sources = [];

    /// <summary>
    /// The node for <paramref name="exists"/> (an <c>Exists(List&lt;T&gt;)</c> call), or null when its query or filter is
    /// not of the shape; <paramref name="resolve"/> gives the expression a function's parameter stands for (a literal, a
    /// code list, a quantity) or null.
    /// </summary>
    public static CodedExistsNode? Compile(BoundCall exists, Func<LocalSymbol, BoundExpression?> resolve, SlotAllocator slots)
    {
        if (exists.Arguments[0] is not BoundQuery { Sources.Length: 1, Lets.IsEmpty: true, Inclusions.IsEmpty: true, Aggregate: null, Return: null, ReturnDistinct: false, SingularSource: false, Where: { } where } q
            || !q.Sort.IsEmpty || q.Sources[0].Source is not BoundDomainReference { Type: not RecordType } domain)
            return null;
        var builder = new Builder(q.Sources[0].Alias, domain.Domain.Name, resolve, slots);
        RowTest? root;
        if (ExpressionCompiler.TextKey(where, q.Sources[0].Alias) is { } textKey)
        {
            // The compiled query visits only the rows whose key is the key's or missing (ExpressionCompiler.PrefilteredForEach).
            // With the key the first conjunct, a row it skips is one whose filter is false having read only the key: the
            // filter on every row gives the same value and reads. Otherwise (the key later in the chain, or a rest not
            // decided here), the key and a rest left to the compiled rule: a row holding another code is false, as skipped,
            // and any other row leaves the subject to the compiled rule.
            root = ReferenceEquals(FirstConjunct(where), textKey.Conjunct) ? builder.Build(where, 0) : null;
            if (root is null && !ReferenceEquals(where, textKey.Conjunct))
            {
                builder = new Builder(q.Sources[0].Alias, domain.Domain.Name, resolve, slots);
                root = builder.Build(textKey.Conjunct, 0) is { } key ? new AndOrTest(key, new OpaqueTest(), isAnd: true) : null;
            }
        }
        else root = builder.Build(where, 0);
        if (root is null) return null;
        SubjectDateSource? source = null;
        if (builder.SubjectDate is { } subjectDate)
        {
            // A definition by its slot, a one-per-subject domain's variable by its column slot (negated, minus one).
            int slot = subjectDate.Define is { } define ? slots.Define(define) : -1 - slots.Column(subjectDate.Domain!, subjectDate.Variable!);
            var bySlot = Sources.GetValue(slots, _ => []);
            lock (bySlot)
                if (!bySlot.TryGetValue(slot, out source))
                    bySlot[slot] = source = subjectDate.Define is not null
                        ? new SubjectDateSource(slot, slots.Kept())
                        : new SubjectDateSource(-1, slots.Kept()) { VariableDomainSlot = slots.Domain(subjectDate.Domain!), VariableColumnSlot = -1 - slot };
        }
        var node = new CodedExistsNode(slots.Domain(domain.Domain.Name), root, builder.Columns, builder.NumberColumns, source, builder.DateTests, builder.Tests)
        {
            Evidence = new ExistsEvidence(domain.Domain.Name, builder.ReadSites),
        };
        // Every exists over the same domain of the executable answers from one walk of each subject's rows (CodedExistsPass).
        node.Pass = CodedExistsPass.Join(slots, node.DomainSlot, node, out int member);
        node.PassMember = member;
        return node;
    }

    /// <summary>The leftmost operand of a chain of <c>and</c> (the conjunct the compiled filter evaluates first).</summary>
    private static BoundExpression FirstConjunct(BoundExpression where)
    {
        while (where is BoundCall { Overload.Key: "And(Boolean,Boolean)" } and) where = and.Arguments[0];
        return where;
    }

    /// <summary>The walk of the domain's rows this node shares with the executable's other exists over the domain (evidence off).</summary>
    internal CodedExistsPass? Pass { get; private set; }

    /// <summary>This node's number among the pass's members.</summary>
    internal int PassMember { get; private set; }

    /// <summary>The domain slot of the rows visited.</summary>
    internal int DomainSlot => _domainSlot;

    /// <summary>The domains the subject's date read (kept per study by its source: the same the walk noted when the filter reached the date).</summary>
    internal ulong DateReadsOf(BatchRun run, int subject) => _subjectDate is { } source ? source.DayOf(run, subject).Reads : 0;

    /// <summary>The filter's test tree.</summary>
    internal RowTest Root => _root;

    /// <summary>A state for evaluating the filter one subject at a time in <paramref name="run"/>, its tables prepared for the run's study.</summary>
    internal RowState NewState(BatchRun run)
    {
        var state = new RowState(run, _subjectDate, _dateTests, _tests);
        _root.Prepare(run.Binding, state.Tables);
        return state;
    }

    /// <summary>Counts subjects answered by the pass for this kind of node (tests check they ran).</summary>
    internal static void CountAnswered(int subjects) => Interlocked.Add(ref _answered, subjects);

    public override bool Applies(StudyBinding binding) =>
        binding.Domains[_domainSlot] is { IsSubjectIndexed: true } table
        && _columns.All(c => binding.Columns[c] is TextColumn or null && ReferenceEquals(binding.ColumnTables[c], table))
        && _numberColumns.All(c => binding.Columns[c] is NumberColumn or null && ReferenceEquals(binding.ColumnTables[c], table));

    /// <summary>
    /// What both walks (without and with evidence) take once per batch: the domain's table, its bit among the domains
    /// read, the answer for a subject without rows, and the row state with each test's tables for this study (taken once
    /// for the whole batch: another screening may prepare another study's meanwhile).
    /// </summary>
    private (DomainTable Table, ulong Bit, bool? None, bool UnknownWhenUncertain, RowState State) BeginBatch(BatchRun run)
    {
        var state = new RowState(run, _subjectDate, _dateTests, _tests);
        _root.Prepare(run.Binding, state.Tables);
        bool unknown = run.Context.MissingDataIsUnknown;
        return (run.Binding.Domains[_domainSlot]!, 1UL << Math.Min(_domainSlot, 63), unknown ? null : false, unknown, state);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Eval(BatchRun run, bool[] active, bool?[] output)
    {
        if (run.RecordsEvidence)
        {
            EvalWithEvidence(run, active, output);
            return;
        }
        // Without evidence, from the walk shared by every exists over the domain.
        if (Pass is { } pass)
        {
            pass.Answer(this, run, active, output);
            return;
        }
        var (table, bit, none, unknownWhenUncertain, state) = BeginBatch(run);
        var fallback = run.Fallback;
        var reads = run.Reads;
        var subjects = run.Subjects;
        int answered = 0;
        var lead = _lead;
        for (int i = 0; i < run.Count && i < active.Length && i < fallback.Length && i < reads.Length && i < subjects.Length && i < output.Length; i++)
        {
            if (!active[i] || fallback[i]) continue;
            // The compiled query reads the subject's records of the domain first, whatever it finds.
            reads[i] |= bit;
            int subject = subjects[i];
            var (start, count) = table.RowsOf(subject);
            answered++;
            if (count == 0)
            {
                output[i] = none;
                continue;
            }
            state.Begin(subject);
            bool uncertain = false, found = false, unsupported = false;
            for (int row = start; row < start + count; row++)
            {
                // Most rows fail the leading text test (a term not in the list): decided from its table without the tree.
                if (lead is not null && lead.Quick(state, row) == False) continue;
                byte result = _root.Eval(state, row, null);
                if (result == True)
                {
                    found = true;
                    break;
                }
                if (result == Null) uncertain = true;
                else if (result == Unsupported)
                {
                    unsupported = true;
                    break;
                }
            }
            bool? value = found ? true : uncertain && unknownWhenUncertain ? null : false;
            // An Unknown after reading a variable the study lacks: the compiled rule names the variables in the gap list.
            if (unsupported || (value is null && state.MissingVariable))
            {
                fallback[i] = true;
                answered--;
                continue;
            }
            output[i] = value;
            if (state.ReadDate) reads[i] |= state.DateReads;
        }
        if (answered > 0) Interlocked.Add(ref _answered, answered);
    }

    /// <summary>One batch's state for the subject being evaluated: its date (computed on first need) and the bounds derived from it.</summary>
    internal sealed class RowState(BatchRun run, SubjectDateSource? source, int dateTests, int tests)
    {
        /// <summary>Each test's per-study tables, by test number.</summary>
        public object?[] Tables { get; } = new object?[tests];

        /// <summary>Each date test's bound for the subject (a date or an interval), for the compiled operator on a date that is not a plain day.</summary>
        public object?[] BoundValues { get; } = new object?[Math.Max(dateTests, 1)];

        /// <summary>True once a test read a variable the study lacks (the compiled rule notes it: an Unknown's gap list names it).</summary>
        public bool MissingVariable { get; set; }

        private readonly long[] _bounds = new long[Math.Max(dateTests, 1) * 2];
        private readonly bool[] _boundsKnown = new bool[Math.Max(dateTests, 1)];
        private int _day;
        private bool _dayKnown;

        public StudyBinding Binding { get; } = run.Binding;

        public int Subject { get; private set; }

        /// <summary>True once a test read the subject's date (the compiled rule evaluated the definition).</summary>
        public bool ReadDate { get; set; }

        /// <summary>The domains the subject date's definition read.</summary>
        public ulong DateReads { get; private set; }

        public void Begin(int subject)
        {
            Subject = subject;
            ReadDate = false;
            MissingVariable = false;
            _dayKnown = false;
            // A loop: for arrays this small, Array.Clear's call into the runtime costs more.
            var known = _boundsKnown;
            for (int k = 0; k < known.Length; k++) known[k] = false;
        }

        /// <summary>The subject's date as a day number, or <see cref="SubjectDateSource.NotPlain"/>.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public int Day()
        {
            if (_dayKnown) return _day;
            _dayKnown = true;
            (_day, var reads) = source!.DayOf(run, Subject);
            DateReads = reads;
            return _day;
        }

        /// <summary>The cached pair of keys of date test <paramref name="test"/> for this subject, if computed.</summary>
        public bool TryBounds(int test, out long low, out long high)
        {
            low = _bounds[test * 2];
            high = _bounds[test * 2 + 1];
            return _boundsKnown[test];
        }

        public void SetBounds(int test, long low, long high)
        {
            _bounds[test * 2] = low;
            _bounds[test * 2 + 1] = high;
            _boundsKnown[test] = true;
        }
    }

    /// <summary>A definition giving each subject's date, computed once per subject and study by the compiled definition.</summary>
    internal sealed class SubjectDateSource(int defineSlot, int keptSlot)
    {
        /// <summary>For a one-per-subject domain's DateTime variable (<c>DM.RFICDTC</c>) rather than a definition: the domain's slot.</summary>
        public int VariableDomainSlot { get; init; } = -1;

        /// <summary>For a one-per-subject domain's variable: its column slot.</summary>
        public int VariableColumnSlot { get; init; } = -1;

        /// <summary>The subject's date is not a plain day (null, partial, timed, failing): the compiled rule decides.</summary>
        public const int NotPlain = int.MinValue;

        private const byte NotComputed = 0, Computed = 1;

        // Kept in the study's binding: shared by threads, by every node comparing with this date and by later screenings.
        private sealed record Values(int[] Days, ulong[] Reads, byte[] States);

        // Called per subject from the kernels, so compiled fully optimised at its first call (as are Read, PlainDay and
        // the other per-subject helpers marked so): at tier 0 it would wait for promotion behind the compiler's methods
        // queued before it, for several screenings (docs/performance.md, "Per-subject helpers compiled optimised").
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public (int Day, ulong Reads) DayOf(BatchRun run, int subject)
        {
            // A variable is read where it is (a day number per dictionary code, kept per study): nothing to keep per subject.
            if (VariableDomainSlot >= 0) return Read(run.Binding, subject);
            var values = run.Binding.Kept(keptSlot, 0, static (_, binding) =>
                new Values(new int[binding.Study.SubjectCount], new ulong[binding.Study.SubjectCount], WrittenArray.Zeroed<byte>(binding.Study.SubjectCount)));
            if (Volatile.Read(ref values.States[subject]) == Computed) return (values.Days[subject], values.Reads[subject]);
            var (day, reads) = Compute(run.SubjectScratch, subject);
            // The same values whichever thread computes them first; the state is written last.
            values.Days[subject] = day;
            values.Reads[subject] = reads;
            Volatile.Write(ref values.States[subject], Computed);
            return (day, reads);
        }

        /// <summary>
        /// The variable's date as the compiled rule reads it from the subject's one row (a text that does not parse reads
        /// as null); no row, a column the study lacks or not a plain day leaves the subject to the compiled rule.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private (int, ulong) Read(StudyBinding binding, int subject)
        {
            if (binding.Domains[VariableDomainSlot] is not { IsSubjectIndexed: true } table || binding.Columns[VariableColumnSlot] is not TextColumn column
                || !ReferenceEquals(binding.ColumnTables[VariableColumnSlot], table))
                return (NotPlain, 0);
            var (row, count) = table.RowsOf(subject);
            if (count != 1) return (NotPlain, 0);
            int code = column.CodeAt(row);
            if (code < 0) return (NotPlain, 0);
            int day = binding.DayNumbers(VariableColumnSlot, column, PlainDays)[code];
            return day == NotPlain ? (NotPlain, 0) : (day, 1UL << Math.Min(VariableDomainSlot, 63));
        }

        /// <summary>The day number of each text of a column read as a date (<see cref="NotPlain"/> when it is not a plain day or does not parse).</summary>
        private static int[] PlainDays(TextColumn column)
        {
            var days = new int[column.Dictionary.Count];
            for (int code = 0; code < days.Length; code++) days[code] = PlainDay(column.DateTimeOfCode(code)) ?? NotPlain;
            return days;
        }

        private (int, ulong) Compute(EvaluationContext ctx, int subject)
        {
            ctx.BeginSubject(subject);
            ctx.BeginRule();
            object? value;
            try
            {
                value = ctx.GetDefine(defineSlot);
            }
            catch (Exception)
            {
                // The compiled rule fails the same way and reports it.
                return (NotPlain, 0);
            }
            if (ctx.HasMissingVariables || ctx.MissingDomainsRead.Count > 0 || ctx.Messages.Count > 0 || ctx.DivisionsByZero > 0) return (NotPlain, 0);
            return (PlainDay(value as CqlDateTime) ?? NotPlain, ctx.DomainsReadByRule);
        }
    }

    /// <summary>The day number of a date known to the day without time or offset, else null.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static int? PlainDay(CqlDateTime? value) =>
        value is { Precision: DateTimePrecision.Day, OffsetMinutes: null, Year: >= 2 and <= 9998 }
            ? DateOnly.FromDateTime(new DateTime(value.Year, value.Month, value.Day)).DayNumber
            : null;

    /// <summary>The day number itself when it is a plain day's (years 2 to 9998, as <see cref="PlainDay"/> takes them), else null.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static int? PlainDayNumber(long day)
    {
        if (day < 0 || day > DateOnly.MaxValue.DayNumber) return null;
        int year = DateOnly.FromDayNumber((int)day).Year;
        return year is >= 2 and <= 9998 ? (int)day : null;
    }

    /// <summary>The comparison key of a day number at a precision: CQL compares two dates known to the day component by component up to it.</summary>
    internal static long Key(int day, DateTimePrecision? precision)
    {
        if (precision is DateTimePrecision.Year or DateTimePrecision.Month)
        {
            var date = DateOnly.FromDayNumber(day);
            return precision == DateTimePrecision.Year ? date.Year : date.Year * 12L + date.Month - 1;
        }
        return day;
    }

    /// <summary>Lowers a filter to row tests.</summary>
    private sealed class Builder(LocalSymbol alias, string domain, Func<LocalSymbol, BoundExpression?> resolve, SlotAllocator slots)
    {
        public List<int> Columns { get; } = [];

        /// <summary>The number columns read (each a number column of the table, or absent).</summary>
        public List<int> NumberColumns { get; } = [];

        /// <summary>The subject's date every bound uses: a definition, or a one-per-subject domain's DateTime variable.</summary>
        public (DefineSymbol? Define, string? Domain, string? Variable)? SubjectDate { get; private set; }

        /// <summary>Each column slot the filter reads: the variable as the rule names it and how the compiled rule reads it (<see cref="RecordAccess"/>).</summary>
        public Dictionary<int, (string Variable, ReadKind Kind)> ReadSites { get; } = [];

        public int DateTests { get; private set; }

        /// <summary>How many text and date tests (each with its per-study tables).</summary>
        public int Tests { get; private set; }

        public RowTest? Build(BoundExpression e, int depth)
        {
            if (depth > 16) return null;
            e = Strip(e);
            if (e is not BoundCall call) return null;
            var key = call.Overload.Key;
            switch (key)
            {
                case "And(Boolean,Boolean)" or "Or(Boolean,Boolean)":
                    return Build(call.Arguments[0], depth + 1) is { } a && Build(call.Arguments[1], depth + 1) is { } b ? new AndOrTest(a, b, key[0] == 'A') : null;
                case "Not(Boolean)":
                    return Build(call.Arguments[0], depth + 1) is { } operand ? new NotTest(operand) : null;
                case "IsNull(T)":
                    if (Text(call.Arguments[0]) is var (nullColumns, nullUpper)) return Predicate(key, nullColumns, nullUpper, v => [v]);
                    return DateChain(call.Arguments[0]) is { } nullDates ? new DateIsNullTest(nullDates, slots.Kept()) { Id = Tests++ } : null;
                case "Equal(String,String)":
                    if (Text(call.Arguments[0]) is var (left, leftUpper) && Literal(call.Arguments[1]) is { } right)
                        return Predicate(key, left, leftUpper, v => [v, right.Value]);
                    if (Literal(call.Arguments[0]) is { } first && Text(call.Arguments[1]) is var (second, secondUpper))
                        return Predicate(key, second, secondUpper, v => [first.Value, v]);
                    return null;
                case "InCodeList(String,CodeList)":
                    if (Text(call.Arguments[0]) is not var (members, membersUpper) || Resolve(call.Arguments[1]) is not BoundCodeListReference list) return null;
                    var codes = new CodeListValue(list.CodeList.Name, list.CodeList.CodeSystem, list.CodeList.Codes);
                    return Predicate(key, members, membersUpper, v => [v, codes]);
                case "In(T,List<T>)":
                    if (Text(call.Arguments[0]) is not var (elements, elementsUpper) || Resolve(call.Arguments[1]) is not BoundList { } literals) return null;
                    var items = new List<object?>();
                    foreach (var element in literals.Elements)
                    {
                        if (Literal(element) is not { } item) return null;
                        items.Add(item.Value);
                    }
                    IReadOnlyList<object?> values = [.. items];
                    return Predicate(key, elements, elementsUpper, v => [v, values]);
                case "Equal(Decimal,Decimal)" or "NotEqual(Decimal,Decimal)" or "Less(Decimal,Decimal)" or "LessOrEqual(Decimal,Decimal)" or "Greater(Decimal,Decimal)" or "GreaterOrEqual(Decimal,Decimal)":
                {
                    if (BuiltinTable.Find(key) is not Func<decimal?, decimal?, bool?> compare) return null;
                    if (NumberVariable(call.Arguments[0]) is int leftColumn && NumberLiteral(call.Arguments[1]) is decimal rightValue)
                        return new NumberTest(leftColumn, compare, NumberKernel.KindOf(key), rightValue, variableFirst: true) { Id = Tests++ };
                    if (NumberLiteral(call.Arguments[0]) is decimal leftValue && NumberVariable(call.Arguments[1]) is int rightColumn)
                        return new NumberTest(rightColumn, compare, NumberKernel.KindOf(key), leftValue, variableFirst: false) { Id = Tests++ };
                    return null;
                }
                case "SameOrAfter(DateTime,DateTime,String)" or "SameOrBefore(DateTime,DateTime,String)" or "Before(DateTime,DateTime,String)" or "After(DateTime,DateTime,String)":
                {
                    if (DateChain(call.Arguments[0]) is not { } compared || Bound(call.Arguments[1]) is not { } bound || !Precision(call.Arguments[2], out var precision)) return null;
                    string op = key[..key.IndexOf('(', StringComparison.Ordinal)];
                    if (BuiltinTable.Find(key) is not Func<object?, object?, string?, bool?> comparison) return null;
                    return new DateCompareTest(DateTests++, compared, bound, precision, PrecisionText(call.Arguments[2]), op, comparison, slots.Kept()) { Id = Tests++ };
                }
                case "In(T,Interval<T>,String)":
                {
                    if (DateChain(call.Arguments[0]) is not { } point || Strip(call.Arguments[1]) is not BoundInterval interval || !Precision(call.Arguments[2], out var precision)) return null;
                    if (Bound(interval.Low) is not { } low || Bound(interval.High) is not { } high) return null;
                    return new DateInTest(DateTests++, point, low, interval.LowClosed, high, interval.HighClosed, precision, PrecisionText(call.Arguments[2]), slots.Kept()) { Id = Tests++ };
                }
                default:
                    return null;
            }
        }

        private RowTest? Predicate(string key, int[] columns, bool upper, Func<string?, object?[]> arguments)
        {
            if (BuiltinTable.Find(key) is not { } builtin) return null;
            return new TextTest(columns, upper, v => (bool?)builtin.DynamicInvoke(arguments(v)), slots.Kept()) { Id = Tests++ };
        }

        private BoundExpression Resolve(BoundExpression e)
        {
            for (int hops = 0; hops < 8; hops++)
            {
                e = Strip(e);
                if (e is BoundLocal l && l.Local != alias && resolve(l.Local) is { } value) e = value;
                else break;
            }
            return e;
        }

        private BoundLiteral? Literal(BoundExpression e) => Resolve(e) is BoundLiteral { Value: string } literal ? literal : null;

        // The precision argument of a comparison: null, or a literal the keys support.
        private static string? PrecisionText(BoundExpression e) => (string?)((BoundLiteral)Strip(e)).Value;

        private static bool Precision(BoundExpression e, out DateTimePrecision? precision)
        {
            precision = null;
            switch (Strip(e))
            {
                case BoundLiteral { Value: null }:
                    return true;
                case BoundLiteral { Value: "day" }:
                    precision = DateTimePrecision.Day;
                    return true;
                case BoundLiteral { Value: "month" }:
                    precision = DateTimePrecision.Month;
                    return true;
                case BoundLiteral { Value: "year" }:
                    precision = DateTimePrecision.Year;
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>A text read of the row: a variable, Upper of it, Upper of a Coalesce of them or a Coalesce of them (as the compiled rule reads them).</summary>
        private (int[] Columns, bool Upper)? Text(BoundExpression e)
        {
            e = Strip(e);
            bool upper = false;
            if (e is BoundCall { Overload.Key: "Upper(String)" } u)
            {
                upper = true;
                e = Strip(u.Arguments[0]);
            }
            if (TextVariable(e) is int single) return ([single], upper);
            if (e is BoundCall { Overload.Key: var key } coalesce && key.StartsWith("Coalesce(T,", StringComparison.Ordinal) && coalesce.Arguments.Length <= 4
                && coalesce.Arguments.All(a => a.Type == ProtocolType.String))
            {
                var columns = new int[coalesce.Arguments.Length];
                for (int i = 0; i < columns.Length; i++)
                {
                    if (TextVariable(Strip(coalesce.Arguments[i])) is not int column) return null;
                    columns[i] = column;
                }
                return (columns, upper);
            }
            return null;
        }

        // A text variable of the row (String, read by RecordAccess.String or UpperString).
        private int? TextVariable(BoundExpression e)
        {
            if (e is not BoundVariableAccess { Record: BoundLocal { Local: var record } } v || record != alias || v.Domain.Name != domain || v.Type != ProtocolType.String
                || v.Variable.Type is Language.DataModel.VariableType.Num or Language.DataModel.VariableType.Integer or Language.DataModel.VariableType.DateTime)
                return null;
            int slot = slots.Column(domain, v.Variable.Name);
            Columns.Add(slot);
            ReadSites[slot] = (v.Variable.Name, ReadKind.String);
            return slot;
        }

        // A Num variable of the row, read by RecordAccess.Decimal.
        private int? NumberVariable(BoundExpression e)
        {
            if (Strip(e) is not BoundVariableAccess { Record: BoundLocal { Local: var record } } v || record != alias || v.Domain.Name != domain || v.Type != ProtocolType.Decimal
                || v.Variable.Type is not Language.DataModel.VariableType.Num)
                return null;
            int slot = slots.Column(domain, v.Variable.Name);
            NumberColumns.Add(slot);
            ReadSites[slot] = (v.Variable.Name, ReadKind.Decimal);
            return slot;
        }

        private decimal? NumberLiteral(BoundExpression e) => Resolve(e) switch
        {
            BoundLiteral { Value: decimal d } => d,
            BoundConversion { Conversion.Kind: ConversionKind.IntegerToDecimal, Operand: BoundLiteral { Value: int i } } => i,
            _ => null,
        };

        /// <summary>A DateTime variable of the row, or a Coalesce of them: their column slots in order.</summary>
        private int[]? DateChain(BoundExpression e)
        {
            e = Strip(e);
            if (DateVariable(e) is int single) return [single];
            if (e is BoundCall { Overload.Key: var key } coalesce && key.StartsWith("Coalesce(T,", StringComparison.Ordinal) && coalesce.Arguments.Length <= 4)
            {
                var columns = new int[coalesce.Arguments.Length];
                for (int i = 0; i < columns.Length; i++)
                {
                    if (DateVariable(Strip(coalesce.Arguments[i])) is not int column) return null;
                    columns[i] = column;
                }
                return columns;
            }
            return null;
        }

        private int? DateVariable(BoundExpression e)
        {
            if (e is not BoundVariableAccess { Record: BoundLocal { Local: var record } } v || record != alias || v.Domain.Name != domain || v.Type != ProtocolType.DateTime) return null;
            int slot = slots.Column(domain, v.Variable.Name);
            Columns.Add(slot);
            // The RecordAccess read the expression compiler picks for the variable's type.
            ReadSites[slot] = (v.Variable.Name, v.Variable.Type switch
            {
                Language.DataModel.VariableType.Num => ReadKind.Decimal,
                Language.DataModel.VariableType.Integer => ReadKind.Integer,
                Language.DataModel.VariableType.DateTime => ReadKind.DateTime,
                _ => ReadKind.String,
            });
            return slot;
        }

        /// <summary>The subject's date, or it plus or minus a quantity (through parameters), the one date every bound uses.</summary>
        private SubjectBound? Bound(BoundExpression e)
        {
            e = Strip(e);
            if (IsSubjectDate(e)) return new SubjectBound(null, null) { Days = 0 };
            if (e is BoundCall { Overload.Key: "Subtract(DateTime,Quantity)" or "Add(DateTime,Quantity)" } call && IsSubjectDate(Strip(call.Arguments[0]))
                && Resolve(call.Arguments[1]) is BoundQuantityLiteral q && BuiltinTable.Find(call.Overload.Key) is Func<CqlDateTime?, CqlQuantity?, CqlDateTime?> shift)
            {
                return SubjectBound.Shifted(shift, new CqlQuantity(q.Value, q.Unit), call.Overload.Key[0] == 'S' ? -1 : 1);
            }
            return null;
        }

        private bool IsSubjectDate(BoundExpression e)
        {
            (DefineSymbol? Define, string? Domain, string? Variable) found;
            // A definition that is a one-per-subject domain's variable (ScreeningDate: DM.RFICDTC) is that variable, read
            // without computing the definition: the same value and domains read.
            var through = e;
            for (int hops = 0; hops < 8 && through is BoundDefineReference { Define.Body: { } body }; hops++) through = Strip(body);
            if (through is BoundVariableAccess { Record: BoundDomainReference { Type: RecordType } } direct && direct.Type == ProtocolType.DateTime
                && direct.Variable.Type == Language.DataModel.VariableType.DateTime)
                e = through;
            if (e is BoundDefineReference { Define: var define } reference && reference.Type == ProtocolType.DateTime && define.Body is not null && OfTheDataAlone(define.Body, 0))
                found = (define, null, null);
            else if (e is BoundVariableAccess { Record: BoundDomainReference { Type: RecordType } } v && v.Type == ProtocolType.DateTime
                && v.Variable.Type == Language.DataModel.VariableType.DateTime)
                found = (null, v.Domain.Name, v.Variable.Name);
            else return false;
            if (SubjectDate is { } known && !(ReferenceEquals(known.Define, found.Define) && known.Domain == found.Domain && known.Variable == found.Variable)) return false;
            SubjectDate = found;
            return true;
        }

        /// <summary>
        /// True when a definition's value depends on the study's data alone (not on the screening's date: Now, Today,
        /// TimeOfDay, through definitions and functions), so that its day can be kept per subject and study.
        /// </summary>
        private static bool OfTheDataAlone(BoundExpression body, int depth)
        {
            if (depth > 16) return false;
            foreach (var n in BoundTreeWalker.DescendantsAndSelf(body))
            {
                switch (n)
                {
                    case BoundCall { Overload.ReadsTheScreeningDate: true }:
                        return false;
                    case BoundDefineReference { Define.Body: { } inner } when !OfTheDataAlone(inner, depth + 1):
                        return false;
                    case BoundFunctionCall { Function.Body: { } called } when !OfTheDataAlone(called, depth + 1):
                        return false;
                }
            }
            return true;
        }

        private static BoundExpression Strip(BoundExpression e)
        {
            while (e is BoundConversion { Conversion.Kind: ConversionKind.Identity or ConversionKind.Widen } c) e = c.Operand;
            return e;
        }
    }

    /// <summary>The subject's date, shifted by <paramref name="Quantity"/> through <paramref name="Shift"/> (the compiled builtin) when not null.</summary>
    internal sealed record SubjectBound(Func<CqlDateTime?, CqlQuantity?, CqlDateTime?>? Shift, CqlQuantity? Quantity)
    {
        /// <summary>
        /// The shift in whole days when it is one (no shift, or a whole number of days added or subtracted): the bound of a
        /// plain day is then that day plus the offset, as the compiled operator computes it, without building dates.
        /// </summary>
        public int? Days { get; init; }

        /// <summary>
        /// The shift in whole calendar months when it is one (a whole number of years or months added or subtracted): the
        /// bound of a plain day is then that day moved by as many months, on the same day clamped to the month's last, as
        /// the compiled operator computes it (<see cref="DateTime.AddYears"/>, <see cref="DateTime.AddMonths"/>), without
        /// building dates.
        /// </summary>
        public int? Months { get; init; }

        /// <summary>True when <see cref="Months"/> counts years (moved by <see cref="DateOnly.AddYears"/>, as the compiled operator moves them).</summary>
        public bool InYears { get; init; }

        /// <summary>The subject's date plus (<paramref name="sign"/> 1) or minus (−1) <paramref name="quantity"/> through <paramref name="shift"/> (the compiled builtin).</summary>
        public static SubjectBound Shifted(Func<CqlDateTime?, CqlQuantity?, CqlDateTime?> shift, CqlQuantity quantity, int sign)
        {
            // The units Temporal.Add takes as years or months; a fraction or a huge amount is left to the builtin.
            bool whole = quantity.Value == decimal.Truncate(quantity.Value) && Math.Abs(quantity.Value) <= 100_000;
            bool years = quantity.Unit is "year" or "a";
            bool calendar = whole && (years || quantity.Unit is "month" or "mo");
            return new SubjectBound(shift, quantity)
            {
                Days = WholeDays(quantity, sign),
                Months = calendar ? sign * (int)quantity.Value : null,
                InYears = years,
            };
        }

        /// <summary>The whole days a quantity added (<paramref name="sign"/> 1) or subtracted (−1) shifts a plain day by, as <see cref="Temporal.Add(CqlDateTime?, CqlQuantity?, int)"/> computes it; null for other units or amounts.</summary>
        public static int? WholeDays(CqlQuantity quantity, int sign)
        {
            int factor = quantity.Unit switch { "day" or "d" => 1, "week" or "wk" => 7, _ => 0 };
            if (factor == 0 || quantity.Value != decimal.Truncate(quantity.Value) || Math.Abs(quantity.Value) > 100_000) return null;
            return sign * factor * (int)quantity.Value;
        }

        /// <summary>The bound's day for a subject's plain day, when the shift is in whole days, months or years and the result a plain day (years 2 to 9998); else null.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public int? DayFor(int subjectDay)
        {
            if (Days is int days) return PlainDayNumber(subjectDay + (long)days);
            if (Months is not int months) return null;
            var date = DateOnly.FromDayNumber(subjectDay);
            try
            {
                date = InYears ? date.AddYears(months) : date.AddMonths(months);
            }
            catch (ArgumentOutOfRangeException)
            {
                // Outside years 1 to 9999: the compiled operator fails, and the bound is built (and fails) as it does.
                return null;
            }
            return PlainDayNumber(date.DayNumber);
        }

        /// <summary>The bound's value for a subject whose date is <paramref name="day"/> (a plain day), as the compiled rule computes it; null when it throws.</summary>
        public CqlDateTime? Value(int day, out bool failed)
        {
            failed = false;
            var date = DateOnly.FromDayNumber(day);
            var subject = new CqlDateTime(date.Year, date.Month, date.Day, 0, 0, 0, 0, DateTimePrecision.Day, null);
            if (Shift is null) return subject;
            try
            {
                return Shift(subject, Quantity);
            }
            catch (Exception)
            {
                failed = true;
                return null;
            }
        }
    }

    /// <summary>A test of one row.</summary>
    internal abstract class RowTest
    {
        /// <summary>The test's number in its node (its tables' place in <see cref="RowState.Tables"/>).</summary>
        public int Id { get; init; }

        /// <summary>Puts the test's tables for this study in <paramref name="tables"/> (computed once per study).</summary>
        public abstract void Prepare(StudyBinding binding, object?[] tables);

        /// <summary>
        /// The row's value: <see cref="False"/>, <see cref="True"/>, <see cref="Null"/> or <see cref="Unsupported"/>.
        /// With <paramref name="reads"/> (evidence on, for a row the filter keeps), each variable the compiled filter reads
        /// of the row is recorded through it, in its order (a Coalesce up to its first present value, an and or or up to its
        /// decisive operand), and a test reaching the subject's date gives <see cref="Unsupported"/> (the subject goes to the
        /// compiled rule, whose date definition keeps evidence of its own).
        /// </summary>
        public abstract byte Eval(RowState state, int row, RowReads? reads);
    }

    private static byte Of(bool? value) => value switch { true => True, false => False, null => Null };

    /// <summary>A builtin applied to a text read of the row, decided per dictionary code of each column of the chain.</summary>
    internal sealed class TextTest(int[] columnSlots, bool upper, Func<string?, bool?> predicate, int keptSlot) : RowTest
    {
        /// <summary>The column slots of the chain read (a Coalesce's, in order).</summary>
        public int[] ColumnSlots => columnSlots;

        /// <summary>The test's value for a row whose first present code in the chain is <paramref name="code"/> of column <paramref name="k"/> (-1: none present), all of the chain's columns being in the study.</summary>
        public byte ValueOf(StudyBinding binding, int k, int code)
        {
            var tables = binding.Kept(keptSlot, this, static (test, b) => test.TablesFor(b));
            return code < 0 ? tables.WhenMissing : tables.ByCode[k][code];
        }

        // A column the study lacks is null: it reads as missing, and the compiled rule notes the variable.
        private sealed record Tables(TextColumn?[] Columns, byte[][] ByCode, byte WhenMissing);

        public override void Prepare(StudyBinding binding, object?[] prepared) =>
            prepared[Id] = binding.Kept(keptSlot, this, static (test, b) => test.TablesFor(b));

        private Tables TablesFor(StudyBinding binding)
        {
            var columns = columnSlots.Select(c => binding.Columns[c] as TextColumn).ToArray();
            var byCode = new byte[columns.Length][];
            for (int k = 0; k < columns.Length; k++)
            {
                var column = columns[k];
                byCode[k] = new byte[column?.Dictionary.Count ?? 0];
                for (int code = 0; code < byCode[k].Length; code++)
                    byCode[k][code] = Decide(upper ? column!.UpperOfCode(code) : column!.Dictionary[code]);
            }
            return new Tables(columns, byCode, Decide(null));
        }

        private byte Decide(string? value)
        {
            try
            {
                return Of(predicate(value));
            }
            catch (Exception)
            {
                // The compiled rule fails the same way on a row holding this text and reports it.
                return Unsupported;
            }
        }

        /// <summary>The test's value for the row when that needs no note of a missing variable; otherwise <see cref="Null"/> (evaluate the tree).</summary>
        public byte Quick(RowState state, int row)
        {
            var tables = (Tables)state.Tables[Id]!;
            var columns = tables.Columns;
            for (int k = 0; k < columns.Length; k++)
            {
                if (columns[k] is not { } column) return Null;
                int code = column.CodeAt(row);
                if (code >= 0) return tables.ByCode[k][code];
            }
            return tables.WhenMissing;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override byte Eval(RowState state, int row, RowReads? reads)
        {
            var tables = (Tables)state.Tables[Id]!;
            var columns = tables.Columns;
            for (int k = 0; k < columns.Length; k++)
            {
                // The compiled Coalesce reads each variable up to the first present one (RecordAccess.String or UpperString).
                reads?.Read(columnSlots[k], row);
                if (columns[k] is not { } column)
                {
                    state.MissingVariable = true;
                    continue;
                }
                int code = column.CodeAt(row);
                if (code >= 0) return tables.ByCode[k][code];
            }
            return tables.WhenMissing;
        }
    }

    /// <summary>
    /// A test of the row's date (the first present of a chain, as the compiled Coalesce of the reads): on day numbers when
    /// the date is known to the day, else by the compiled builtin on the column's own value (a partial or timed date).
    /// </summary>
    private abstract class DateTest(int[] columnSlots, int keptSlot) : RowTest
    {
        // A day number, or these: no date in the chain; a date read but not a plain day (compare it with the builtin).
        protected const int Missing = int.MinValue + 2, NotPlainDay = int.MinValue;

        // Partial: for each code whose date is known to the year or month only (no time, no offset, years 2 to 9998), its
        // month key (year * 12 + month - 1, the year's first month when only the year is known) times 2, plus 1 when the
        // month is known; -1 for any other code.
        private sealed record Days(TextColumn?[] Columns, int[][] ByCode, int[][] Partial);

        public override void Prepare(StudyBinding binding, object?[] prepared) =>
            prepared[Id] = binding.Kept(keptSlot, this, static (test, b) => test.DaysFor(b));

        private Days DaysFor(StudyBinding binding)
        {
            var columns = columnSlots.Select(c => binding.Columns[c] as TextColumn).ToArray();
            var byCode = new int[columns.Length][];
            var partial = new int[columns.Length][];
            for (int k = 0; k < columns.Length; k++)
            {
                byCode[k] = new int[columns[k]?.Dictionary.Count ?? 0];
                partial[k] = new int[byCode[k].Length];
                for (int code = 0; code < byCode[k].Length; code++)
                {
                    // A text that does not parse reads as null in the compiled rule (and its Coalesce goes on).
                    var value = columns[k]!.DateTimeOfCode(code);
                    byCode[k][code] = value is null ? Missing : PlainDay(value) ?? NotPlainDay;
                    partial[k][code] = value is { Precision: DateTimePrecision.Year or DateTimePrecision.Month, OffsetMinutes: null, Year: >= 2 and <= 9998 }
                        ? (value.Year * 12 + (value.Precision == DateTimePrecision.Month ? value.Month - 1 : 0)) * 2 + (value.Precision == DateTimePrecision.Month ? 1 : 0)
                        : -1;
                }
            }
            return new Days(columns, byCode, partial);
        }

        /// <summary>The partial key (see <see cref="Days"/>) of <paramref name="column"/>'s <paramref name="code"/> as <see cref="DayOf"/> named it, or -1.</summary>
        protected int PartialOf(RowState state, TextColumn column, int code)
        {
            var days = (Days)state.Tables[Id]!;
            for (int k = 0; k < days.Columns.Length; k++)
                if (ReferenceEquals(days.Columns[k], column)) return (uint)code < (uint)days.Partial[k].Length ? days.Partial[k][code] : -1;
            return -1;
        }

        /// <summary>
        /// The day of the row's date, <see cref="Missing"/> when none, <see cref="NotPlainDay"/> with <paramref name="column"/>
        /// and <paramref name="code"/> naming its text; each read of the chain recorded through <paramref name="reads"/> when
        /// given (RecordAccess.DateTime reads a text that does not parse as null, and the Coalesce goes on).
        /// </summary>
        protected int DayOf(RowState state, int row, RowReads? reads, out TextColumn? column, out int code)
        {
            var days = (Days)state.Tables[Id]!;
            var columns = days.Columns;
            for (int k = 0; k < columns.Length; k++)
            {
                reads?.Read(columnSlots[k], row);
                column = columns[k];
                if (column is null)
                {
                    state.MissingVariable = true;
                    continue;
                }
                code = column.CodeAt(row);
                if (code < 0) continue;
                int day = days.ByCode[k][code];
                if (day != Missing) return day;
            }
            column = null;
            code = -1;
            return Missing;
        }
    }

    /// <summary><c>X.VAR is null</c> for a date (or a Coalesce of dates): a text that does not parse reads as null.</summary>
    private sealed class DateIsNullTest(int[] columnSlots, int keptSlot) : DateTest(columnSlots, keptSlot)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override byte Eval(RowState state, int row, RowReads? reads) => DayOf(state, row, reads, out _, out _) == Missing ? True : False;
    }

    /// <summary>Before, after, on or before, on or after the subject's (shifted) date, at a precision.</summary>
    private sealed class DateCompareTest(int test, int[] columnSlots, SubjectBound bound, DateTimePrecision? precision, string? precisionText, string op, Func<object?, object?, string?, bool?> builtin, int keptSlot) : DateTest(columnSlots, keptSlot)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override byte Eval(RowState state, int row, RowReads? reads)
        {
            // With evidence, the compiled comparison computes the subject's date (a definition, with evidence of its own kept for later rules).
            if (reads is not null) return Unsupported;
            int day = DayOf(state, row, null, out var column, out int code);
            // The compiled call evaluates both operands (the subject's date) whatever the row holds.
            state.ReadDate = true;
            if (!state.TryBounds(test, out long key, out long ok))
            {
                int subjectDay = state.Day();
                ok = 0;
                state.BoundValues[test] = null;
                if (subjectDay != SubjectDateSource.NotPlain && bound.DayFor(subjectDay) is int plain)
                {
                    // A shift in whole days: the bound's day without building it (built below only for a date that is not a plain day).
                    key = Key(plain, precision);
                    ok = 3;
                }
                else if (subjectDay != SubjectDateSource.NotPlain && bound.Value(subjectDay, out bool failed) is { } value && !failed)
                {
                    state.BoundValues[test] = value;
                    if (PlainDay(value) is int shifted)
                    {
                        key = Key(shifted, precision);
                        ok = 1;
                    }
                    else ok = 2;
                }
                state.SetBounds(test, key, ok);
            }
            if (ok == 0) return Unsupported;
            if (day == Missing) return Null;
            if (day == NotPlainDay || ok == 2)
            {
                if (state.BoundValues[test] is null)
                {
                    // The bound of a whole-day shift, built as the compiled rule builds it (the day DayFor gave).
                    if (bound.Value(state.Day(), out bool failed) is not { } built || failed) return Unsupported;
                    state.BoundValues[test] = built;
                }
                // A partial or timed date (or bound): the compiled comparison itself.
                object? point = day == NotPlainDay ? column!.DateTimeOfCode(code) : FromDay(day);
                try
                {
                    return Of(builtin(point, state.BoundValues[test], precisionText));
                }
                catch (Exception)
                {
                    return Unsupported;
                }
            }
            long rowKey = Key(day, precision);
            bool result = op switch
            {
                "SameOrAfter" => rowKey >= key,
                "After" => rowKey > key,
                "SameOrBefore" => rowKey <= key,
                _ => rowKey < key,
            };
            return result ? True : False;
        }
    }

    /// <summary>The row's date in an interval between the subject's (shifted) dates, at a precision, as <see cref="Intervals.In"/> decides it.</summary>
    private sealed class DateInTest(int test, int[] columnSlots, SubjectBound low, bool lowClosed, SubjectBound high, bool highClosed, DateTimePrecision? precision, string? precisionText, int keptSlot) : DateTest(columnSlots, keptSlot)
    {
        private const long NoBounds = long.MinValue, NotPlainBounds = long.MinValue + 1;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override byte Eval(RowState state, int row, RowReads? reads)
        {
            // With evidence, the compiled In computes the subject's date (a definition, with evidence of its own kept for later rules).
            if (reads is not null) return Unsupported;
            int day = DayOf(state, row, null, out var column, out int code);
            // The point and the interval are both evaluated, whatever the row holds.
            state.ReadDate = true;
            if (!state.TryBounds(test, out long lowKey, out long highKey))
            {
                (lowKey, highKey) = Bounds(state, state.Day());
                state.SetBounds(test, lowKey, highKey);
            }
            if (lowKey == NoBounds) return Unsupported;
            if (day == Missing) return Null;
            // A date known to the year or month between plain days: In's component-wise comparisons on keys, without the interval.
            if (day == NotPlainDay && lowKey != NotPlainBounds && PartialOf(state, column!, code) is int partial and >= 0) return InPartial(partial, lowKey, highKey);
            if (day == NotPlainDay || lowKey == NotPlainBounds)
            {
                // The interval of whole-day shifts, built as the compiled rule builds it (the days Bounds gave).
                if (state.BoundValues[test] is null && Built(state, state.Day()).Item1 == NoBounds) return Unsupported;
                // A partial or timed date (or bound): the compiled In itself.
                object? point = day == NotPlainDay ? column!.DateTimeOfCode(code) : FromDay(day);
                try
                {
                    return Of(Intervals.In(point, (CqlInterval)state.BoundValues[test]!, precisionText));
                }
                catch (Exception)
                {
                    return Unsupported;
                }
            }
            long key = Key(day, precision);
            return lowKey <= key && key <= highKey ? True : False;
        }

        /// <summary>
        /// <see cref="Intervals.In"/> of a date known to the year or month only (<paramref name="partial"/>, as the day tables
        /// keeps it) in the closed bounds whose keys at the test's precision are <paramref name="lowKey"/> and
        /// <paramref name="highKey"/> (plain days): CQL compares component by component up to the precision, the first
        /// differing one deciding, and a component one side lacks and the other has (up to the precision) is uncertain.
        /// </summary>
        private byte InPartial(int partial, long lowKey, long highKey)
        {
            int pointLast = partial & 1;
            int compared = precision is { } p ? (int)p : (int)DateTimePrecision.Millisecond;
            int common = Math.Min(pointLast, compared);
            long point = common == 1 ? partial >> 1 : (partial >> 1) / 12;
            long low = Coarse(lowKey, common), high = Coarse(highKey, common);
            // Equal as far as the point goes: the bound has the next component (a plain day has month and day) when the precision reaches it.
            byte equal = compared > pointLast ? Null : True;
            byte aboveLow = low < point ? True : low > point ? False : equal;
            byte belowHigh = point < high ? True : point > high ? False : equal;
            return aboveLow == False || belowHigh == False ? False : aboveLow == Null || belowHigh == Null ? Null : True;
        }

        /// <summary>A bound's key at the test's precision (<see cref="Key"/>) as its key at year (<paramref name="last"/> 0) or month (1), which are not finer.</summary>
        private long Coarse(long key, int last)
        {
            switch (precision)
            {
                case DateTimePrecision.Year:
                    return key;
                case DateTimePrecision.Month:
                    return last == 0 ? key / 12 : key;
                default:
                    var date = DateOnly.FromDayNumber((int)key);
                    return last == 0 ? date.Year : date.Year * 12L + date.Month - 1;
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private (long, long) Bounds(RowState state, int subjectDay)
        {
            state.BoundValues[test] = null;
            if (subjectDay == SubjectDateSource.NotPlain) return (NoBounds, NoBounds);
            // Whole-day shifts of a plain day: In's closed bounds (an open one's neighbour, a day away at day precision)
            // as day numbers, for a non-empty interval of plain days; the interval itself is built only if a row needs it.
            if (low.DayFor(subjectDay) is int lowDay && high.DayFor(subjectDay) is int highDay && lowDay <= highDay
                && PlainDayNumber(lowClosed ? lowDay : lowDay + 1L) is int first && PlainDayNumber(highClosed ? highDay : highDay - 1L) is int last && first <= last)
                return (Key(first, precision), Key(last, precision));
            return Built(state, subjectDay);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private (long, long) Built(RowState state, int subjectDay)
        {
            if (subjectDay == SubjectDateSource.NotPlain) return (NoBounds, NoBounds);
            var lowValue = low.Value(subjectDay, out bool lowFailed);
            var highValue = high.Value(subjectDay, out bool highFailed);
            if (lowFailed || highFailed || lowValue is null || highValue is null) return (NoBounds, NoBounds);
            CqlInterval interval;
            try
            {
                interval = RuntimeHelpers.Interval(lowValue, lowClosed, highValue, highClosed);
            }
            catch (Exception)
            {
                return (NoBounds, NoBounds);
            }
            state.BoundValues[test] = interval;
            // In compares with the closed bounds (an open one's neighbour at its precision): on keys when both are plain days.
            if (PlainDay(Intervals.ClosedLow(interval) as CqlDateTime) is not int first || PlainDay(Intervals.ClosedHigh(interval) as CqlDateTime) is not int last)
                return (NotPlainBounds, NotPlainBounds);
            return (Key(first, precision), Key(last, precision));
        }
    }

    /// <summary>A number variable of the row compared with a literal by the compiled builtin, on the value <c>RecordAccess.Decimal</c> reads.</summary>
    internal sealed class NumberTest(int columnSlot, Func<decimal?, decimal?, bool?> compare, NumberKernel.Comparison kind, decimal literal, bool variableFirst) : RowTest
    {
        private readonly double _literal = (double)literal;
        private readonly bool _fits = NumberKernel.Fits(literal);

        // A row equal to a whole literal (a visit number of 1) is decided on the double too, as the column lookups do.
        private readonly bool _exactWhole = NumberKernel.IsExactWhole(literal);

        /// <summary>The slot of the number column compared.</summary>
        public int ColumnSlot => columnSlot;

        /// <summary>The test's value for a row of the study's number column holding <paramref name="raw"/> (NaN: missing), as <see cref="Eval"/> decides it.</summary>
        public byte ValueOfRaw(double raw)
        {
            if (_fits && NumberKernel.Relation(raw, _literal, _exactWhole) is var sign and not NumberKernel.Undecided)
                return NumberKernel.Decide(kind, variableFirst ? sign : -sign) ? True : False;
            // What NumberColumn.GetDecimal gives for the raw double.
            decimal? value = double.IsNaN(raw) ? null : NumberConversions.ToDecimal(raw);
            try
            {
                return Of(variableFirst ? compare(value, literal) : compare(literal, value));
            }
            catch (Exception)
            {
                return Unsupported;
            }
        }

        public override void Prepare(StudyBinding binding, object?[] tables) => tables[Id] = binding.Columns[columnSlot] as NumberColumn;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override byte Eval(RowState state, int row, RowReads? reads)
        {
            // RecordAccess.Decimal records the read, then the builtin compares.
            reads?.Read(columnSlot, row);
            decimal? value = null;
            if (state.Tables[Id] is NumberColumn column)
            {
                // On the double where no conversion to decimal could change the answer (NumberKernel), else on the decimal the compiled rule compares.
                if (_fits && NumberKernel.Relation(column.RawAt(row), _literal, _exactWhole) is var sign and not NumberKernel.Undecided)
                    return NumberKernel.Decide(kind, variableFirst ? sign : -sign) ? True : False;
                value = column.GetDecimal(row);
            }
            else state.MissingVariable = true;
            try
            {
                return Of(variableFirst ? compare(value, literal) : compare(literal, value));
            }
            catch (Exception)
            {
                return Unsupported;
            }
        }
    }

    /// <summary>A plain day as the CqlDateTime a column holding it gives.</summary>
    private static CqlDateTime FromDay(int day)
    {
        var date = DateOnly.FromDayNumber(day);
        return new CqlDateTime(date.Year, date.Month, date.Day, 0, 0, 0, 0, DateTimePrecision.Day, null);
    }

    /// <summary>The rest of a filter not decided here (after its text key): a row reaching it leaves the subject to the compiled rule.</summary>
    internal sealed class OpaqueTest : RowTest
    {
        public override void Prepare(StudyBinding binding, object?[] tables)
        {
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override byte Eval(RowState state, int row, RowReads? reads) => Unsupported;
    }

    /// <summary>Three-valued not.</summary>
    internal sealed class NotTest(RowTest operand) : RowTest
    {
        public RowTest Operand => operand;

        public override void Prepare(StudyBinding binding, object?[] tables) => operand.Prepare(binding, tables);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override byte Eval(RowState state, int row, RowReads? reads) => operand.Eval(state, row, reads) switch
        {
            True => False,
            False => True,
            var other => other,
        };
    }

    /// <summary>Three-valued and/or, the right operand evaluated only when the left does not decide (as the compiled rule short-circuits).</summary>
    internal sealed class AndOrTest(RowTest left, RowTest right, bool isAnd) : RowTest
    {
        public RowTest Right => right;

        public bool IsAnd => isAnd;

        public RowTest Left => left;

        public override void Prepare(StudyBinding binding, object?[] tables)
        {
            left.Prepare(binding, tables);
            right.Prepare(binding, tables);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override byte Eval(RowState state, int row, RowReads? reads)
        {
            byte decisive = isAnd ? False : True;
            byte a = left.Eval(state, row, reads);
            if (a == Unsupported || a == decisive) return a;
            byte b = right.Eval(state, row, reads);
            if (b == Unsupported || b == decisive) return b;
            return a == Null || b == Null ? Null : isAnd ? True : False;
        }
    }
}
