using ProtocolEngine.Language.DataModel;

namespace ProtocolEngine.Data.Define;

/// <summary>Maps define.xml data types and classes onto the data model.</summary>
internal static class DefineTypes
{
    public static bool IsNumeric(string dataType) => dataType.ToLowerInvariant() is "integer" or "float" or "double" or "decimal";

    public static VariableType ToVariableType(string dataType, string name) => dataType.ToLowerInvariant() switch
    {
        "integer" => VariableType.Integer,
        "float" or "double" or "decimal" => VariableType.Num,
        "date" or "datetime" or "time" or "partialdate" or "partialtime" or "partialdatetime" or "incompletedatetime"
            or "intervaldatetime" => VariableType.DateTime,
        "durationdatetime" => VariableType.Duration,
        // Define 1.0 often types --DTC variables as text; they still hold ISO 8601 dates.
        _ when name.EndsWith("DTC", StringComparison.Ordinal) => VariableType.DateTime,
        _ when name.EndsWith("DUR", StringComparison.Ordinal) => VariableType.Duration,
        _ => VariableType.Char,
    };

    public static DomainClass ToDomainClass(string? cls) => cls?.Trim().ToUpperInvariant() switch
    {
        "SPECIAL PURPOSE" or "SPECIAL-PURPOSE" or "SPECIAL PURPOSE DOMAINS" => DomainClass.SpecialPurpose,
        "INTERVENTIONS" => DomainClass.Interventions,
        "EVENTS" => DomainClass.Events,
        "TRIAL DESIGN" => DomainClass.TrialDesign,
        "RELATIONSHIP" => DomainClass.Relationship,
        "SUBJECT LEVEL ANALYSIS DATASET" => DomainClass.SpecialPurpose,
        // Findings, Findings About, ADaM analysis datasets and anything unknown are record-per-observation data.
        _ => DomainClass.Findings,
    };
}
