using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ProtocolEngine.Server.Security;

/// <summary>
/// Password hashes: PBKDF2-HMAC-SHA256 with a random 16-byte salt, stored with their iteration count
/// (<c>pbkdf2-sha256$600000$salt$hash</c>) so the count can rise without invalidating older hashes; compared in
/// constant time.
/// </summary>
internal static class PasswordHashing
{
    private const string Prefix = "pbkdf2-sha256";

    /// <summary>The fewest iterations a new hash may use (OWASP 2023 for PBKDF2-HMAC-SHA256).</summary>
    public const int MinimumIterations = 600_000;

    /// <summary>Hashes a password.</summary>
    public static string Hash(string password, int iterations = MinimumIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Derive(password, salt, iterations);
        return string.Join('$', Prefix, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="stored"/>.</summary>
    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Prefix || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int iterations) || iterations < 1) return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Derive(password, salt, iterations), expected);
    }

    /// <summary>The iteration count a stored hash was made with (0 when it is not one of ours).</summary>
    public static int IterationsOf(string stored)
    {
        var parts = stored.Split('$');
        return parts.Length == 4 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
}
