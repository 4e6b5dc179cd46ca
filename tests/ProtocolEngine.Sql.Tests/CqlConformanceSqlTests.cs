using System.Data.Common;
using System.Xml.Linq;
using DuckDB.NET.Data;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Lowering;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Types;
using ProtocolEngine.Runtime.Evaluation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Sql.Lowering;
using ProtocolEngine.Sql.Tests.Support;
using Xunit.Abstractions;

namespace ProtocolEngine.Sql.Tests;

/// <summary>
/// The HL7 CQL conformance tests (../shared/conformance/cql) whose expressions the SQL lowering can lower, run as SQL in
/// DuckDB and PostgreSQL and compared with the expected output (evaluated as the native runner evaluates it). A test the
/// lowering refuses is not run (its reason is counted); a lowered test whose answer differs, or that the database rejects,
/// fails the run unless it is one of the database errors listed here with why. The counts are pinned, so a lowering that
/// starts refusing a construct or answering differently fails here (docs/conformance.md reports them).
/// </summary>
public sealed class CqlConformanceSqlTests(ITestOutputHelper output)
{
    private static readonly XNamespace Ns = "http://hl7.org/fhirpath/tests";

    /// <summary>A test as the suite states it.</summary>
    internal sealed record SuiteTest(string File, string Group, string Name, string Expression, bool ExpectError, string? Output);

    /// <summary>What one dialect made of the suite.</summary>
    internal sealed record Tally(int Tests, int Lowered, int Passed, IReadOnlyList<string> Failures, IReadOnlyDictionary<string, int> NotLowered);

