namespace ProtocolEngine.Checks.Core;

/// <summary>
/// Computes a CORE operation as a column of the frame named by its $id: per group when the operation groups (the
/// group's value joins each record with the same group values), else one value for every row.
/// </summary>
internal static class CoreOperations
{
    public static void Apply(CoreOperation op, CoreFrame frame, CoreStudy study)
    {
        var dataset = frame.Dataset;
        // value_is_reference: the variable holds variable names of the dataset its record relates to (IDVAR of a
        // SUPP--, CO or RELREC record names a variable of RDOMAIN); the value is that dataset's variables.
        if (string.Equals(op.Options.GetValueOrDefault("value_is_reference"), "true", StringComparison.OrdinalIgnoreCase))
        {
            int rdomain = frame.IndexOf("RDOMAIN");
            if (rdomain < 0) throw new CoreMissingVariableException("RDOMAIN is not in the dataset");
            frame.AddColumn(op.Id, r => CoreValues.Text(frame.Get(r, rdomain)) is { } d && study.Find(d.Trim()) is { } related
                ? related.Columns.Select(c => (object?)c).ToList() : new List<object?>());
            return;
        }
        switch (op.Operator)
        {
            case "distinct" or "record_count" or "max_date" or "min_date" or "max" or "min":
                Aggregate(op, frame, study);
                return;
            case "dy":
            {
                int dtc = frame.IndexOf(dataset.Resolve(op.Name ?? "--DTC")), rf = frame.IndexOf("RFSTDTC");
                frame.AddColumn(op.Id, r =>
                {
                    if (!CoreValues.IsCompleteDate(frame.Get(r, dtc)) || !CoreValues.IsCompleteDate(frame.Get(r, rf))) return null;
                    var days = (CoreValues.ToDateTime(frame.Get(r, dtc))!.Value.Date - CoreValues.ToDateTime(frame.Get(r, rf))!.Value.Date).Days;
                    return (double)(days >= 0 ? days + 1 : days);
                });
                return;
            }
            case "variable_count":
            {
                var name = op.Name ?? "";
                double count = study.Datasets.Count(d => d.Has(d.Resolve(name)));
                frame.AddColumn(op.Id, _ => count);
                return;
            }
            case "study_domains":
            {
                var list = study.Datasets.Select(d => (object?)d.Domain).Distinct().ToList();
                frame.AddColumn(op.Id, _ => list);
                return;
            }
            case "dataset_names":
            {
                var list = study.Datasets.Select(d => (object?)d.Name).ToList();
                frame.AddColumn(op.Id, _ => list);
                return;
            }
            case "variable_exists":
            {
                // For a whole-study check (domain presence) the variable may be in any dataset.
                bool has = dataset.Name == "STUDY" ? study.Datasets.Any(d => d.Has(d.Resolve(op.Name ?? ""))) : dataset.Has(dataset.Resolve(op.Name ?? ""));
                frame.AddColumn(op.Id, _ => has);
                return;
            }
            case "extract_metadata":
            {
                object? value = op.Name switch
                {
                    "dataset_name" => dataset.Name,
                    "dataset_label" => dataset.Label,
                    "dataset_domain" => dataset.Domain,
                    _ => throw new CoreNotEvaluableException($"extract_metadata of {op.Name}"),
                };
                frame.AddColumn(op.Id, _ => value);
                return;
            }
            case "split_by":
            {
                int c = Column(frame, dataset.Resolve(op.Name ?? ""));
                var delimiter = op.Options.GetValueOrDefault("delimiter") ?? ";";
                frame.AddColumn(op.Id, r => CoreValues.Text(frame.Get(r, c)) is { } s ? s.Split(delimiter).Select(x => (object?)x.Trim()).ToList() : null);
                return;
            }
            case "domain_is_custom":
            {
                bool custom = !CoreClasses.IsStandard(dataset.Domain);
                frame.AddColumn(op.Id, _ => custom);
                return;
            }
            case "get_model_filtered_variables":
            {
                var key = op.Options.GetValueOrDefault("key_name");
                var value = op.Options.GetValueOrDefault("key_value") ?? "";
                var list = string.Equals(key, "role", StringComparison.OrdinalIgnoreCase) ? CoreModel.VariablesOfRole(value, dataset) : null;
                if (list is null) throw new CoreNotEvaluableException($"get_model_filtered_variables by {key} {value} (the model's variables are not known here)");
                var values = list.Select(v => (object?)v).ToList();
                frame.AddColumn(op.Id, _ => values);
                return;
            }
            case "get_column_order_from_dataset":
            {
                var list = dataset.Columns.Select(c => (object?)c).ToList();
                frame.AddColumn(op.Id, _ => list);
                return;
            }
            default:
                throw new CoreNotEvaluableException($"operation {op.Operator}");
        }
    }

