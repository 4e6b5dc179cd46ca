using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Execution;

namespace ProtocolEngine.Server.Security;

/// <summary>How the request was authenticated.</summary>
internal enum AuthMethod
{
    /// <summary>The browser session cookie (changes need the antiforgery token).</summary>
    Cookie,
    /// <summary>A personal API token (limited to its scopes).</summary>
    Token,
    /// <summary>A JWT from the configured identity provider.</summary>
    Jwt,
}

/// <summary>The person (or system) behind a request, with their roles per study and, for tokens, the token's limits.</summary>
internal sealed record CurrentUser(UserRecord User, IReadOnlyList<MembershipRecord> Memberships, AuthMethod Method, IReadOnlyList<string>? TokenScopes, string? TokenStudy)
{
    public string Id => User.Id;

    public string UserName => User.UserName;

    /// <summary>The roles in a study (roles held in every study included); with no study, every role held anywhere.</summary>
    public IReadOnlySet<string> RolesIn(string? studyId) =>
        Memberships.Where(m => studyId is null || m.StudyId == studyId || m.StudyId == MembershipRecord.AllStudies).Select(m => m.Role).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The sites whose subjects the user may see in a study, or null for every site: an investigator assigned to sites
    /// sees those only, unless another role in the study lets them see everyone.
    /// </summary>
    public IReadOnlySet<string>? SitesIn(string studyId)
    {
        var held = Memberships.Where(m => m.StudyId == studyId || m.StudyId == MembershipRecord.AllStudies).ToList();
        if (held.Count == 0) return new HashSet<string>();
        if (held.Any(m => m.Role != Roles.Investigator || m.Sites.Count == 0)) return null;
        return held.SelectMany(m => m.Sites).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>True when the user may see a subject of this site.</summary>
    public bool CanSeeSite(string studyId, string? siteId) => SitesIn(studyId) is not { } sites || (siteId is not null && sites.Contains(siteId));

    /// <summary>The user as the workflow engine knows them: the login name and the workflow roles their study roles act as.</summary>
    public WorkflowActor ActorIn(string studyId) =>
        new(UserName, [.. RolesIn(studyId).SelectMany(Roles.WorkflowRoles).Distinct(StringComparer.Ordinal)]);
}
