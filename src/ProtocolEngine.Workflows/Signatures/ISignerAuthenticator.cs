namespace ProtocolEngine.Workflows.Signatures;

/// <summary>Who signed: the user and the printed name the signature shows (21 CFR 11.50(a)(1)).</summary>
/// <param name="UserId">The user id.</param>
/// <param name="PrintedName">The signer's full printed name.</param>
public sealed record SignerIdentity(string UserId, string PrintedName);

/// <summary>Re-authenticates a signer at the moment of signing (21 CFR 11.200(a)): both components, every time.</summary>
public interface ISignerAuthenticator
{
    /// <summary>The identity if <paramref name="secret"/> is the user's current credential; null otherwise.</summary>
    SignerIdentity? Reauthenticate(string userId, string secret);
}
