using System.Security.Cryptography;
using System.Text;

namespace ProtocolEngine.Language.Text;

/// <summary>
/// The one SHA-256 helper: lower-case hex of the UTF-8 bytes. Rule hashes (<see cref="Compilation.RuleHasher"/>),
/// content hashes, the journal chain and electronic signatures all hash through it, each over its own canonical form.
/// </summary>
public static class Sha256Hex
{
    /// <summary>SHA-256 of the UTF-8 text, 64 lower-case hex digits.</summary>
    public static string Of(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
