namespace ProtocolEngine.Workflows.Execution;

/// <summary>
/// The correlation id of the request being served, flowing with the async call (like <see cref="System.Diagnostics.Activity.Current"/>):
/// every journal entry a step writes while one is set names it, so an auditor can tell which request caused which entries.
/// Timer steps run outside any request and carry none.
/// </summary>
public static class WorkflowCorrelation
{
    private static readonly AsyncLocal<string?> _current = new();

    /// <summary>The correlation id of the current call, or null.</summary>
    public static string? Current => _current.Value;

    /// <summary>Sets the correlation id for the rest of the current async flow; disposing restores the previous one.</summary>
    /// <param name="correlationId">The id (a request's correlation id); null clears it.</param>
    public static IDisposable Begin(string? correlationId)
    {
        var previous = _current.Value;
        _current.Value = correlationId;
        return new Restore(previous);
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => _current.Value = previous;
    }
}
