using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Runtime.Tests.Evaluation;

/// <summary>Builds small in-memory studies for tests: each table from rows of variable values (string, number or null).</summary>
public sealed class TestStudy
{
    private readonly StudyDataBuilder _builder = new() { Source = "test" };

    /// <summary>Number columns built as loaders build them (<see cref="NumberColumnBuilder"/>: dictionary-coded when few values repeat), not as plain arrays.</summary>
    public bool CodedNumbers { get; init; }

    public TestStudy Table(string name, params Dictionary<string, object?>[] rows)
    {
        var variables = rows.SelectMany(r => r.Keys).Distinct().ToList();
        var columns = new List<Column>();
        foreach (var variable in variables)
        {
            var values = rows.Select(r => r.TryGetValue(variable, out var v) ? v : null).ToList();
            if (values.Any(v => v is double or int or decimal))
            {
                var numbers = values.Select(v => v is null ? double.NaN : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                if (CodedNumbers)
                {
                    var builder = new NumberColumnBuilder();
                    foreach (var n in numbers)
                        if (double.IsNaN(n)) builder.AddMissing();
                        else builder.Add(n);
                    columns.Add(builder.Build(variable));
                }
                else columns.Add(new NumberColumn(variable, (string?)null, numbers));
            }
            else
            {
                var dictionary = values.OfType<string>().Distinct().ToArray();
                var codes = values.Select(v => v is string s ? Array.IndexOf(dictionary, s) : -1).ToArray();
                columns.Add(new TextColumn(variable, null, codes, dictionary, isDateTime: variable.EndsWith("DTC", StringComparison.Ordinal)));
            }
        }
        _builder.Add(new DomainTable(name, null, columns, null));
        return this;
    }

    public StudyData Build() => _builder.Build();

    public static Dictionary<string, object?> Row(params (string Variable, object? Value)[] values) => values.ToDictionary(v => v.Variable, v => v.Value);
}
