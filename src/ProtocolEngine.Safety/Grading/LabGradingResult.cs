namespace ProtocolEngine.Safety.Grading;

/// <summary>The CTCAE grade of one laboratory result.</summary>
/// <param name="SubjectId">USUBJID.</param>
/// <param name="Sequence">LBSEQ.</param>
/// <param name="TestCode">LBTESTCD.</param>
/// <param name="Term">The CTCAE term (null when the result grades 0 in both directions or cannot be graded).</param>
/// <param name="Grade">0 to 4, or null when a value the grade needs is missing (Unknown: a person looks).</param>
/// <param name="Value">LBSTRESN.</param>
/// <param name="Unit">LBSTRESU.</param>
/// <param name="Low">LBSTNRLO.</param>
/// <param name="High">LBSTNRHI.</param>
/// <param name="Baseline">The baseline result of the test (LBBLFL = 'Y'), when there is one.</param>
/// <param name="BaselineAbnormal">True when the baseline was above the ULN, so the baseline-abnormal table graded it; null when that depends on a baseline whose value is missing.</param>
/// <param name="Visit">VISIT.</param>
/// <param name="Date">LBDTC as recorded.</param>
public sealed record LabGrade(string SubjectId, int? Sequence, string TestCode, string? Term, int? Grade, decimal? Value, string? Unit,
    decimal? Low, decimal? High, decimal? Baseline, bool? BaselineAbnormal, string? Visit, string? Date);

/// <summary>The grade distribution of one test.</summary>
/// <param name="TestCode">LBTESTCD.</param>
/// <param name="Terms">The CTCAE terms its results were graded under.</param>
/// <param name="Records">Results of the test.</param>
/// <param name="ByGrade">Results per grade, index 0 to 4.</param>
/// <param name="Unknown">Results whose grade could not be read (a value or limit missing).</param>
/// <param name="BaselineAbnormal">Results graded against an abnormal baseline.</param>
public sealed record TestGrades(string TestCode, IReadOnlyList<string> Terms, int Records, IReadOnlyList<int> ByGrade, int Unknown, int BaselineAbnormal);

/// <summary>Every graded laboratory result of a study and the distribution per test.</summary>
/// <param name="Library">The grading library (its name and version, for example <c>std.ctcae5 5.0.3</c>).</param>
/// <param name="LibraryHash">The rule hash of the grading: the grading rule with the text of every library function and table it reads.</param>
/// <param name="Subjects">Subjects in the study data.</param>
/// <param name="LabRecords">All LB records (graded tests and others).</param>
/// <param name="Grades">Every result of a graded test, in subject and record order.</param>
/// <param name="Tests">The distribution per test, by test code.</param>
/// <param name="Errors">Subjects whose grading failed (a runtime error), with the message; their results are not counted.</param>
public sealed record LabGradingResult(string Library, string LibraryHash, int Subjects, int LabRecords, IReadOnlyList<LabGrade> Grades,
    IReadOnlyList<TestGrades> Tests, IReadOnlyList<string> Errors);
