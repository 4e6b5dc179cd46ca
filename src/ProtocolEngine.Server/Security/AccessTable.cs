namespace ProtocolEngine.Server.Security;

/// <summary>Who may call an endpoint.</summary>
/// <param name="Anonymous">True when no sign-in is needed.</param>
/// <param name="Roles">The roles allowed (in the study of the route, or anywhere for endpoints outside a study); null means any signed-in user.</param>
/// <param name="Scope">The scope an API token needs; null when tokens may not call it at all.</param>
internal sealed record AccessRule(bool Anonymous, IReadOnlyList<string>? Roles, string? Scope)
{
    public static AccessRule Public { get; } = new(true, null, null);

    public static AccessRule SignedIn(string? scope) => new(false, null, scope);

    public static AccessRule For(string? scope, params string[] roles) => new(false, roles, scope);
}

/// <summary>
/// The authorisation of every endpoint, in one place: method and route pattern to who may call it. An endpoint
/// without an entry is refused (and the matrix test fails). Investigators are further limited to the subjects of
/// their sites by the services (lists are filtered, a subject of another site is refused).
/// </summary>
internal static class AccessTable
{
    private const string A = Roles.Admin, D = Roles.Designer, I = Roles.Investigator, S = Roles.SafetyPhysician, M = Roles.DataManager, O = Roles.Monitor, R = Roles.Regulator;
    private static readonly string[] Everyone = [A, D, I, S, M, O, R];
    private static readonly string[] Overseers = [A, M, O, R];
    private static readonly string[] TaskWorkers = [A, I, S, M];

