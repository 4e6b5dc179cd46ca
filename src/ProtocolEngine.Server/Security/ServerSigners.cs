using ProtocolEngine.Workflows.Signatures;

namespace ProtocolEngine.Server.Security;

/// <summary>
/// Re-authentication at signing (21 CFR 11.200(a)) against the server's accounts: the signer's current password, every
/// time; the printed name comes from the account, never from the request.
/// </summary>
internal sealed class ServerSigners(IdentityService identity) : ISignerAuthenticator
{
    public SignerIdentity? Reauthenticate(string userId, string secret)
    {
        var user = identity.FindByNameCached(userId);
        if (user is null || user.DisabledAt is not null) return null;
        return PasswordHashing.Verify(secret, user.PasswordHash) ? new SignerIdentity(user.UserName, user.DisplayName) : null;
    }
}
