using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using NodaTime;
using ProtocolEngine.Server.Hosting;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Security;

/// <summary>
/// Local accounts, their roles and their API tokens: sign-in (rate-limited, every failure journaled), password hashing,
/// token issue and revocation. Users and tokens are cached for a few seconds so that reads stay fast; a change made in
/// this process takes effect at once, one made in another process within the cache time.
/// </summary>
internal sealed class IdentityService(ServerStore store, ServerOptions options, AuditLog audit, IClock clock)
{
    private static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (UserRecord User, IReadOnlyList<MembershipRecord> Memberships, DateTime Until)> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (TokenRecord? Token, DateTime Until)> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (UserRecord? User, DateTime Until)> _byName = new(StringComparer.Ordinal);

    public const int MinimumPasswordLength = 10;

    public string HashPassword(string password) => PasswordHashing.Hash(password, options.PasswordIterations);

    /// <summary>Signs a person in: their user, or an API error (wrong password, too many failures). Every outcome is journaled.</summary>
    public async Task<UserRecord> SignInAsync(string userName, string password, string? client, CancellationToken ct)
    {
        var target = "user:" + userName;
        var now = clock.GetCurrentInstant();
        long failures = await store.CountAuditAsync("login-failed", target, now - Duration.FromTimeSpan(options.LoginFailureWindow), ct);
        if (failures >= options.LoginFailureLimit)
        {
            await audit.WriteAsync("anonymous", "login-refused", target, null, null, $"{failures} failed sign-ins in {options.LoginFailureWindow.TotalMinutes:0} minutes; client {client}", ct: ct);
            throw new ApiException(ApiErrors.TooManyAttempts,
                $"Too many failed sign-ins for {userName}: try again in {options.LoginFailureWindow.TotalMinutes:0} minutes, or ask an administrator.",
                new Dictionary<string, object?> { ["retryAfterSeconds"] = (int)options.LoginFailureWindow.TotalSeconds });
        }
        var user = await store.FindUserByNameAsync(userName, ct);
        // The same answer for an unknown user and a wrong password, and the same work, so neither can be told apart.
        bool ok = user is not null ? PasswordHashing.Verify(password, user.PasswordHash) : PasswordHashing.Verify(password, DummyHash.Value);
        if (!ok || user is null || user.DisabledAt is not null)
        {
            await audit.WriteAsync("anonymous", "login-failed", target, null, null,
                user is null ? $"unknown user; client {client}" : user.DisabledAt is not null ? $"disabled user; client {client}" : $"wrong password; client {client}", ct: ct);
            throw new ApiException(ApiErrors.LoginFailed, "The user name or password is wrong.");
        }
        await audit.WriteAsync(user.UserName, "login", target, null, null, $"client {client}", ct: ct);
        return user;
    }

    private Lazy<string> DummyHash { get; } = new(() => PasswordHashing.Hash(Guid.NewGuid().ToString("N"), options.PasswordIterations));

    /// <summary>The user and their roles, cached for a few seconds; null for an unknown or disabled user.</summary>
    public async Task<(UserRecord User, IReadOnlyList<MembershipRecord> Memberships)?> GetAsync(string userId, CancellationToken ct)
    {
        if (_users.TryGetValue(userId, out var c) && c.Until > DateTime.UtcNow) return c.User.DisabledAt is null ? (c.User, c.Memberships) : null;
        var user = await store.GetUserAsync(userId, ct);
        if (user is null) return null;
        var memberships = await store.ListMembershipsAsync(userId, ct);
        _users[userId] = (user, memberships, DateTime.UtcNow + CacheTime);
        return user.DisabledAt is null ? (user, memberships) : null;
    }

    /// <summary>A user by login name, cached (signatures look their signer up inside a workflow step).</summary>
    public UserRecord? FindByNameCached(string userName)
    {
        if (_byName.TryGetValue(userName, out var c) && c.Until > DateTime.UtcNow) return c.User;
        var user = store.FindUserByNameAsync(userName).GetAwaiter().GetResult();
        _byName[userName] = (user, DateTime.UtcNow + CacheTime);
        return user;
    }

    /// <summary>Loads a user into the name cache before a workflow step needs it, so the step does not wait on a query.</summary>
    public async Task WarmAsync(string userName, CancellationToken ct)
    {
        var user = await store.FindUserByNameAsync(userName, ct);
        _byName[userName] = (user, DateTime.UtcNow + CacheTime);
    }

    public void Forget(string userId, string? userName = null)
    {
        _users.TryRemove(userId, out _);
        if (userName is not null) _byName.TryRemove(userName, out _);
    }

