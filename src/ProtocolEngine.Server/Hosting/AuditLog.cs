using NodaTime;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Hosting;

/// <summary>Writes the server's hash-chained audit entries (sign-ins, tokens, users, publications, registrations, attestations).</summary>
internal sealed class AuditLog(ServerStore store, IClock clock)
{
    public Task WriteAsync(string actor, string action, string target, string? oldValue = null, string? newValue = null, string? detail = null,
        string? correlationId = null, CancellationToken ct = default) =>
        store.AppendAuditAsync(actor, action, target, oldValue, newValue, detail, correlationId ?? Workflows.Execution.WorkflowCorrelation.Current, clock.GetCurrentInstant(), ct);
}