    public static IReadOnlyDictionary<string, AccessRule> Rules { get; } = new Dictionary<string, AccessRule>(StringComparer.Ordinal)
    {
        // Operations and documents
        ["GET /health/live"] = AccessRule.Public,
        ["GET /health/ready"] = AccessRule.Public,
        ["GET /openapi/{documentName}.json"] = AccessRule.Public,
        ["GET /scalar/{documentName?}"] = AccessRule.Public,
        ["GET /scalar/scalar.js"] = AccessRule.Public,
        ["GET /scalar/scalar.aspnetcore.js"] = AccessRule.Public,
        ["GET /scalar/favicon.svg"] = AccessRule.Public,
        // Sign-in, session, tokens
        ["POST /api/auth/login"] = AccessRule.Public,
        ["POST /api/auth/logout"] = AccessRule.SignedIn(null),
        ["GET /api/auth/me"] = AccessRule.SignedIn(Scopes.Read),
        ["GET /api/auth/csrf"] = AccessRule.SignedIn(null),
        ["POST /api/auth/password"] = AccessRule.SignedIn(null),
        ["GET /api/auth/tokens"] = AccessRule.SignedIn(Scopes.Read),
        ["POST /api/auth/tokens"] = AccessRule.SignedIn(null),
        ["DELETE /api/auth/tokens/{tokenId}"] = AccessRule.SignedIn(null),
        // Users
        ["GET /api/users"] = AccessRule.For(Scopes.Read, A),
        ["POST /api/users"] = AccessRule.For(Scopes.UsersWrite, A),
        ["PUT /api/users/{userId}/memberships/{studyId}"] = AccessRule.For(Scopes.UsersWrite, A),
        ["POST /api/users/{userId}/disable"] = AccessRule.For(Scopes.UsersWrite, A),
        // The server's audit chain
        ["GET /api/audit"] = AccessRule.For(Scopes.Read, A, R),
        ["GET /api/audit/verify"] = AccessRule.For(Scopes.Read, A, R),
        // Protocols
        ["POST /api/protocols/compile"] = AccessRule.For(Scopes.ProtocolsWrite, A, D),
        ["POST /api/protocols"] = AccessRule.For(Scopes.ProtocolsWrite, A, D),
        ["GET /api/protocols"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/protocols/diff"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/protocols/{name}/versions"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/protocols/{name}/versions/{number}"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/protocols/{name}/versions/{number}/render"] = AccessRule.For(Scopes.Read, Everyone),
        // Studies and subjects
        ["POST /api/studies"] = AccessRule.For(Scopes.StudiesWrite, A, M),
        ["POST /api/studies/upload"] = AccessRule.For(Scopes.StudiesWrite, A, M),
        ["GET /api/studies"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}"] = AccessRule.For(Scopes.Read, Everyone),
        ["PUT /api/studies/{studyId}/protocol"] = AccessRule.For(Scopes.StudiesWrite, A, D),
        ["GET /api/studies/{studyId}/subjects"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}/subjects/{subjectId}"] = AccessRule.For(Scopes.Read, Everyone),
        ["POST /api/studies/{studyId}/subjects/{subjectId}/attestations"] = AccessRule.For(Scopes.TasksWrite, I),
        // Screening
        ["POST /api/studies/{studyId}/screening-runs"] = AccessRule.For(Scopes.RunsWrite, A, M),
        ["GET /api/studies/{studyId}/screening-runs"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}/screening-runs/{runId}"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}/screening-runs/{runId}/progress"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}/screening-runs/{runId}/subjects"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}/screening-runs/{runId}/subjects/{subjectId}"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}/screening-runs/{runId}/ie"] = AccessRule.For(Scopes.Read, Overseers),
        // Events
        ["POST /api/studies/{studyId}/events"] = AccessRule.For(Scopes.EventsWrite, A, I, M),
        ["GET /api/studies/{studyId}/events"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}/events/{eventId}"] = AccessRule.For(Scopes.Read, Everyone),
        // Tasks
        ["GET /api/studies/{studyId}/tasks"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}/tasks/{taskId}"] = AccessRule.For(Scopes.Read, Everyone),
        ["POST /api/studies/{studyId}/tasks/{taskId}/claim"] = AccessRule.For(Scopes.TasksWrite, TaskWorkers),
        ["POST /api/studies/{studyId}/tasks/{taskId}/release"] = AccessRule.For(Scopes.TasksWrite, TaskWorkers),
        ["POST /api/studies/{studyId}/tasks/{taskId}/complete"] = AccessRule.For(Scopes.TasksWrite, TaskWorkers),
        // Workflows
        ["GET /api/studies/{studyId}/workflows"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}/instances"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}/instances/{instanceId}"] = AccessRule.For(Scopes.Read, Everyone),
        ["POST /api/studies/{studyId}/migrations/dry-run"] = AccessRule.For(Scopes.StudiesWrite, A, D),
        ["POST /api/studies/{studyId}/migrations"] = AccessRule.For(Scopes.StudiesWrite, A),
        // Journal
        ["GET /api/studies/{studyId}/journal"] = AccessRule.For(Scopes.Read, A, O, R),
        ["GET /api/studies/{studyId}/journal/verify"] = AccessRule.For(Scopes.Read, A, O, R),
        // Validation and data queries
        ["POST /api/studies/{studyId}/validation-runs"] = AccessRule.For(Scopes.RunsWrite, A, M),
        ["GET /api/studies/{studyId}/validation-runs"] = AccessRule.For(Scopes.Read, Overseers),
        ["GET /api/studies/{studyId}/validation-runs/{runId}"] = AccessRule.For(Scopes.Read, Overseers),
        ["GET /api/studies/{studyId}/queries"] = AccessRule.For(Scopes.Read, Everyone),
        ["POST /api/studies/{studyId}/queries/{queryId}/answer"] = AccessRule.For(Scopes.QueriesWrite, A, I, M, O),
        ["POST /api/studies/{studyId}/queries/{queryId}/close"] = AccessRule.For(Scopes.QueriesWrite, A, M),
        ["POST /api/studies/{studyId}/queries/{queryId}/recheck"] = AccessRule.For(Scopes.QueriesWrite, A, M),
        // The workbench's views (issue 15)
        ["GET /api/studies/{studyId}/adverse-events"] = AccessRule.For(Scopes.Read, A, I, S, M, O, R),
        ["GET /api/studies/{studyId}/subjects/{subjectId}/record-dates"] = AccessRule.For(Scopes.Read, Everyone),
        ["GET /api/studies/{studyId}/validation-runs/{runId}/findings"] = AccessRule.For(Scopes.Read, Overseers),
        ["GET /api/studies/{studyId}/signatures"] = AccessRule.For(Scopes.Read, A, O, R),
        ["GET /api/studies/{studyId}/amendment-impact"] = AccessRule.For(Scopes.Read, A, D, M, O, R),
        ["GET /api/studies/{studyId}/evidence-pack"] = AccessRule.For(Scopes.Read, A, O, R),
        // The designer (issue 16): about the text sent, nothing stored but a saved draft
        ["POST /api/designer/diagnostics"] = AccessRule.For(Scopes.ProtocolsWrite, A, D),
        ["POST /api/designer/completion"] = AccessRule.For(Scopes.ProtocolsWrite, A, D),
        ["POST /api/designer/hover"] = AccessRule.For(Scopes.ProtocolsWrite, A, D),
        ["POST /api/designer/definition"] = AccessRule.For(Scopes.ProtocolsWrite, A, D),
        ["POST /api/designer/workflows"] = AccessRule.For(Scopes.ProtocolsWrite, A, D),
        ["POST /api/designer/workflows/{workflow}/edits"] = AccessRule.For(Scopes.ProtocolsWrite, A, D),
        ["POST /api/designer/workflows/{workflow}/export"] = AccessRule.For(Scopes.ProtocolsWrite, A, D),
        ["POST /api/designer/drafts"] = AccessRule.For(Scopes.ProtocolsWrite, A, D),
        ["POST /api/studies/{studyId}/criteria-preview"] = AccessRule.For(Scopes.ProtocolsWrite, A, D),
    };

    /// <summary>The table key of an endpoint: its method and route pattern.</summary>
    public static string Key(string method, string pattern) => $"{method} {(pattern.Length > 1 ? pattern.TrimEnd('/') : pattern)}";
}