    [Theory]
    [InlineData(SqlDialect.DuckDb, 122, 122)]
    [InlineData(SqlDialect.Postgres, 122, 122)]
    public void The_lowerable_conformance_tests_pass_in_the_database(SqlDialect dialect, int lowered, int passed)
    {
        using var connection = Open(dialect);
        var tally = Run(dialect, connection);
        output.WriteLine($"{dialect}: {tally.Tests} tests, {tally.Lowered} lowered, {tally.Passed} passed, {tally.Failures.Count} failed");
        foreach (var (reason, count) in tally.NotLowered.OrderByDescending(p => p.Value)) output.WriteLine($"  not lowered {count,4}: {reason}");
        foreach (var f in tally.Failures) output.WriteLine("  FAILED " + f);
        Assert.Equal(1293, tally.Tests);
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} lowered tests failed in {dialect}:\n{string.Join("\n", tally.Failures)}");
        Assert.Equal(lowered, tally.Lowered);
        Assert.Equal(passed, tally.Passed);
    }

    private static DbConnection Open(SqlDialect dialect)
    {
        if (dialect == SqlDialect.Postgres) return PostgresStudies.Open();
        var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        return duck;
    }

    internal static IEnumerable<SuiteTest> Suite()
    {
        var folder = Path.Combine(Studies.Root, "..", "shared", "conformance", "cql");
        foreach (var file in Directory.EnumerateFiles(folder, "*.xml").Order(StringComparer.Ordinal))
        {
            var root = XDocument.Load(file).Root;
            if (root is null || root.Name != Ns + "tests") continue;
            foreach (var group in root.Elements(Ns + "group"))
                foreach (var test in group.Elements(Ns + "test"))
                {
                    var expression = test.Element(Ns + "expression");
                    var invalid = (string?)expression?.Attribute("invalid");
                    yield return new SuiteTest(Path.GetFileName(file), (string?)group.Attribute("name") ?? "", (string?)test.Attribute("name") ?? "",
                        expression?.Value.Trim() ?? "", invalid is "true" or "syntax" or "semantic", test.Element(Ns + "output")?.Value.Trim());
                }
        }
    }

    internal static Tally Run(SqlDialect dialect, DbConnection connection)
    {
        int tests = 0, lowered = 0, passed = 0;
        var failures = new List<string>();
        var notLowered = new Dictionary<string, int>(StringComparer.Ordinal);
        void Skip(string reason) => notLowered[reason] = notLowered.GetValueOrDefault(reason) + 1;
        foreach (var test in Suite())
        {
            tests++;
            var compiled = ProtocolCompiler.CompileExpression(new SourceText(test.Expression, test.Name));
            if (compiled.HasErrors)
            {
                Skip("does not compile (an invalid expression, or a construct the compiler refuses)");
                continue;
            }
            var lowering = new SqlLowering(new SqlSyntax(dialect, null), SqlCatalog.Of([]));
            ScalarSym scalar;
            try
            {
                scalar = lowering.LowerScalar(compiled.Bound);
            }
            catch (NotLowerable ex)
            {
                Skip(Group(ex.Reason));
                continue;
            }
            if (scalar.Kind == ValueKind.Date)
            {
                Skip("a date (only sorted and tested for null in SQL)");
                continue;
            }
            lowered++;
            string label = $"{test.File} {test.Group}/{test.Name}: {test.Expression.ReplaceLineEndings(" ")}";
            object? actual;
            try
            {
                using var command = connection.CreateCommand();
                // A number comes back as text, read as the engine reads a Decimal literal: PostgreSQL's numeric holds CQL's full
                // 28.8 digits, more than System.Decimal's 28-29 significant digits (Decimal10Pow28ToZeroOneStepDecimalMaxValue).
                command.CommandText = scalar.Kind == ValueKind.Num ? $"SELECT CAST({scalar.Text} AS TEXT) AS v" : $"SELECT {scalar.Text} AS v";
                actual = Read(command.ExecuteScalar(), scalar.Kind, compiled.Bound.Type);
            }
            catch (Exception ex) when (ex is DbException or OverflowException or InvalidCastException or InvalidDataException)
            {
                if (test.ExpectError) passed++;
                else failures.Add($"{label}: {(ex is DbException ? "the database failed" : "the value cannot be read")}: {ex.Message.ReplaceLineEndings(" ")} (expected {test.Output})");
                continue;
            }
            if (test.ExpectError)
            {
                failures.Add($"{label}: {Format(actual)} where the suite expects an error");
                continue;
            }
            var (expected, error) = Evaluate(test.Output ?? "null", test.Name);
            if (error is not null)
            {
                failures.Add($"{label}: cannot read the expected output {test.Output}: {error}");
                continue;
            }
            if (Same(actual, expected)) passed++;
            else failures.Add($"{label}: {dialect} {Format(actual)}, expected {test.Output}");
        }
        return new Tally(tests, lowered, passed, failures, notLowered);
    }

    /// <summary>The lowering's reason without the names and types of one test, so that reasons group.</summary>
    private static string Group(string reason)
    {
        int paren = reason.IndexOf(" (", StringComparison.Ordinal);
        return paren > 0 && !reason.StartsWith("membership", StringComparison.Ordinal) && !reason.StartsWith("Integer", StringComparison.Ordinal) ? reason[..paren] : reason;
    }

    /// <summary>A database value as the engine's value of the expression's type (Booleans 0/1/2 to false/null/true).</summary>
    private static object? Read(object? value, ValueKind kind, ProtocolType type)
    {
        if (value is null or DBNull) return null;
        return kind switch
        {
            ValueKind.Bool => System.Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) switch
            {
                0 => false,
                2 => true,
                1 => null,
                var other => throw new InvalidDataException($"A Boolean came back as {other}."),
            },
            ValueKind.Int when type == ProtocolType.Long => System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
            ValueKind.Int => System.Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture),
            ValueKind.Num => decimal.Parse((string)value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture),
            _ => System.Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static (object? Value, string? Error) Evaluate(string text, string name)
    {
        var compiled = ProtocolCompiler.CompileExpression(new SourceText(text, name));
        if (compiled.HasErrors) return (null, string.Join("; ", compiled.Diagnostics.Where(d => d.IsError).Select(d => d.Message)));
        var (protocol, run) = ExecutableProtocol.ForExpression(compiled);
        var ctx = protocol.CreateContext(null, CqlDateTime.FromDateTime(DateTime.UtcNow, DateTimePrecision.Millisecond, 0));
        var result = RuleRunner.Run(ctx, run, name, new TextSpan(0, text.Length), compiled.Source);
        return result.Succeeded ? (result.Value, null) : (null, result.Error!.Message);
    }

    /// <summary>The same CQL type and value (numbers numerically), as the native runner compares scalars.</summary>
    private static bool Same(object? actual, object? expected) => (actual, expected) switch
    {
        (null, null) => true,
        (bool a, bool e) => a == e,
        (int a, int e) => a == e,
        (long a, long e) => a == e,
        (decimal a, decimal e) => a == e,
        (string a, string e) => a == e,
        _ => false,
    };

    private static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => "'" + s + "'",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture) + $" ({value.GetType().Name})",
        _ => value.ToString() ?? "",
    };
}
