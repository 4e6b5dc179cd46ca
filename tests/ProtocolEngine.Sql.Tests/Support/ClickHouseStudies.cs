using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Sql.Backends;

namespace ProtocolEngine.Sql.Tests.Support;

/// <summary>
/// The two-shard ClickHouse cluster tests/run starts (.ci/start-clickhouse.sh; its connection string in PROTOCOLENGINE_CH),
/// each study loaded once into a database of its own for this run.
/// </summary>
internal static class ClickHouseStudies
{
    public const string Variable = "PROTOCOLENGINE_CH";

    private static readonly string Run = "pe_" + Guid.NewGuid().ToString("N")[..8] + "_";
    private static readonly HashSet<string> Loaded = [];
    private static readonly Lazy<ClickHouseCluster> Shared = new(() =>
        ClickHouseCluster.Parse(Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text ? text
            : throw new InvalidOperationException($"{Variable} is not set: tests/run starts a two-shard ClickHouse cluster (.ci/start-clickhouse.sh) and exports its connection string there.")));

    public static ClickHouseCluster Cluster => Shared.Value;

    /// <summary>The database holding the study (loaded on first use).</summary>
    public static string Database(string study)
    {
        var database = Run + study.Replace('-', '_');
        lock (Loaded)
        {
            if (Loaded.Add(database)) ClickHouseBackend.Load(Cluster, Studies.Get(study), SdtmModel.Sdtmig34, database);
        }
        return database;
    }
}
