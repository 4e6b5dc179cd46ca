using System.Security.Cryptography;
using System.Text;
using NodaTime;
using ProtocolEngine.Server.Hosting;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Storage.Server;
using ProtocolEngine.Workflows.Signatures;

namespace ProtocolEngine.Server.Security;

/// <summary>What a person gives to sign: the meaning they affirm and their password again.</summary>
/// <param name="Meaning">review, approval, responsibility or authorship (21 CFR 11.50(a)(3)).</param>
/// <param name="Password">The signer's password, re-entered at signing (21 CFR 11.200(a)).</param>
internal sealed record SignatureRequest(string Meaning, string Password);

/// <summary>
/// Electronic signatures the server applies itself (protocol publications, attestations), made like the workflow's:
/// the password re-entered, the meaning stated, and a signature hash that binds signer, printed name, meaning and time
/// to the signed record's hash (21 CFR 11.50, 11.70, 11.200). A failed attempt is journaled and signs nothing.
/// </summary>
internal sealed class SignatureService(IdentityService identity, AuditLog audit, IClock clock)
{
    public static readonly IReadOnlyList<string> Meanings = ["review", "approval", "responsibility", "authorship"];

    /// <summary>SHA-256 of a record's canonical form: each field on its own line after a format tag.</summary>
    public static string RecordHash(string format, params string?[] fields) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', [format, .. fields.Select(f => f ?? "")]))));

    public async Task<ServerSignatureRecord> SignAsync(CurrentUser signer, SignatureRequest? request, string recordKind, string recordId, string recordHash,
        IReadOnlyList<string>? meanings, CancellationToken ct)
    {
        if (request is null) throw new ApiException(ApiErrors.BadRequest, "This needs an electronic signature: give its meaning and your password again.");
        var allowed = meanings ?? Meanings;
        if (!allowed.Contains(request.Meaning, StringComparer.Ordinal))
            throw new ApiException(ApiErrors.BadRequest, $"The signature's meaning is one of {string.Join(", ", allowed)}, not \"{request.Meaning}\".");
        var user = await identity.GetAsync(signer.Id, ct);
        if (user is null || !PasswordHashing.Verify(request.Password ?? "", user.Value.User.PasswordHash))
        {
            await audit.WriteAsync(signer.UserName, "signature-failed", $"{recordKind}:{recordId}", null, null, "re-authentication failed", ct: ct);
            throw new ApiException(ApiErrors.SignatureFailed, "The password is not right: nothing was signed.");
        }
        var at = Instant.FromUnixTimeMilliseconds(clock.GetCurrentInstant().ToUnixTimeMilliseconds());
        var hash = SignatureHashing.SignatureHash(recordHash, signer.UserName, user.Value.User.DisplayName, request.Meaning, at);
        return new ServerSignatureRecord(Guid.CreateVersion7().ToString("N"), recordKind, recordId, recordHash, signer.UserName, user.Value.User.DisplayName,
            request.Meaning, at, hash);
    }
}
