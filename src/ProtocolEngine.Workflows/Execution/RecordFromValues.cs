using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Workflows.Execution;

/// <summary>
/// The record an event carried, as a one-row dataset typed by the data model (the runtime's <see cref="TableBuilder"/>,
/// as simulations build theirs): when a system reports a record (an adverse event posted to the server) that is not in
/// the loaded study data yet, the rules read the values the event gave, and the rest of the subject's data as loaded.
/// </summary>
internal static class RecordFromValues
{
    /// <summary>The record, or null when the values name no variable of the domain.</summary>
    public static DomainRecord? Build(string domain, string subjectId, string recordId, IReadOnlyDictionary<string, string> values, IDataModel? model)
    {
        model ??= SdtmModel.Sdtmig34;
        var schema = model.FindDomain(domain);
        // Only the record's variables: instance values such as awarenessAt or region are not data.
        var variables = values.Keys.Where(k => IsVariable(k, domain, schema)).Order(StringComparer.Ordinal).ToList();
        if (variables.Count == 0) return null;
        var sequence = domain + "SEQ";
        string[] columns = ["USUBJID", "DOMAIN", .. variables.Where(v => v is not ("USUBJID" or "DOMAIN")), .. variables.Contains(sequence) ? Array.Empty<string>() : [sequence]];
        var table = new TableBuilder(domain, model, null, columns);
        table.Set("USUBJID", subjectId);
        table.Set("DOMAIN", domain);
        foreach (var v in variables.Where(v => v is not ("USUBJID" or "DOMAIN"))) table.Set(v, values[v]);
        if (!variables.Contains(sequence)) table.Set(sequence, recordId);
        table.EndRow();
        return table.Build(schema?.Label).Record(0);
    }

    // A value belongs to the record when the model knows it as a variable of the domain, or (for a domain the model does
    // not know) when it is written like one: upper case, prefixed with the domain.
    private static bool IsVariable(string name, string domain, DomainSchema? schema) =>
        schema is not null ? schema.FindVariable(name) is not null
            : name.Length > domain.Length && name.StartsWith(domain, StringComparison.Ordinal) && name.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));
}
