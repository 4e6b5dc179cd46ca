using System.Xml.Linq;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Tests.Infrastructure;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Tests.Parsing;

/// <summary>The grammar reads CQL's own expression syntax: every expression of the HL7 conformance suite parses.</summary>
public sealed class CqlSyntaxCoverageTests
{
    private static readonly XNamespace Ns = "http://hl7.org/fhirpath/tests";

    [Fact]
    public void Every_conformance_expression_that_is_valid_CQL_parses()
    {
        var folder = Path.Combine(RepositoryPaths.Shared, "conformance", "cql");
        var failures = new List<string>();
        int count = 0;
        foreach (var file in Directory.GetFiles(folder, "*.xml"))
        {
            foreach (var test in XDocument.Load(file).Descendants(Ns + "test"))
            {
                var expression = test.Element(Ns + "expression");
                if (expression is null || expression.Attribute("invalid")?.Value is "syntax" or "true") continue;
                count++;
                var result = ProtocolParser.ParseExpression(new SourceText(expression.Value, test.Attribute("name")!.Value));
                // Out-of-range integer literals are reported by the parser by design; those tests expect an error.
                if (result.Diagnostics.Any(d => d.Code != "PE0004"))
                    failures.Add($"{Path.GetFileName(file)} {test.Attribute("name")!.Value}: {expression.Value.Trim()} -> {result.Diagnostics[0].Message}");
            }
        }
        Assert.True(count > 1200, $"Only {count} expressions found.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("A 30 days or less before B", "TimingExpression")]
    [InlineData("LB L where L.LBTESTCD = 'HBA1C' return L.LBSTRESN", "Query")]
    [InlineData("years between A and B", "DurationBetween")]
    [InlineData("X in Interval[10, 23]", "BinaryExpression")]
    [InlineData("List<String>{}", "ListSelector")]
    public void Parses_to_the_expected_node(string text, string node)
    {
        var result = ProtocolParser.ParseExpression(new SourceText(text, "t"));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(node + "Syntax", result.Root.GetType().Name);
    }
}
