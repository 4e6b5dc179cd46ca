namespace ProtocolEngine.Server.Security;

/// <summary>The roles a person holds in a study, and what they are called in the protocol's workflows.</summary>
public static class Roles
{
    /// <summary>Manages users, studies and tokens; acts as the site manager in workflows.</summary>
    public const string Admin = "Admin";
    /// <summary>Writes and publishes protocols.</summary>
    public const string Designer = "Designer";
    /// <summary>Sees the subjects of the sites assigned to them (DM.SITEID), attests criteria, decides review gates.</summary>
    public const string Investigator = "Investigator";
    /// <summary>Reviews and signs safety reports; the protocol's medical monitor.</summary>
    public const string SafetyPhysician = "SafetyPhysician";
    /// <summary>Runs validation, answers and closes data queries, registers data and events.</summary>
    public const string DataManager = "DataManager";
    /// <summary>Follows the study: reads everything of its studies, answers the data queries routed to monitors, changes nothing else.</summary>
    public const string Monitor = "Monitor";
    /// <summary>Reads everything, including the journal; every change is refused.</summary>
    public const string Regulator = "Regulator";

    /// <summary>Every role.</summary>
    public static IReadOnlyList<string> All { get; } = [Admin, Designer, Investigator, SafetyPhysician, DataManager, Monitor, Regulator];

    /// <summary>
    /// The workflow roles a server role acts as: tasks of a protocol name roles such as SubInvestigator, MedicalMonitor or
    /// SiteManager, and the server's people take them on as follows (one table, here).
    /// </summary>
    public static IReadOnlyList<string> WorkflowRoles(string role) => role switch
    {
        Investigator => [Investigator, "SubInvestigator"],
        SafetyPhysician => [SafetyPhysician, "MedicalMonitor"],
        Admin => [Admin, "SiteManager"],
        _ => [role],
    };

    /// <summary>True for a known role name.</summary>
    public static bool IsRole(string name) => All.Contains(name, StringComparer.Ordinal);
}

/// <summary>What an API token may do; a token acts as its user, within its scopes.</summary>
public static class Scopes
{
    /// <summary>Every read.</summary>
    public const string Read = "read";
    /// <summary>Post events (adverse events, consent, visits).</summary>
    public const string EventsWrite = "events:write";
    /// <summary>Claim, release and complete tasks; attest criteria.</summary>
    public const string TasksWrite = "tasks:write";
    /// <summary>Start screening and validation runs.</summary>
    public const string RunsWrite = "runs:write";
    /// <summary>Compile and publish protocols.</summary>
    public const string ProtocolsWrite = "protocols:write";
    /// <summary>Register studies and their data, migrate workflows.</summary>
    public const string StudiesWrite = "studies:write";
    /// <summary>Answer, close and re-check data queries.</summary>
    public const string QueriesWrite = "queries:write";
    /// <summary>Manage users and their roles.</summary>
    public const string UsersWrite = "users:write";

    /// <summary>Every scope.</summary>
    public static IReadOnlyList<string> All { get; } = [Read, EventsWrite, TasksWrite, RunsWrite, ProtocolsWrite, StudiesWrite, QueriesWrite, UsersWrite];
}
