using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Sql.Tests.Support;

namespace ProtocolEngine.Sql.Tests;

/// <summary>
/// The SQL of every dialect for the pilot protocol, against golden files (Golden/NAME.DIALECT.sql): Spark, Trino,
/// SQL Server and ClickHouse run nowhere here, so their text is what is reviewed. PROTOCOLENGINE_UPDATE_BASELINES=1 rewrites them.
/// </summary>
public sealed class GoldenTests
{
    public static TheoryData<string, SqlDialect> Cases()
    {
        var data = new TheoryData<string, SqlDialect>();
        foreach (var protocol in new[] { "cdiscpilot01.protocol", "t2d-sglt2.protocol" })
            foreach (var dialect in Enum.GetValues<SqlDialect>())
                data.Add(protocol, dialect);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sql_matches_its_golden_file(string protocolPath, SqlDialect dialect)
    {
        var protocol = Studies.Compile(protocolPath);
        var query = SqlScreeningQuery.Generate(protocol, dialect, SqlCatalog.FromModel(SdtmModel.Sdtmig34));
        var actual = query.Text.Replace(protocol.ContentHash, "<content hash>", StringComparison.Ordinal);
        foreach (var c in protocol.Criteria) actual = actual.Replace(c.Hash, "<rule hash>", StringComparison.Ordinal);
        var path = Path.Combine(Studies.Root, "tests", "ProtocolEngine.Sql.Tests", "Golden", $"{Path.GetFileNameWithoutExtension(protocolPath)}.{SqlScreeningQuery.NameOf(dialect)}.sql");
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"No golden file {path}; run with PROTOCOLENGINE_UPDATE_BASELINES=1 to create it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
