using System.Globalization;
using ProtocolEngine.Data.Define;

namespace ProtocolEngine.Checks.Core;

/// <summary>A finding of the define.xml conformance: which check, where (dataset, record as in the file, variable), the value and why.</summary>
/// <param name="Check">The check (see <see cref="DefineConformance"/>).</param>
/// <param name="Dataset">The dataset.</param>
/// <param name="Record">The record (1-based, as in the file), or null for a dataset or variable finding.</param>
/// <param name="Variable">The variable, or null for a dataset finding.</param>
/// <param name="Value">The value read, when the finding is about one.</param>
/// <param name="Message">What is wrong, in words.</param>
public sealed record DefineFinding(string Check, string Dataset, int? Record, string? Variable, string? Value, string Message);

/// <summary>
/// Compares a study's data with its define.xml, the kind of findings Pinnacle 21 reports in its SD0054-SD0061 and
/// SD1063 family: datasets and variables described but absent and the reverse, values against the declared type
/// and length, values against the define.xml code lists, variables without an origin, and (given a CDISC CT
/// package) values against the CDISC code list a define.xml code list is drawn from.
/// </summary>
public static class DefineConformance
{
    /// <summary>The checks, by the name a finding carries.</summary>
    public static IReadOnlyDictionary<string, string> Checks { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["define-dataset-missing"] = "a dataset define.xml describes is not in the study's folder",
        ["dataset-not-in-define"] = "a dataset of the study that define.xml does not describe",
        ["define-variable-missing"] = "a variable define.xml describes is not in the dataset",
        ["variable-not-in-define"] = "a variable of the dataset that define.xml does not describe",
        ["type"] = "a value that is not of the variable's define.xml data type (integer, float, date)",
        ["length"] = "a text value longer than the variable's define.xml length",
        ["codelist"] = "a value that is not a coded value of the variable's define.xml code list",
        ["origin"] = "a variable whose define.xml entry gives no origin",
        ["terminology"] = "a value that is not a term of the non-extensible CDISC code list the define.xml code list is drawn from",
    };

    /// <summary>Checks the study against its define.xml (and the CT package, when given).</summary>
    public static IReadOnlyList<DefineFinding> Check(DefineDocument define, CoreStudy study, CdiscTerminology? terminology = null)
    {
        var findings = new List<DefineFinding>();
        foreach (var described in define.Datasets)
            if (study.Datasets.All(d => !string.Equals(d.Name, described.Name, StringComparison.OrdinalIgnoreCase)))
                findings.Add(new("define-dataset-missing", described.Name, null, null, null, $"define.xml describes dataset {described.Name}, which is not in the study's folder"));
        foreach (var dataset in study.Datasets)
        {
            var described = define.FindDataset(dataset.Name);
            if (described is null)
            {
                findings.Add(new("dataset-not-in-define", dataset.Name, null, null, null, $"dataset {dataset.Name} is not described in define.xml"));
                continue;
            }
            foreach (var v in described.Variables.Where(v => !dataset.Has(v.Name)))
                findings.Add(new("define-variable-missing", dataset.Name, null, v.Name, null, $"define.xml describes {dataset.Name}.{v.Name}, which is not in the dataset"));
            foreach (var column in dataset.Columns.Where(c => described.FindVariable(c) is null))
                findings.Add(new("variable-not-in-define", dataset.Name, null, column, null, $"{dataset.Name}.{column} is not described in define.xml"));
            foreach (var v in described.Variables.Where(v => dataset.Has(v.Name)))
            {
                if (string.IsNullOrWhiteSpace(v.Origin))
                    findings.Add(new("origin", dataset.Name, null, v.Name, null, $"define.xml gives no origin for {dataset.Name}.{v.Name}"));
                CheckValues(dataset, v, define, terminology, findings);
            }
        }
        return findings;
    }

    private static void CheckValues(CoreDataset dataset, DefineVariable v, DefineDocument define, CdiscTerminology? terminology, List<DefineFinding> findings)
    {
        int at = dataset.IndexOf(v.Name);
        var codeList = v.CodeListOid is { } oid ? define.CodeLists.GetValueOrDefault(oid) : null;
        var coded = codeList is { ExternalDictionary: null, Items.Count: > 0 } ? codeList.Items.Select(i => i.CodedValue).ToHashSet(StringComparer.Ordinal) : null;
        var cdisc = codeList is null ? null : terminology?.Find(codeList.NciCode) ?? terminology?.Find(codeList.Name);
        if (cdisc is { Extensible: true }) cdisc = null;
        var type = v.DataType.ToLowerInvariant();
        for (int r = 0; r < dataset.Rows.Count; r++)
        {
            if (dataset.Rows[r][at] is not { } value) continue;
            void Add(string check, string message) => findings.Add(new(check, dataset.Name, r + 1, v.Name, value, message));
            if (type is "integer" && !long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                && !(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var whole) && whole == Math.Floor(whole)))
                Add("type", $"{v.Name} '{value}' is not an integer, as define.xml declares it");
            else if (type is "float" or "double" or "decimal" && !CoreValues.TryNumber(value, out _))
                Add("type", $"{v.Name} '{value}' is not a number, as define.xml declares it ({v.DataType})");
            else if (type is "date" or "datetime" or "partialdate" or "partialdatetime" && !CoreValues.ParseIso(value).Valid)
                Add("type", $"{v.Name} '{value}' is not an ISO 8601 {v.DataType}, as define.xml declares it");
            if (type is "text" && v.Length is int length && value.Length > length)
                Add("length", $"{v.Name} '{value}' is {value.Length} characters, longer than the {length} define.xml declares");
            if (coded is not null && !coded.Contains(value))
                Add("codelist", $"{v.Name} '{value}' is not in define.xml code list {codeList!.Name}");
            if (cdisc is not null && !cdisc.Terms.Contains(value))
                Add("terminology", $"{v.Name} '{value}' is not a term of CDISC code list {cdisc.SubmissionValue} ({cdisc.Code}, not extensible)");
        }
    }
}
