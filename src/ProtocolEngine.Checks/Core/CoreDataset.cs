namespace ProtocolEngine.Checks.Core;

/// <summary>
/// A dataset as a CORE rule reads it: every value as the text in the file (an empty field is missing; an unquoted
/// NA stays the text NA), rows in file order so that record N is the N-th data row, and what the study's
/// metadata (define.xml or _variables.csv) says about its variables. Nothing is refused for a malformed value:
/// a rule decides what a value means.
/// </summary>
/// <param name="Name">The dataset name (AE, SUPPAE, QSPH), upper case.</param>
/// <param name="Domain">The domain: the DOMAIN variable's value when present, else the name (RDOMAIN does not count).</param>
/// <param name="Label">The dataset label, when known.</param>
/// <param name="Columns">The variable names in file order.</param>
/// <param name="Rows">The rows; a value is null when missing.</param>
/// <param name="Variables">Metadata of the variables, in metadata order (may name variables the file lacks).</param>
public sealed record CoreDataset(string Name, string Domain, string? Label, IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows,
    IReadOnlyList<CoreVariable> Variables)
{
    private readonly Dictionary<string, int> _index = Columns.Select((c, i) => (c, i)).GroupBy(x => x.c, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First().i, StringComparer.OrdinalIgnoreCase);

    /// <summary>The column index of a variable, or -1.</summary>
    public int IndexOf(string variable) => _index.GetValueOrDefault(variable, -1);

    /// <summary>True when the dataset has the variable.</summary>
    public bool Has(string variable) => _index.ContainsKey(variable);

    /// <summary>The two-letter prefix of the dataset's variables (AE for AE, QS for QSPH, AE for SUPPAE's parent), or null.</summary>
    public string? Prefix => CoreClasses.PrefixOf(Name, Domain);

    /// <summary>A variable name as this dataset has it: <c>--TESTCD</c> in LB is LBTESTCD.</summary>
    public string Resolve(string variable) =>
        variable.StartsWith("--", StringComparison.Ordinal) && Prefix is { } p ? p + variable[2..] : variable;
}

/// <summary>What the study's metadata says about one variable.</summary>
/// <param name="Name">The variable name.</param>
/// <param name="Label">Its label.</param>
/// <param name="Type">Char or Num (or the define data type).</param>
/// <param name="Length">Its declared length.</param>
public sealed record CoreVariable(string Name, string? Label, string? Type, int? Length);
