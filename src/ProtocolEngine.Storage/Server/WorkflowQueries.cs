using Dapper;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Persistence;

namespace ProtocolEngine.Storage.Server;

/// <summary>An open or claimed task with the instance it belongs to.</summary>
/// <param name="Task">The task.</param>
/// <param name="SubjectId">The instance's subject.</param>
/// <param name="Workflow">The instance's workflow.</param>
/// <param name="CorrelationKey">The instance's key (subject, or subject/record).</param>
public sealed record ActiveTask(TaskRecord Task, string SubjectId, string Workflow, string CorrelationKey);

/// <summary>Reads a server needs from a workflow store beyond the engine's own: the active tasks of every instance, and a cheap change stamp.</summary>
public static class WorkflowQueries
{
    /// <summary>Every open or claimed task, with its instance's subject and workflow.</summary>
    public static async Task<IReadOnlyList<ActiveTask>> ListActiveTasksAsync(DapperWorkflowStore store, CancellationToken ct = default)
    {
        await using var conn = await store.OpenAsync(ct);
        var tasks = (await conn.QueryAsync<TaskRow>(new CommandDefinition("SELECT * FROM wf_tasks WHERE status IN ('open', 'claimed')", cancellationToken: ct))).ToList();
        var instances = (await conn.QueryAsync(new CommandDefinition(
            "SELECT id, subject_id, workflow, correlation_key FROM wf_instances WHERE id IN (SELECT instance_id FROM wf_tasks WHERE status IN ('open', 'claimed'))", cancellationToken: ct)))
            .Cast<IDictionary<string, object>>().ToDictionary(r => (string)r["id"], r => ((string)r["subject_id"], (string)r["workflow"], (string)r["correlation_key"]), StringComparer.Ordinal);
        var list = new List<ActiveTask>(tasks.Count);
        foreach (var t in tasks)
        {
            // A task whose instance is not in the second read was completed in between: the next refresh will not list it.
            if (instances.TryGetValue(t.InstanceId, out var i)) list.Add(new ActiveTask(t.ToRecord(), i.Item1, i.Item2, i.Item3));
        }
        return list;
    }

    /// <summary>
    /// A stamp that changes whenever any instance takes a step (every step raises its instance's row version): a cache of
    /// tasks is current while the stamp is unchanged.
    /// </summary>
    public static async Task<(long Instances, long Versions)> ChangeStampAsync(DapperWorkflowStore store, CancellationToken ct = default)
    {
        await using var conn = await store.OpenAsync(ct);
        var r = (IDictionary<string, object>)await conn.QuerySingleAsync(new CommandDefinition("SELECT COUNT(*) AS n, COALESCE(SUM(row_version), 0) AS v FROM wf_instances", cancellationToken: ct));
        return (Convert.ToInt64(r["n"], System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt64(r["v"], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Instances of one subject (every workflow), oldest first.</summary>
    public static async Task<IReadOnlyList<InstanceRecord>> ListSubjectInstancesAsync(DapperWorkflowStore store, string subjectId, CancellationToken ct = default)
    {
        await using var conn = await store.OpenAsync(ct);
        return (await conn.QueryAsync<InstanceRow>(new CommandDefinition("SELECT * FROM wf_instances WHERE subject_id = @subjectId ORDER BY created_at, id", new { subjectId }, cancellationToken: ct)))
            .Select(r => r.ToRecord()).ToList();
    }
}
