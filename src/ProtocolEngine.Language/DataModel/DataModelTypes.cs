namespace ProtocolEngine.Language.DataModel;

/// <summary>How a variable's values are typed for binding.</summary>
public enum VariableType
{
    /// <summary>Character data: binds as String.</summary>
    Char,
    /// <summary>Numeric data: binds as Decimal.</summary>
    Num,
    /// <summary>Numeric data that only holds whole numbers (--SEQ, --DY): binds as Integer.</summary>
    Integer,
    /// <summary>An ISO 8601 date or date-time held as text (--DTC, RFSTDTC): binds as DateTime with precision.</summary>
    DateTime,
    /// <summary>An ISO 8601 duration held as text (--DUR, --EVLINT): binds as String.</summary>
    Duration,
}

/// <summary>Whether SDTMIG requires a variable (Req), expects it (Exp) or permits it (Perm).</summary>
public enum VariableCore
{
    /// <summary>Required: must be present and never null.</summary>
    Required,
    /// <summary>Expected: must be present, may be null.</summary>
    Expected,
    /// <summary>Permissible.</summary>
    Permissible,
}

/// <summary>The observation class of a domain (SDTM v2.0 section 2).</summary>
public enum DomainClass
{
    /// <summary>DM, CO, SE, SV.</summary>
    SpecialPurpose,
    /// <summary>CM, EX, EC, PR, ...</summary>
    Interventions,
    /// <summary>AE, MH, DS, CE, ...</summary>
    Events,
    /// <summary>LB, VS, EG, QS, IE, ...</summary>
    Findings,
    /// <summary>TA, TE, TV, TI, TS: one set of records for the whole trial.</summary>
    TrialDesign,
    /// <summary>SUPPQUAL, RELREC.</summary>
    Relationship,
}

/// <summary>How many records a subject has in a domain, which decides what a bare domain name means in a rule.</summary>
public enum DomainStructure
{
    /// <summary>One record per subject (DM): <c>DM</c> is the subject's record and <c>DM.AGE</c> its age.</summary>
    OnePerSubject,
    /// <summary>Any number per subject: <c>LB</c> is the list of the subject's records.</summary>
    ManyPerSubject,
    /// <summary>Trial-level records with no subject (TS, TI): <c>TI</c> is the list of all records.</summary>
    StudyLevel,
}

/// <summary>One variable of a domain.</summary>
/// <param name="Name">The variable name, for example LBSTRESN.</param>
/// <param name="Label">The SDTMIG label, for example "Numeric Result/Finding in Standard Units".</param>
/// <param name="Type">How its values bind.</param>
/// <param name="Core">Req, Exp or Perm.</param>
/// <param name="CodeList">The CDISC controlled terminology code list name, when controlled (for example "NY").</param>
/// <param name="Length">The maximum length when known (from define.xml).</param>
public sealed record VariableSchema(string Name, string Label, VariableType Type, VariableCore Core, string? CodeList = null, int? Length = null);

/// <summary>One domain (dataset) of a data model.</summary>
/// <param name="Name">The domain code, for example LB.</param>
/// <param name="Label">The domain label, for example "Laboratory Test Results".</param>
/// <param name="Class">The observation class.</param>
/// <param name="Structure">Records per subject.</param>
/// <param name="Variables">The variables in SDTMIG order.</param>
public sealed record DomainSchema(string Name, string Label, DomainClass Class, DomainStructure Structure, IReadOnlyList<VariableSchema> Variables)
{
    // A `with` copy clones this cache too, so it remembers which variable list it was built from.
    private (IReadOnlyList<VariableSchema> Source, Dictionary<string, VariableSchema> Index)? _byName;

    /// <summary>A variable by name (case-sensitive, as SDTM names are upper case), or null.</summary>
    public VariableSchema? FindVariable(string name)
    {
        if (_byName is not { } cache || !ReferenceEquals(cache.Source, Variables))
        {
            cache = (Variables, Variables.GroupBy(v => v.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));
            _byName = cache;
        }
        return cache.Index.TryGetValue(name, out var v) ? v : null;
    }
}

/// <summary>A data model that rules are typed against: the domains and variables a protocol may name.</summary>
public interface IDataModel
{
    /// <summary>The model name, for example "SDTM".</summary>
    string Name { get; }

    /// <summary>The model version, for example "3.4".</summary>
    string Version { get; }

    /// <summary>Every domain of the model.</summary>
    IReadOnlyList<DomainSchema> Domains { get; }

    /// <summary>A domain by name, or null.</summary>
    DomainSchema? FindDomain(string name);
}
