using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ProtocolEngine.Workflows.Signatures;

/// <summary>
/// A signer directory holding PBKDF2-SHA256 password hashes (salted, constant-time compare). Hosts with an identity
/// provider implement <see cref="ISignerAuthenticator"/> against it instead.
/// </summary>
/// <param name="iterations">PBKDF2 iterations (OWASP 2023 recommends 600,000 for SHA-256).</param>
public sealed class Pbkdf2SignerDirectory(int iterations = 600_000) : ISignerAuthenticator
{
    private readonly ConcurrentDictionary<string, (string PrintedName, byte[] Salt, byte[] Hash)> _users = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces a signer.</summary>
    public void Register(string userId, string printedName, string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        _users[userId] = (printedName, salt, Derive(password, salt));
    }

    /// <inheritdoc />
    public SignerIdentity? Reauthenticate(string userId, string secret)
    {
        if (!_users.TryGetValue(userId, out var u)) return null;
        return CryptographicOperations.FixedTimeEquals(Derive(secret, u.Salt), u.Hash) ? new SignerIdentity(userId, u.PrintedName) : null;
    }

    private byte[] Derive(string password, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
}
