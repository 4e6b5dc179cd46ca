using ProtocolEngine.Language.DataModel;

namespace ProtocolEngine.Data.Define;

/// <summary>
/// What a study's define.xml (1.0 or 2.x) says about its datasets: variables, types, lengths and code lists.
/// <see cref="ToDomainSchemas"/> turns it into schemas that refine the SDTM model for binding.
/// </summary>
/// <param name="Source">The file it was read from.</param>
/// <param name="StudyName">The study name from GlobalVariables, when present.</param>
/// <param name="DefineVersion">The define.xml version (def:DefineVersion or the def namespace), when known.</param>
/// <param name="Datasets">The datasets (ItemGroupDefs) in document order.</param>
/// <param name="CodeLists">The code lists, by OID.</param>
public sealed record DefineDocument(string Source, string? StudyName, string? DefineVersion,
    IReadOnlyList<DefineDataset> Datasets, IReadOnlyDictionary<string, DefineCodeList> CodeLists)
{
    /// <summary>A dataset by name (case-insensitive), or null.</summary>
    public DefineDataset? FindDataset(string name) =>
        Datasets.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The datasets as data-model schemas, for <see cref="SdtmModel.Refine"/>.</summary>
    public IReadOnlyList<DomainSchema> ToDomainSchemas() => [.. Datasets.Select(d => d.ToDomainSchema(CodeLists))];
}

/// <summary>One dataset (ItemGroupDef) of a define.xml.</summary>
/// <param name="Name">The dataset name, upper case (DM, SUPPAE, ADSL, ...).</param>
/// <param name="Label">The dataset label.</param>
/// <param name="Class">The observation class as written (for example "Events" or "TRIAL DESIGN").</param>
/// <param name="Structure">The structure sentence, for example "One record per subject".</param>
/// <param name="Variables">The variables in define order.</param>
public sealed record DefineDataset(string Name, string? Label, string? Class, string? Structure, IReadOnlyList<DefineVariable> Variables)
{
    /// <summary>A variable by name (case-insensitive), or null.</summary>
    public DefineVariable? FindVariable(string name) =>
        Variables.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The dataset as a data-model schema.</summary>
    public DomainSchema ToDomainSchema(IReadOnlyDictionary<string, DefineCodeList>? codeLists = null)
    {
        var domainClass = DefineTypes.ToDomainClass(Class);
        var structure = string.Equals(Structure?.Trim(), "One record per subject", StringComparison.OrdinalIgnoreCase)
            ? DomainStructure.OnePerSubject
            : Variables.Any(v => v.Name == "USUBJID") ? DomainStructure.ManyPerSubject : DomainStructure.StudyLevel;
        var variables = Variables.Select(v => new VariableSchema(v.Name, v.Label ?? "", v.Type,
            v.Mandatory ? VariableCore.Required : VariableCore.Permissible,
            v.CodeListOid is { } oid && codeLists is not null && codeLists.TryGetValue(oid, out var cl) ? cl.Name : v.CodeListOid,
            v.Length)).ToList();
        return new DomainSchema(Name, Label ?? Name, domainClass, structure, variables);
    }
}

/// <summary>One variable (ItemRef + ItemDef) of a define.xml dataset.</summary>
/// <param name="Name">The variable name.</param>
/// <param name="Label">The label (def:Label or Description).</param>
/// <param name="DataType">The define data type as written: text, integer, float, date, datetime, partialDate, durationDatetime, ...</param>
/// <param name="Length">The maximum length, when given.</param>
/// <param name="SignificantDigits">The number of decimal digits for float values, when given.</param>
/// <param name="Mandatory">True when the ItemRef says Mandatory="Yes".</param>
/// <param name="CodeListOid">The OID of its code list, when controlled.</param>
public sealed record DefineVariable(string Name, string? Label, string DataType, int? Length, int? SignificantDigits, bool Mandatory, string? CodeListOid)
{
    /// <summary>How the variable binds, from its define data type (a text --DTC variable still binds as DateTime).</summary>
    public VariableType Type => DefineTypes.ToVariableType(DataType, Name);

    /// <summary>True when the variable holds numbers (integer, float, double, decimal).</summary>
    public bool IsNumeric => DefineTypes.IsNumeric(DataType);

    /// <summary>Where its values come from (CRF, Derived, Assigned, Protocol, eDT, Predecessor), as define.xml says; null when it says nothing.</summary>
    public string? Origin { get; init; }
}

/// <summary>A code list of a define.xml.</summary>
/// <param name="Oid">The OID.</param>
/// <param name="Name">The name.</param>
/// <param name="DataType">The data type of its coded values.</param>
/// <param name="Items">The coded values and their decodes (empty for an external dictionary such as MedDRA).</param>
/// <param name="ExternalDictionary">The external dictionary (MedDRA, WHODRUG, ISO 3166 ...) when the list refers to one.</param>
public sealed record DefineCodeList(string Oid, string Name, string DataType, IReadOnlyList<DefineCodeListItem> Items, string? ExternalDictionary)
{
    /// <summary>The NCI code of the CDISC code list it is drawn from (its nci:ExtCodeID alias, C66731 for SEX), when given.</summary>
    public string? NciCode { get; init; }
}

/// <summary>One coded value of a code list.</summary>
/// <param name="CodedValue">The value as stored in the data.</param>
/// <param name="Decode">Its decode, when the list has decodes.</param>
public sealed record DefineCodeListItem(string CodedValue, string? Decode);