    private static void Aggregate(CoreOperation op, CoreFrame frame, CoreStudy study)
    {
        var source = op.Domain is { } d ? study.Find(d) ?? throw new CoreMissingVariableException($"the study has no {d} dataset") : frame.Dataset;
        var sourceFrame = source == frame.Dataset ? frame : CoreFrame.OfRecords(source);
        int value = op.Name is { } name ? Column(sourceFrame, source.Resolve(name)) : -1;
        if (op.Name is null && op.Operator != "record_count") throw new CoreNotEvaluableException($"{op.Operator} without a variable");
        var filters = op.Filter.Select(kv => (Column: Column(sourceFrame, source.Resolve(kv.Key)), kv.Value)).ToList();
        var groupSource = op.Group.Select(g => Column(sourceFrame, source.Resolve(g))).ToList();
        var groupTarget = op.Group.Select(g => frame.IndexOf(frame.Dataset.Resolve(g)) is var i and >= 0 ? i : frame.IndexOf(source.Resolve(g))).ToList();
        // A per-group value joins the checked records by the group's variables: a dataset without them (TV has no
        // USUBJID) cannot take it.
        if (groupTarget.Any(i => i < 0))
            throw new CoreMissingVariableException($"{string.Join(", ", op.Group.Where((g, i) => groupTarget[i] < 0))} is not in the dataset");

        var groups = new Dictionary<string, List<object?>>(StringComparer.Ordinal);
        for (int r = 0; r < sourceFrame.Rows.Count; r++)
        {
            if (filters.Any(f => !string.Equals(CoreValues.Text(sourceFrame.Get(r, f.Column)), f.Value, StringComparison.Ordinal))) continue;
            var key = Key(groupSource.Select(c => sourceFrame.Get(r, c)));
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(sourceFrame.Get(r, value));
        }
        object? Reduce(List<object?>? values)
        {
            values ??= [];
            switch (op.Operator)
            {
                case "distinct": return values.Where(v => !CoreValues.IsEmpty(v)).Distinct().ToList();
                case "record_count": return (double)values.Count;
                case "max_date" or "min_date":
                {
                    var dated = values.Select(v => (v, t: CoreValues.ToDateTime(v))).Where(x => x.t is not null).ToList();
                    if (dated.Count == 0) return null;
                    return op.Operator == "max_date" ? dated.MaxBy(x => x.t)!.v : dated.MinBy(x => x.t)!.v;
                }
                default:
                {
                    var numbers = values.Select(v => CoreValues.TryNumber(v, out var x) ? (double?)x : null).OfType<double>().ToList();
                    return numbers.Count == 0 ? null : op.Operator == "max" ? numbers.Max() : numbers.Min();
                }
            }
        }
        if (op.Group.Count == 0)
        {
            var all = Reduce(groups.GetValueOrDefault(Key([])));
            frame.AddColumn(op.Id, _ => all);
        }
        else
        {
            var reduced = groups.ToDictionary(kv => kv.Key, kv => Reduce(kv.Value), StringComparer.Ordinal);
            var none = Reduce(null);
            frame.AddColumn(op.Id, r => reduced.TryGetValue(Key(groupTarget.Select(c => frame.Get(r, c))), out var v) ? v : none);
        }
    }

    private static string Key(IEnumerable<object?> values) => string.Join("\u001f", values.Select(v => CoreValues.Text(v) ?? "\u0000"));

    // A variable the dataset lacks reads as missing, as in the check.
    private static int Column(CoreFrame frame, string name) => frame.IndexOf(name);
}
