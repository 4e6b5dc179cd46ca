using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Diagnostics;

/// <summary>
/// Every diagnostic the compiler can report, one method each, with a stable code: PE0xxx syntax,
/// PE1xxx names and types, PE2xxx workflows and safety rules, PE3xxx static verification and data fit (reported by
/// <c>protocol verify</c> and <c>protocol fit</c>, not by the compiler), PE4xxx backends (reported by <c>protocol sql</c> and
/// <c>protocol screen --backend</c>), PE9xxx runtime. A code is never reused or
/// renumbered; docs/diagnostics.md lists them all.
/// </summary>
public static class DiagnosticCatalog
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Names = new(() =>
        Entries().ToDictionary(e => e.Code, e => e.Name, StringComparer.Ordinal));

    /// <summary>
    /// Every catalog entry: its code, method name and a sample message (each method called once with
    /// placeholder arguments). Used by the uniqueness test, the SARIF rule table and docs/diagnostics.md.
    /// </summary>
    public static IEnumerable<(string Code, string Name, DiagnosticSeverity Severity, string SampleMessage)> Entries()
    {
        foreach (var method in typeof(DiagnosticCatalog).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
        {
            if (method.ReturnType != typeof(Diagnostic)) continue;
            var args = method.GetParameters().Select(p => p.ParameterType switch
            {
                var t when t == typeof(TextSpan) => (object?)new TextSpan(0, 0),
                var t when t == typeof(string) => "{" + p.Name + "}",
                var t when t == typeof(int) => 1,
                var t when t == typeof(long) => 1L,
                var t when t == typeof(TimeSpan) => TimeSpan.FromSeconds(1),
                _ => null,
            }).ToArray();
            var d = (Diagnostic)method.Invoke(null, args)!;
            yield return (d.Code, method.Name, d.Severity, d.Message);
        }
    }

    /// <summary>The catalog name of a code, for example UnknownVariable for PE1004.</summary>
    public static string NameOf(string code) => Names.Value.TryGetValue(code, out var name) ? name : code;

    /// <summary>A short description of a code, for example "Unknown variable".</summary>
    public static string Describe(string code)
    {
        var name = NameOf(code);
        var words = System.Text.RegularExpressions.Regex.Replace(name, "(?<=[a-z0-9])(?=[A-Z])", " ").ToLowerInvariant();
        return words.Length == 0 ? code : char.ToUpperInvariant(words[0]) + words[1..];
    }

    private static Diagnostic Error(TextSpan span, string code, string message) => new(span, DiagnosticSeverity.Error, code, message);
    private static Diagnostic Warning(TextSpan span, string code, string message) => new(span, DiagnosticSeverity.Warning, code, message);
    private static Diagnostic Info(TextSpan span, string code, string message) => new(span, DiagnosticSeverity.Info, code, message);

    private static string Hint(string? suggestion) => suggestion is null ? "" : $" Did you mean \"{suggestion}\"?";

    // ----- PE0xxx: syntax -----

    /// <summary>The parser met a token it cannot use here.</summary>
    public static Diagnostic UnexpectedToken(TextSpan span, string found, string expected) =>
        Error(span, "PE0001", $"Unexpected {found}; expected {expected}.");

    /// <summary>A character that no token of the language starts with.</summary>
    public static Diagnostic UnexpectedCharacter(TextSpan span, string character) =>
        Error(span, "PE0002", $"Unexpected character {character}. Strings in rules use 'single quotes'; titles and codes use \"double quotes\".");

    /// <summary>A construct ended before its expression.</summary>
    public static Diagnostic MissingExpression(TextSpan span, string context) =>
        Error(span, "PE0003", $"An expression is missing {context}: write the condition or value here.");

    /// <summary>A whole number literal outside the range of its type.</summary>
    public static Diagnostic NumberOutOfRange(TextSpan span, string text, string type) =>
        Error(span, "PE0004", $"The number {text} does not fit in {type}. Write it as a Long (suffix L) or a Decimal (with a decimal point).");

    /// <summary>A date or time literal that is not a real date or time.</summary>
    public static Diagnostic InvalidDateTimeLiteral(TextSpan span, string text, string reason) =>
        Error(span, "PE0005", $"{text} is not a valid date or time: {reason}.");

    /// <summary>A header item given twice.</summary>
    public static Diagnostic DuplicateHeaderItem(TextSpan span, string item) =>
        Error(span, "PE0006", $"The protocol header gives \"{item}\" more than once; keep one.");

    /// <summary>A decision table row whose number of cells differs from the inputs plus the output.</summary>
    public static Diagnostic TableRowCellCount(TextSpan span, int found, int expected) =>
        Error(span, "PE0007", $"This row has {found} cells; the table needs {expected} (one per input, then the result).");

    /// <summary>A string with an escape sequence the language does not know.</summary>
    public static Diagnostic InvalidEscape(TextSpan span, string escape) =>
        Error(span, "PE0008", $"Unknown escape sequence {escape}; use \\\\, \\', \\\", \\n, \\t or \\uXXXX.");

    /// <summary>A file without the protocol or library header.</summary>
    public static Diagnostic MissingHeader(TextSpan span) =>
        Error(span, "PE0009", "A protocol file starts with `protocol NAME version \"X\"` (or `library NAME version \"X\"` for a shared library).");

    /// <summary>A check that lacks its expectation.</summary>
    public static Diagnostic CheckWithoutExpect(TextSpan span, string check) =>
        Error(span, "PE0010", $"Check {check} has no `expect` clause: say what must hold.");

    /// <summary>A check without a `for each` or `for study` scope.</summary>
    public static Diagnostic CheckWithoutScope(TextSpan span, string check) =>
        Error(span, "PE0011", $"Check {check} has no scope: add `for each DOMAIN ALIAS`, `for each subject` or `for study`.");

    /// <summary>A clause given twice in one declaration.</summary>
    public static Diagnostic DuplicateClause(TextSpan span, string clause, string owner) =>
        Error(span, "PE0012", $"{owner} has more than one `{clause}` clause; keep one.");

    /// <summary>A quoted text without its closing quote.</summary>
    public static Diagnostic UnterminatedText(TextSpan span, string quote) =>
        Error(span, "PE0013", $"This text has no closing quote: add {quote} at its end (texts cannot span lines).");

    /// <summary>An expression nested deeper than the compiler's limit (it would exhaust the stack of any program that walks it).</summary>
    public static Diagnostic NestingTooDeep(TextSpan span, int limit) =>
        Error(span, "PE0014", $"This expression nests more than {limit} levels deep (parentheses, calls, prefix operators, member accesses or selectors inside one another). Name inner parts with `define` to flatten it.");

    /// <summary>A source file longer than the compiler's limit.</summary>
    public static Diagnostic SourceTooLarge(TextSpan span, int limit) =>
        Error(span, "PE0015", $"This file has more than {limit:N0} characters, the limit for one protocol or library file. Split it into libraries with `import`.");

    // ----- PE1xxx: names and types -----

    /// <summary>A name that nothing in scope declares.</summary>
    public static Diagnostic UnknownName(TextSpan span, string name, string? suggestion) =>
        Error(span, "PE1001", $"\"{name}\" is not defined here: declare it with `define`, or check the spelling.{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>A domain that the data model does not have.</summary>
    public static Diagnostic UnknownDomain(TextSpan span, string name, string model, string? suggestion) =>
        Error(span, "PE1002", $"Domain \"{name}\" is not part of {model}.{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>A visit the protocol does not declare.</summary>
    public static Diagnostic UnknownVisit(TextSpan span, string name, string? suggestion) =>
        Error(span, "PE1003", $"Visit \"{name}\" is not declared in this protocol.{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>A variable that the domain does not have.</summary>
    public static Diagnostic UnknownVariable(TextSpan span, string domain, string variable, string? suggestion) =>
        Error(span, "PE1004", $"Domain {domain} has no variable \"{variable}\".{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>A code list the protocol does not declare.</summary>
    public static Diagnostic UnknownCodeList(TextSpan span, string name, string? suggestion) =>
        Error(span, "PE1005", $"Code list \"{name}\" is not declared in this protocol.{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>A function that does not exist.</summary>
    public static Diagnostic UnknownFunction(TextSpan span, string name, string? suggestion) =>
        Error(span, "PE1006", $"There is no function \"{name}\".{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>No overload of a function or operator accepts these argument types.</summary>
    public static Diagnostic NoMatchingOverload(TextSpan span, string name, string argumentTypes, string candidates) =>
        Error(span, "PE1007", $"{name} cannot take ({argumentTypes}). It takes: {candidates}.");

    /// <summary>An expression of the wrong type.</summary>
    public static Diagnostic TypeMismatch(TextSpan span, string expected, string actual, string context) =>
        Error(span, "PE1008", $"{context} must be {expected}, but this is {actual}.");

    /// <summary>Quantities whose units measure different things (a mass is not a length).</summary>
    public static Diagnostic IncompatibleUnits(TextSpan span, string left, string leftDimension, string right, string rightDimension) =>
        Error(span, "PE1009", $"'{left}' measures {leftDimension} but '{right}' measures {rightDimension}; they cannot be combined or compared.");

    /// <summary>A unit that is neither UCUM nor a calendar duration.</summary>
    public static Diagnostic UnknownUnit(TextSpan span, string unit) =>
        Error(span, "PE1010", $"'{unit}' is not a UCUM unit or a calendar duration (years, months, weeks, days, hours, minutes, seconds, milliseconds).");

    /// <summary>Two declarations with one name.</summary>
    public static Diagnostic DuplicateDeclaration(TextSpan span, string kind, string name) =>
        Error(span, "PE1011", $"{kind} \"{name}\" is declared more than once; names must be unique.");

    /// <summary>A criterion whose rule is not a Boolean.</summary>
    public static Diagnostic CriterionNotBoolean(TextSpan span, string criterion, string actual) =>
        Error(span, "PE1012", $"Criterion {criterion} must be a Boolean condition, but its rule is {actual}.");

    /// <summary>A role the protocol does not declare.</summary>
    public static Diagnostic UnknownRole(TextSpan span, string name, string? suggestion) =>
        Error(span, "PE1013", $"Role \"{name}\" is not declared: add it to a `roles` block or use a standard role.{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>An import that cannot be found.</summary>
    public static Diagnostic UnknownImport(TextSpan span, string name) =>
        Error(span, "PE1014", $"Library \"{name}\" cannot be found: put {name.Replace('.', '/')}.protocol next to this file or in the standard library.");

    /// <summary>Defines that refer to each other in a cycle.</summary>
    public static Diagnostic CyclicDefinition(TextSpan span, string cycle) =>
        Error(span, "PE1015", $"These definitions refer to each other in a cycle: {cycle}. Break the cycle.");

    /// <summary>A member that a tuple, record or value does not have.</summary>
    public static Diagnostic UnknownMember(TextSpan span, string type, string member, string? suggestion) =>
        Error(span, "PE1016", $"{type} has no member \"{member}\".{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>A type name that does not exist.</summary>
    public static Diagnostic UnknownType(TextSpan span, string name, string? suggestion) =>
        Error(span, "PE1017", $"There is no type \"{name}\".{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>A phase that no criterion declares.</summary>
    public static Diagnostic UnknownPhase(TextSpan span, string name, string? suggestion) =>
        Error(span, "PE1018", $"No criterion is in phase \"{name}\".{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>A decision table cell that is not a Boolean condition.</summary>
    public static Diagnostic TableConditionNotBoolean(TextSpan span, string actual) =>
        Error(span, "PE1019", $"A decision table condition must be Boolean, but this is {actual}.");

    /// <summary>Results of a decision table that do not share a type.</summary>
    public static Diagnostic TableResultTypesDiffer(TextSpan span, string expected, string actual) =>
        Error(span, "PE1020", $"Every result of a decision table must be {expected}, but this is {actual}.");

    /// <summary>A table that may match no row.</summary>
    public static Diagnostic TableWithoutOtherwise(TextSpan span, string table) =>
        Warning(span, "PE1021", $"Table {table} has no `otherwise` row, so inputs that match no row give null (Unknown).");

    /// <summary>A cast that can never succeed.</summary>
    public static Diagnostic InvalidCast(TextSpan span, string from, string to) =>
        Error(span, "PE1022", $"A {from} can never be a {to}.");

    /// <summary>A message placeholder that is not a valid expression in scope.</summary>
    public static Diagnostic InvalidPlaceholder(TextSpan span, string placeholder) =>
        Error(span, "PE1023", $"The message placeholder {{{placeholder}}} does not name a value in scope (for example {{A.AESER}}).");

    /// <summary>An allocation ratio that is not positive.</summary>
    public static Diagnostic InvalidRatio(TextSpan span, string arm) =>
        Error(span, "PE1024", $"Arm {arm} needs a ratio of at least 1.");

    /// <summary>A visit window whose start is after its end.</summary>
    public static Diagnostic InvalidVisitWindow(TextSpan span, string visit) =>
        Error(span, "PE1025", $"The window of visit {visit} starts after it ends; write it as `window FIRST .. LAST`.");

    /// <summary>A code given twice in one code list.</summary>
    public static Diagnostic DuplicateCode(TextSpan span, string code, string codeList) =>
        Error(span, "PE1026", $"Code \"{code}\" appears more than once in code list {codeList}.");

    /// <summary>An import override of a parameter the library does not declare.</summary>
    public static Diagnostic UnknownParameter(TextSpan span, string library, string name, string? suggestion) =>
        Error(span, "PE1027", $"Library {library} has no parameter \"{name}\".{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>Rules read data but the protocol names no data model.</summary>
    public static Diagnostic MissingDataModel(TextSpan span, string domain) =>
        Error(span, "PE1028", $"\"{domain}\" reads study data, but the protocol names no data model: add `data SDTM \"3.4\"` to its header.");

    /// <summary>A data model that is not supported.</summary>
    public static Diagnostic UnsupportedDataModel(TextSpan span, string name, string version) =>
        Error(span, "PE1029", $"Data model {name} {version} is not supported; use `data SDTM \"3.4\"`.");

    /// <summary>A function called with the wrong number of arguments.</summary>
    public static Diagnostic WrongArgumentCount(TextSpan span, string name, int expected, int actual) =>
        Error(span, "PE1030", $"{name} takes {expected} argument(s) but is given {actual}.");

    /// <summary>A name used before a query alias of the same name hides it.</summary>
    public static Diagnostic AliasShadows(TextSpan span, string alias) =>
        Warning(span, "PE1031", $"Alias {alias} hides a definition of the same name inside this query; rename the alias.");

    /// <summary>An index or list operation on something that is not a list.</summary>
    public static Diagnostic NotAList(TextSpan span, string actual) =>
        Error(span, "PE1032", $"A list is expected here, but this is {actual}.");

    /// <summary>A stratification factor that is not a subject-level value.</summary>
    public static Diagnostic InvalidStratificationFactor(TextSpan span, string actual) =>
        Error(span, "PE1033", $"A stratification factor must be one value per subject (String, Integer, Boolean or Code), but this is {actual}.");

    /// <summary>A define that nothing uses.</summary>
    public static Diagnostic UnusedDefinition(TextSpan span, string name) =>
        Warning(span, "PE1034", $"Definition {name} is never used.");

    /// <summary>Comparing a controlled variable with a value outside its code list (compares false forever).</summary>
    public static Diagnostic ValueNotInCodeList(TextSpan span, string value, string variable, string codeList) =>
        Warning(span, "PE1035", $"'{value}' is not a term of code list {codeList} that {variable} is controlled by; the comparison may never hold.");

    /// <summary>A recursive function (not allowed: evaluation is bounded).</summary>
    public static Diagnostic RecursiveFunction(TextSpan span, string name) =>
        Error(span, "PE1036", $"Function {name} calls itself; recursion is not allowed, so every rule is guaranteed to finish.");

    /// <summary>An operator applied to operands that do not support it.</summary>
    public static Diagnostic OperatorNotApplicable(TextSpan span, string op, string types) =>
        Error(span, "PE1037", $"Operator {op} cannot be applied to {types}.");

    /// <summary>A permuted block size that cannot hold the arms' allocation ratio a whole number of times.</summary>
    public static Diagnostic InvalidBlockSize(TextSpan span, int size, int ratioTotal) =>
        Error(span, "PE1038", $"A block of {size} cannot hold the allocation ratio (which adds up to {ratioTotal}) a whole number of times: use a multiple of {ratioTotal}.");

    /// <summary>A division, div or mod whose divisor is zero whatever the data (CQL gives null, so the rule is Unknown for everyone).</summary>
    public static Diagnostic ConstantDivisionByZero(TextSpan span, string divisor) =>
        Error(span, "PE1039", $"The divisor {divisor} is always zero, so this is null (Unknown) for every subject and the rule can never decide. Fix the divisor.");

    /// <summary>A protocol without criteria (it would find every subject eligible).</summary>
    public static Diagnostic NoCriteria(TextSpan span, string protocol) =>
        Warning(span, "PE1040", $"Protocol {protocol} declares no criteria, so it cannot decide eligibility and `screen` refuses it. Add a `criteria` block.");

    /// <summary>Two files of one folder declaring the same protocol name and version.</summary>
    public static Diagnostic DuplicateProtocolId(TextSpan span, string name, string version, string otherFile) =>
        Warning(span, "PE1041", $"{name} {version} is also declared by {otherFile}: give each protocol its own name, and each amendment its own version.");

    /// <summary>More criteria than the compiler's limit.</summary>
    public static Diagnostic TooManyCriteria(TextSpan span, int count, int limit) =>
        Error(span, "PE1042", $"This protocol declares {count:N0} criteria, more than the limit of {limit:N0}. Split the protocol, or combine criteria with `define`.");

    /// <summary>Definitions that depend on one another in a chain longer than the compiler's limit.</summary>
    public static Diagnostic DefinitionChainTooDeep(TextSpan span, string name, int limit) =>
        Error(span, "PE1043", $"Definition {name} depends on a chain of more than {limit} definitions or functions, each using the next. Shorten the chain.");

    /// <summary>A parameter whose value reads the screening's date: parameters are constants, fixed when the protocol is compiled.</summary>
    public static Diagnostic ParameterReadsTheScreeningDate(TextSpan span, string name, string builtin) =>
        Error(span, "PE1044", $"Parameter {name} reads the screening's date ({builtin}), but a parameter is a constant fixed when the protocol is compiled, so it would not follow the date a screening runs as of (`--as-of`). Compute the date in a `define` instead.");

    // ----- PE2xxx: workflows and safety rules -----

    /// <summary>A transition or deadline to a state the workflow does not declare.</summary>
    public static Diagnostic UndeclaredState(TextSpan span, string workflow, string state, string? suggestion) =>
        Error(span, "PE2001", $"Workflow {workflow} has no state \"{state}\".{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>A state no path from the initial state reaches.</summary>
    public static Diagnostic UnreachableState(TextSpan span, string workflow, string state) =>
        Error(span, "PE2002", $"State {state} of workflow {workflow} cannot be reached from the initial state: add a transition into it or remove it.");

    /// <summary>A state that is not final and has no way out.</summary>
    public static Diagnostic DeadEndState(TextSpan span, string workflow, string state) =>
        Error(span, "PE2003", $"State {state} of workflow {workflow} has no way out and is not final: add a transition or a deadline, or mark it `final`.");

    /// <summary>A task or gate with no assignee role.</summary>
    public static Diagnostic TaskWithoutAssignee(TextSpan span, string task) =>
        Error(span, "PE2004", $"Task {task} has no assignee: add `for ROLE` so a person is responsible for it.");

    /// <summary>A workflow without exactly one initial state.</summary>
    public static Diagnostic InitialStateCount(TextSpan span, string workflow, int count) =>
        Error(span, "PE2005", count == 0
            ? $"Workflow {workflow} has no initial state: mark one state `initial`."
            : $"Workflow {workflow} has {count} initial states; mark exactly one `initial`.");

    /// <summary>A state declared twice.</summary>
    public static Diagnostic DuplicateState(TextSpan span, string workflow, string state) =>
        Error(span, "PE2006", $"State {state} is declared more than once in workflow {workflow}.");

    /// <summary>A guard that names a task no state of the workflow declares.</summary>
    public static Diagnostic UnknownTask(TextSpan span, string workflow, string task, string? suggestion) =>
        Error(span, "PE2007", $"Workflow {workflow} has no task or gate \"{task}\".{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>A final state with transitions out of it.</summary>
    public static Diagnostic TransitionFromFinalState(TextSpan span, string state) =>
        Error(span, "PE2008", $"State {state} is final, so no transition may leave it.");

    /// <summary>A guard on a clock that no safety rule defines.</summary>
    public static Diagnostic UnknownClock(TextSpan span, string clock, string? suggestion) =>
        Error(span, "PE2009", $"No safety rule defines a clock \"{clock}\".{Hint(suggestion)}") with { Suggestion = suggestion };

    /// <summary>A decision the task does not offer.</summary>
    public static Diagnostic UnknownDecision(TextSpan span, string task, string decision, string decisions) =>
        Error(span, "PE2010", $"Task {task} has no decision \"{decision}\"; its decisions are {decisions}.");

    /// <summary>`randomize` in a protocol without arms.</summary>
    public static Diagnostic RandomizeWithoutArms(TextSpan span) =>
        Error(span, "PE2011", "`randomize` needs an `arms` declaration with a `randomize` line.");

    /// <summary>A gate that does not require a signature.</summary>
    public static Diagnostic GateWithoutSignature(TextSpan span, string gate) =>
        Warning(span, "PE2012", $"Gate {gate} records a decision without an electronic signature; add `requires signature meaning \"approval\"` if it approves anything clinical.");

    /// <summary>A signature meaning outside 21 CFR 11.50's examples (an error: the workflow runtime records only these four).</summary>
    public static Diagnostic UnknownSignatureMeaning(TextSpan span, string meaning) =>
        Error(span, "PE2013", $"Signature meaning \"{meaning}\" is not one of review, approval, responsibility, authorship.");

    /// <summary>A duration that is zero or negative.</summary>
    public static Diagnostic InvalidDuration(TextSpan span) =>
        Error(span, "PE2014", "A deadline, due date or clock must be a positive duration such as `14 days` or `24 hours`.");

    /// <summary>A duration parameter of the wrong type.</summary>
    public static Diagnostic DurationParameterType(TextSpan span, string name, string actual) =>
        Error(span, "PE2015", $"Parameter {name} is used as a duration, so it must be a Quantity such as `24 hours`, but it is {actual}.");

    /// <summary>A transition that can never fire because an earlier unguarded transition from the same state always wins.</summary>
    public static Diagnostic ShadowedTransition(TextSpan span, string from, string to) =>
        Warning(span, "PE2016", $"The transition {from} -> {to} never fires: an earlier transition from {from} has no condition.");

    /// <summary>A reminder after the task is already due.</summary>
    public static Diagnostic ReminderAfterDue(TextSpan span, string task) =>
        Warning(span, "PE2017", $"A reminder of task {task} comes after the task is due.");

    /// <summary>A workflow event or criteria guard used in a workflow of the wrong scope.</summary>
    public static Diagnostic GuardNeedsSubjectScope(TextSpan span, string workflow) =>
        Error(span, "PE2018", $"Workflow {workflow} runs per record; criteria guards need a workflow `per subject`.");

    /// <summary>`start clocks` in a workflow that does not run per record of a domain with safety rules.</summary>
    public static Diagnostic StartClocksWithoutSafetyRules(TextSpan span, string workflow, string domain) =>
        Error(span, "PE2019", $"Workflow {workflow} starts clocks, but no safety rule applies to {domain} records.");

    /// <summary>A workflow of an imported library evaluates a criteria phase the importing protocol does not declare.</summary>
    public static Diagnostic ImportedWorkflowUnknownPhase(TextSpan span, string library, string workflow, string phase) =>
        Error(span, "PE2020", $"Workflow {workflow} of {library} evaluates criteria phase \"{phase}\", but no criterion of this protocol is in that phase.");

    /// <summary>A workflow of an imported library randomises, but the importing protocol declares no arms.</summary>
    public static Diagnostic ImportedWorkflowWithoutArms(TextSpan span, string library, string workflow) =>
        Error(span, "PE2021", $"Workflow {workflow} of {library} randomizes, but this protocol has no `arms` declaration with a `randomize` line.");

    /// <summary>A task guard on a task the transition's source state does not hold: a decision counts only in its own state.</summary>
    public static Diagnostic TaskNotInState(TextSpan span, string from, string to, string task) =>
        Error(span, "PE2022", $"The transition {from} -> {to} waits for task {task}, but state {from} does not hold it: a task's decision counts only while its own state is current.");

    /// <summary>A clock guard or clock action on a clock this workflow never starts.</summary>
    public static Diagnostic ClockNotStarted(TextSpan span, string workflow, string clock) =>
        Error(span, "PE2023", $"Workflow {workflow} names clock {clock}, but never starts it: add `start clocks` in a workflow per record of the safety rule's domain, or name a clock it starts.");

    /// <summary>A clock length in months, years or milliseconds, which a workflow clock cannot count exactly.</summary>
    public static Diagnostic InexactClock(TextSpan span, string duration) =>
        Error(span, "PE2024", $"A clock of {duration} cannot be counted exactly (months and years have no fixed length): state it in days, weeks, hours, minutes or seconds.");

    /// <summary>Transitions without conditions that lead round in a circle: an instance would never stop moving.</summary>
    public static Diagnostic AutomaticLoop(TextSpan span, string workflow, string cycle) =>
        Error(span, "PE2025", $"Workflow {workflow} loops without waiting: {cycle} have no conditions, so an instance would move round them forever. Give one of them a condition.");

    // ----- PE3xxx: static verification and data fit (protocol verify, protocol fit) -----

    /// <summary>Criteria that together exclude every subject (the solver's smallest unsatisfiable core).</summary>
    public static Diagnostic ContradictoryCriteria(TextSpan span, string criterion, string core) =>
        Error(span, "PE3001", $"No subject can be eligible: {core} contradict each other ({criterion} is one of them). Change or remove one of them.");

    /// <summary>A criterion the others imply: it can never change an outcome.</summary>
    public static Diagnostic RedundantCriterion(TextSpan span, string criterion, string impliedBy) =>
        Warning(span, "PE3002", $"Criterion {criterion} is implied by {impliedBy}: whenever they pass it passes, so it never changes an outcome.");

    /// <summary>A rule the lowering to the solver does not cover: what depends on it is not proved.</summary>
    public static Diagnostic NotVerified(TextSpan span, string rule, string constructs) =>
        Info(span, "PE3003", $"{rule} is not verified: the solver's lowering does not cover {constructs}.");

    /// <summary>A solver query that ran out of time.</summary>
    public static Diagnostic VerificationTimeout(TextSpan span, string query, string limit) =>
        Warning(span, "PE3004", $"Not verified (timeout): the solver did not answer \"{query}\" within {limit}. Raise --timeout or simplify the rules it reads.");

    /// <summary>The solver's witness did not screen Eligible: satisfiability is not proved.</summary>
    public static Diagnostic WitnessNotConfirmed(TextSpan span, string status, string reasons) =>
        Warning(span, "PE3005", $"Not verified: the solver found a subject, but the engine screens it {status} ({reasons}); a construct the lowering approximates decides differently.");

    /// <summary>A workflow transition whose condition can never be true.</summary>
    public static Diagnostic GuardNeverTrue(TextSpan span, string workflow, string from, string to) =>
        Warning(span, "PE3006", $"The condition of transition {from} -> {to} in workflow {workflow} can never be true: the transition never fires.");

    /// <summary>A state that only transitions whose conditions can never be true lead to.</summary>
    public static Diagnostic StateNeverReached(TextSpan span, string workflow, string state) =>
        Warning(span, "PE3007", $"State {state} of workflow {workflow} is never reached: every path to it passes a condition that can never be true.");

    /// <summary>A reachable state that is not final and that no transition can ever leave.</summary>
    public static Diagnostic StateNeverLeft(TextSpan span, string workflow, string state) =>
        Warning(span, "PE3008", $"State {state} of workflow {workflow} is not final, but no transition out of it can ever fire and it has no deadline: an instance that enters it stays there.");

    /// <summary>A human task nobody is told about when it is not done.</summary>
    public static Diagnostic TaskWithoutEscalation(TextSpan span, string workflow, string task) =>
        Warning(span, "PE3009", $"Task {task} of workflow {workflow} has no escalation and its state no deadline: if nobody acts, nobody is told. Add `escalate to ROLE after D` or a deadline.");

    /// <summary>A clock a workflow starts that no reachable step stops or withdraws.</summary>
    public static Diagnostic ClockNeverStops(TextSpan span, string workflow, string clock) =>
        Warning(span, "PE3010", $"Workflow {workflow} starts clock {clock}, but no reachable transition stops or withdraws it and no state waits for it to be missed: it can only run out.");

    /// <summary>A code or term a rule compares with that the study's data never hold.</summary>
    public static Diagnostic CodeNotInStudy(TextSpan span, string variable, string code, string closest) =>
        Warning(span, "PE3011", $"{variable} = '{code}' never occurs in this study; {closest}.");

    /// <summary>A variable a rule reads that the study's dataset does not have.</summary>
    public static Diagnostic VariableNotInStudy(TextSpan span, string domain, string variable, string closest) =>
        Warning(span, "PE3012", $"The study's {domain} has no variable {variable}; {closest}.");

    /// <summary>A domain a rule reads that the study does not have.</summary>
    public static Diagnostic DomainNotInStudy(TextSpan span, string domain, string held) =>
        Warning(span, "PE3013", $"The study has no {domain} domain; it holds {held}.");

    // ----- PE4xxx: backends (protocol sql, protocol screen --backend) -----

    /// <summary>A criterion the SQL backend cannot push down to the database: it runs natively (--backend auto) or not at all.</summary>
    public static Diagnostic CriterionNotPushedDown(TextSpan span, string criterion, string dialect, string reason) =>
        Warning(span, "PE4001", $"Criterion {criterion} cannot be pushed down to {dialect}: {reason}. It runs natively with --backend auto.");

    /// <summary>A criterion the RulesEngine export cannot write as a Microsoft RulesEngine rule: it is left out of the workflow.</summary>
    public static Diagnostic CriterionNotExpressibleInRulesEngine(TextSpan span, string criterion, string reason) =>
        Warning(span, "PE4101", $"Criterion {criterion} cannot be expressed as a RulesEngine rule: {reason}. It is left out of the workflow (protocol screen --backend rulesengine runs it natively).");

    // ----- PE9xxx: runtime -----

    /// <summary>A rule took more evaluation steps than allowed.</summary>
    public static Diagnostic StepLimitExceeded(TextSpan span, string rule, long limit) =>
        Error(span, "PE9001", $"Rule {rule} stopped after {limit:N0} evaluation steps (the limit). Simplify the rule or raise the step limit.");

    /// <summary>A rule ran longer than allowed.</summary>
    public static Diagnostic TimeLimitExceeded(TextSpan span, string rule, TimeSpan limit) =>
        Error(span, "PE9002", $"Rule {rule} stopped after {limit.TotalMilliseconds:N0} ms (the time limit). Simplify the rule or raise the time limit.");

    /// <summary>A rule built a list larger than allowed.</summary>
    public static Diagnostic ListSizeLimitExceeded(TextSpan span, string rule, int limit) =>
        Error(span, "PE9003", $"Rule {rule} built a list of more than {limit:N0} elements (the limit).");

    /// <summary>A runtime error inside a rule (for example a value out of range).</summary>
    public static Diagnostic RuntimeError(TextSpan span, string rule, string message) =>
        Error(span, "PE9004", $"Rule {rule} failed: {message}");

    /// <summary>A rule read a domain the study does not have.</summary>
    public static Diagnostic MissingDomain(TextSpan span, string rule, string domain) =>
        Error(span, "PE9005", $"Rule {rule} reads domain {domain}, which the study data do not contain.");

    /// <summary>A rule divided by zero (CQL gives null, which a data check must not mistake for missing data).</summary>
    public static Diagnostic DivisionByZero(TextSpan span, string rule, string where) =>
        Error(span, "PE9006", $"Rule {rule} divided by zero ({where}). Exclude zero divisors, for example in the check's where condition.");

    /// <summary>An instance moved more often than allowed after one stimulus and was stopped (faulted).</summary>
    public static Diagnostic WorkflowLoopFault(TextSpan span, string workflow, int limit, string state) =>
        Error(span, "PE9007", $"Workflow {workflow} made more than {limit:N0} transitions after one stimulus and was stopped in state {state}: its transitions loop without waiting.");

    /// <summary>A workflow definition's clock continues a clock the definition does not have.</summary>
    public static Diagnostic ClockFollowsUnknownClock(TextSpan span, string workflow, string clock, string follows) =>
        Error(span, "PE9008", $"Workflow {workflow}: clock {clock} continues clock {follows}, which the definition does not have.");

    /// <summary>A workflow definition or instance names a time zone the tz database does not know.</summary>
    public static Diagnostic UnknownTimeZone(TextSpan span, string workflow, string zone) =>
        Error(span, "PE9009", $"Workflow {workflow} counts calendar days in time zone \"{zone}\", which the tz database does not know; use an IANA name such as Europe/Berlin.");

    /// <summary>A timer whose step failed was set aside so it does not block the others.</summary>
    public static Diagnostic TimerFailed(TextSpan span, string purpose, string instance, string message) =>
        Error(span, "PE9010", $"The {purpose} timer of instance {instance} failed and was set aside for a person to look at: {message.TrimEnd('.')}.");

    /// <summary>A migration plan names a definition version that is not stored.</summary>
    public static Diagnostic MigrationUnknownDefinition(TextSpan span, string definition) =>
        Error(span, "PE9011", $"There is no stored workflow definition {definition}.");

    /// <summary>A migration plan moves instances between two different workflows.</summary>
    public static Diagnostic MigrationOtherWorkflow(TextSpan span, string from, string to) =>
        Error(span, "PE9012", $"Instances of workflow {from} cannot migrate to workflow {to}; a migration moves instances between versions of one workflow.");

    /// <summary>A running instance's state has no counterpart in the migration's target version.</summary>
    public static Diagnostic MigrationStateUnmapped(TextSpan span, string instance, string state, string target) =>
        Error(span, "PE9013", $"Instance {instance} is in state {state}, which {target} does not have: add it to the plan's state map.");
}
