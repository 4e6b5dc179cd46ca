using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Evaluation;

/// <summary>
/// A list that knows whether it may be missing elements for want of data: a subject's records of a domain the
/// subject has none in (or the study lacks), or a query whose filter was null for some record. Under
/// <see cref="EvaluationContext.MissingDataIsUnknown"/>, exists and Count over such a list are null rather than
/// false and a count: absence of records is not evidence of absence.
/// </summary>
internal interface IUncertainList
{
    /// <summary>True when elements may be missing for want of data.</summary>
    bool Uncertain { get; }
}

/// <summary>The elements a query collected, and whether any record was dropped for want of data (its filter was null) or a source had no records.</summary>
internal sealed class QueryResultList : List<object?>, IUncertainList
{
    /// <inheritdoc />
    public bool Uncertain { get; set; }
}

/// <summary>A list of a subject's records that are consecutive rows of one table (lets queries test columns before making records).</summary>
internal interface IRecordRange
{
    /// <summary>The table the records are rows of.</summary>
    DomainTable Table { get; }

    /// <summary>The row of the first record.</summary>
    int Start { get; }
}
