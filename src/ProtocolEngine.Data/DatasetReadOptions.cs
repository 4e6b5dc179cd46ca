using ProtocolEngine.Data.Define;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data;

/// <summary>How readers type what a file does not type itself (CSV values, --DTC text) and share strings.</summary>
public sealed class DatasetReadOptions
{
    /// <summary>The data model that types variables (SDTMIG 3.4 by default; a define.xml-refined model for a study).</summary>
    public IDataModel Model { get; init; } = SdtmModel.Sdtmig34;

    /// <summary>
    /// The study's define.xml, when there is one: its types win over the model's for the variables it
    /// describes, so a CSV column is read the way the study typed it.
    /// </summary>
    public DefineDocument? Define { get; init; }

    /// <summary>A pool shared by every column read, so repeated identifiers are held once.</summary>
    public StringPool? Pool { get; init; }

    /// <summary>
    /// The encoding the user declared for the files (CSV, Dataset-JSON and NDJSON text, XPT character values), or
    /// null for UTF-8. Either way a byte the encoding does not define, or a control character, is an error.
    /// </summary>
    public System.Text.Encoding? Encoding { get; init; }

    /// <summary>Default options.</summary>
    public static DatasetReadOptions Default { get; } = new();

    /// <summary>The model's schema for a variable of a dataset (a split dataset such as QSPH falls back to its two-letter domain).</summary>
    public VariableSchema? FindVariable(string dataset, string variable)
    {
        var domain = Model.FindDomain(dataset);
        if (domain?.FindVariable(variable) is { } v) return v;
        if (dataset.Length > 2 && Model.FindDomain(dataset[..2]) is { } parent) return parent.FindVariable(variable);
        return null;
    }

    /// <summary>How a variable is typed: by define.xml when it describes it, else by the model, else null.</summary>
    public VariableType? TypeOf(string dataset, string variable)
    {
        if (Define?.FindDataset(dataset)?.FindVariable(variable) is { } d) return d.Type;
        return FindVariable(dataset, variable)?.Type;
    }

    /// <summary>True when a character variable holds ISO 8601 dates: define.xml or the model says DateTime, or (unknown variables) its name ends in DTC.</summary>
    public bool IsDateTimeVariable(string dataset, string variable) =>
        TypeOf(dataset, variable) is { } t ? t == VariableType.DateTime : variable.EndsWith("DTC", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a variable holds numbers (define.xml or the model says Num or Integer).</summary>
    public bool IsNumericVariable(string dataset, string variable) => TypeOf(dataset, variable) is VariableType.Num or VariableType.Integer;
}