    /// <summary>Creates a user with roles; the password must be long enough; the user name unique.</summary>
    public async Task<UserRecord> CreateUserAsync(string actor, string userName, string displayName, string password, string kind, IReadOnlyList<MembershipRecord> memberships, CancellationToken ct)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(userName, "^[A-Za-z0-9._@-]{2,64}$"))
            throw new ApiException(ApiErrors.BadRequest, "A user name is 2 to 64 letters, digits, dots, dashes, underscores or @.");
        if (string.IsNullOrWhiteSpace(displayName)) throw new ApiException(ApiErrors.BadRequest, "Give the person's printed name (signatures show it).");
        if (password.Length < MinimumPasswordLength) throw new ApiException(ApiErrors.BadRequest, $"A password has at least {MinimumPasswordLength} characters.");
        if (kind is not ("person" or "system")) throw new ApiException(ApiErrors.BadRequest, "A user is a person or a system.");
        var user = new UserRecord(Guid.CreateVersion7().ToString("N"), userName, displayName.Trim(), HashPassword(password), kind, clock.GetCurrentInstant());
        var withUser = memberships.Select(m => m with { UserId = user.Id }).ToList();
        if (!await store.CreateUserAsync(user, withUser, ct)) throw new ApiException(ApiErrors.Conflict, $"The user name {userName} is taken.");
        await audit.WriteAsync(actor, "user-created", "user:" + userName, null, string.Join(", ", withUser.Select(Describe)), $"kind {kind}", ct: ct);
        return user;
    }

    /// <summary>Changes a person's password after checking the current one; journaled (never the passwords).</summary>
    public async Task ChangePasswordAsync(CurrentUser user, string current, string next, CancellationToken ct)
    {
        var stored = await store.GetUserAsync(user.Id, ct) ?? throw new ApiException(ApiErrors.NotFound, "Your account is gone.");
        if (!PasswordHashing.Verify(current, stored.PasswordHash))
        {
            await audit.WriteAsync(user.UserName, "password-change-failed", "user:" + user.UserName, ct: ct);
            throw new ApiException(ApiErrors.SignatureFailed, "The current password is not right: nothing was changed.");
        }
        if (next.Length < MinimumPasswordLength) throw new ApiException(ApiErrors.BadRequest, $"A password has at least {MinimumPasswordLength} characters.");
        await store.SetPasswordAsync(user.Id, HashPassword(next), ct);
        Forget(user.Id, user.UserName);
        await audit.WriteAsync(user.UserName, "password-changed", "user:" + user.UserName, ct: ct);
    }

    public static string Describe(MembershipRecord m) => $"{m.Role}@{m.StudyId}{(m.Sites.Count == 0 ? "" : "[" + string.Join(' ', m.Sites) + "]")}";

    /// <summary>Issues a token: its text is returned once, only its hash is kept.</summary>
    public async Task<(TokenRecord Token, string Text)> CreateTokenAsync(CurrentUser owner, string name, IReadOnlyList<string> scopes, string? studyId, int? days, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ApiException(ApiErrors.BadRequest, "Name the token (what it is for).");
        if (scopes.Count == 0) throw new ApiException(ApiErrors.BadRequest, $"Give the token at least one scope: {string.Join(", ", Scopes.All)}.");
        if (scopes.FirstOrDefault(s => !Scopes.All.Contains(s)) is { } bad) throw new ApiException(ApiErrors.BadRequest, $"Unknown scope {bad}; scopes are {string.Join(", ", Scopes.All)}.");
        if (days is < 1 or > 3650) throw new ApiException(ApiErrors.BadRequest, "A token lives 1 to 3,650 days.");
        var text = "pe_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetCurrentInstant();
        var token = new TokenRecord(Guid.CreateVersion7().ToString("N"), owner.Id, name.Trim(), HashToken(text), [.. scopes.Distinct()], studyId, now,
            days is { } d ? now + Duration.FromDays(d) : null, null);
        await store.CreateTokenAsync(token, ct);
        await audit.WriteAsync(owner.UserName, "token-created", "token:" + token.Id, null, string.Join(' ', token.Scopes), $"name {token.Name}; study {studyId ?? "(all)"}", ct: ct);
        return (token, text);
    }

    /// <summary>The live token a text stands for (cached briefly), or null.</summary>
    public async Task<TokenRecord?> FindTokenAsync(string text, CancellationToken ct)
    {
        var hash = HashToken(text);
        if (!_tokens.TryGetValue(hash, out var c) || c.Until <= DateTime.UtcNow)
        {
            c = (await store.FindTokenAsync(hash, ct), DateTime.UtcNow + CacheTime);
            _tokens[hash] = c;
        }
        var t = c.Token;
        if (t is null || t.RevokedAt is not null || (t.ExpiresAt is { } e && e <= clock.GetCurrentInstant())) return null;
        return t;
    }

    public async Task<bool> RevokeTokenAsync(CurrentUser actor, TokenRecord token, CancellationToken ct)
    {
        bool done = await store.RevokeTokenAsync(token.Id, clock.GetCurrentInstant(), ct);
        _tokens.TryRemove(token.TokenHash, out _);
        if (done) await audit.WriteAsync(actor.UserName, "token-revoked", "token:" + token.Id, null, null, $"name {token.Name}", ct: ct);
        return done;
    }

    public static string HashToken(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
