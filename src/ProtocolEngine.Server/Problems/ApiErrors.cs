namespace ProtocolEngine.Server.Problems;

/// <summary>One kind of API error: its stable code (PE8xxx), HTTP status and title.</summary>
/// <param name="Code">The code; never reused or renumbered.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Title">A short title (the problem's <c>title</c>).</param>
internal sealed record ApiError(string Code, int Status, string Title);

/// <summary>
/// Every error the API returns, in one catalog (docs/server.md lists them; a test checks both agree). PE8xxx are API
/// problems; a protocol's own diagnostics keep their PE0xxx to PE9xxx codes in the problem's <c>diagnostics</c>.
/// </summary>
internal static class ApiErrors
{
    /// <summary>The request is malformed or a value is invalid.</summary>
    public static readonly ApiError BadRequest = new("PE8001", 400, "The request is not valid");
    /// <summary>No valid session, token or bearer was presented.</summary>
    public static readonly ApiError NotAuthenticated = new("PE8002", 401, "Sign in first");
    /// <summary>The user's roles do not allow this.</summary>
    public static readonly ApiError Forbidden = new("PE8003", 403, "Your roles do not allow this");
    /// <summary>The API token's scopes do not allow this.</summary>
    public static readonly ApiError OutsideTokenScope = new("PE8004", 403, "The token's scope does not allow this");
    /// <summary>A change request with the session cookie but without a valid antiforgery token.</summary>
    public static readonly ApiError AntiforgeryMissing = new("PE8005", 403, "The antiforgery token is missing or invalid");
    /// <summary>A regulator (read-only) asked for a change.</summary>
    public static readonly ApiError ReadOnlyRole = new("PE8006", 403, "Read-only access: nothing can be changed");
    /// <summary>An investigator asked about a subject of a site they are not assigned.</summary>
    public static readonly ApiError SiteNotAssigned = new("PE8007", 403, "The subject is at a site you are not assigned to");
    /// <summary>Nothing by that id.</summary>
    public static readonly ApiError NotFound = new("PE8008", 404, "Not found");
    /// <summary>Another change won (a task claimed by someone else, an id taken).</summary>
    public static readonly ApiError Conflict = new("PE8009", 409, "Conflict");
    /// <summary>Wrong user name or password.</summary>
    public static readonly ApiError LoginFailed = new("PE8010", 401, "The user name or password is wrong");
    /// <summary>Too many failed sign-ins or requests.</summary>
    public static readonly ApiError TooManyAttempts = new("PE8011", 429, "Too many attempts");
    /// <summary>The password given to sign was wrong: nothing was signed.</summary>
    public static readonly ApiError SignatureFailed = new("PE8012", 403, "Re-authentication at signing failed: nothing was signed");
    /// <summary>The request body is larger than the limit.</summary>
    public static readonly ApiError PayloadTooLarge = new("PE8013", 413, "The request is too large");
    /// <summary>The protocol has errors (listed as diagnostics).</summary>
    public static readonly ApiError ProtocolHasErrors = new("PE8014", 422, "The protocol has errors");
    /// <summary>The study's data cannot be read.</summary>
    public static readonly ApiError DataUnreadable = new("PE8015", 422, "The data cannot be read");
    /// <summary>An idempotency key was reused for a different request.</summary>
    public static readonly ApiError IdempotencyKeyReused = new("PE8016", 422, "The idempotency key was used for another request");
    /// <summary>A fault in the server (logged with the correlation id; never a stack trace in the answer).</summary>
    public static readonly ApiError Internal = new("PE8017", 500, "Internal error");
    /// <summary>The server is starting or its database cannot be reached.</summary>
    public static readonly ApiError NotReady = new("PE8018", 503, "Not ready");
    /// <summary>The content type is not one the endpoint reads.</summary>
    public static readonly ApiError UnsupportedMediaType = new("PE8019", 415, "Unsupported content type");
    /// <summary>The workflow refused the command (not a candidate, wrong decision, a reason missing, ...).</summary>
    public static readonly ApiError WorkflowRefused = new("PE8020", 422, "The workflow refused the command");
    /// <summary>A graph edit names what the workflow lacks (a state, transition or task), or its names or text would not parse.</summary>
    public static readonly ApiError WorkflowEditRefused = new("PE8021", 422, "The graph edit does not fit the workflow");

    /// <summary>Every error, in code order.</summary>
    public static IReadOnlyList<ApiError> All { get; } =
    [
        BadRequest, NotAuthenticated, Forbidden, OutsideTokenScope, AntiforgeryMissing, ReadOnlyRole, SiteNotAssigned, NotFound, Conflict, LoginFailed,
        TooManyAttempts, SignatureFailed, PayloadTooLarge, ProtocolHasErrors, DataUnreadable, IdempotencyKeyReused, Internal, NotReady, UnsupportedMediaType,
        WorkflowRefused, WorkflowEditRefused,
    ];
}

/// <summary>An API error raised by a service: the exception handler turns it into an RFC 9457 problem.</summary>
/// <param name="error">The error.</param>
/// <param name="detail">What went wrong, for the user.</param>
/// <param name="extensions">More members of the problem (diagnostics, the winner of a claim, ...).</param>
internal sealed class ApiException(ApiError error, string detail, IReadOnlyDictionary<string, object?>? extensions = null) : Exception(detail)
{
    /// <summary>The error.</summary>
    public ApiError Error { get; } = error;

    /// <summary>More members of the problem.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; } = extensions;
}
