using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ProtocolEngine.LanguageService;
using ProtocolEngine.LanguageService.Workspace;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Protocols;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;

namespace ProtocolEngine.Server.Designer;

/// <summary>
/// The designer's language service on the server: each signed-in designer has a workspace of the language service (the
/// one <c>protocol lsp</c> uses) holding the text they are editing, compiled incrementally with the standard library the
/// server publishes with (so a keystroke reparses and rebinds the edited text only, and imported libraries are reused).
/// One request at a time per designer: the text sent with the request is the text every answer is about.
/// </summary>
internal sealed class DesignerService(StudyRegistry studies)
{
    /// <summary>How many designers' workspaces are kept (the least recently used is dropped beyond).</summary>
    public const int MaxWorkspaces = 64;

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StudyVocabulary> _vocabularies = new(StringComparer.Ordinal);

    /// <summary>Where the edited text sits: where <see cref="ProtocolService.Compile"/> puts a submitted text, so imports resolve the same way.</summary>
    public static string DocumentPath => ProtocolService.SubmittedPath;

    /// <summary>Runs <paramref name="work"/> on the user's workspace holding <paramref name="text"/>.</summary>
    /// <exception cref="ApiException">No text was sent (400) or it is larger than a protocol may be (413).</exception>
    public async Task<T> WithTextAsync<T>(CurrentUser user, string? text, Func<ProtocolLanguageService, ProtocolDocument, T> work, CancellationToken ct)
    {
        CheckText(text);
        var session = _sessions.GetOrAdd(user.Id, _ => new Session());
        session.LastUsed = Environment.TickCount64;
        Trim();
        await session.Gate.WaitAsync(ct);
        try
        {
            var workspace = session.Service.Workspace;
            // The same text again (diagnostics, then the graph, then a hover) is not compiled again.
            var document = workspace.Get(DocumentPath) is { } open && string.Equals(open.Text, text, StringComparison.Ordinal)
                ? open : workspace.Open(DocumentPath, text!);
            return work(session.Service, document);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>The values a study's data hold, for completing codes; only a designer (or administrator) of the study may read them.</summary>
    /// <exception cref="ApiException">The user holds no designer role in the study (403) or there is no such study (404).</exception>
    public async Task<IStudyVocabulary> VocabularyAsync(CurrentUser user, string studyId, CancellationToken ct)
    {
        if (!user.RolesIn(studyId).Overlaps([Roles.Designer, Roles.Admin]))
            throw new ApiException(ApiErrors.Forbidden, $"Completing a study's codes needs the role Designer or Admin in study {studyId}.");
        var study = await studies.GetAsync(studyId, ct);
        return _vocabularies.GetOrAdd(studyId + "@" + study.Version.Id, _ => new StudyVocabulary(study.Data.Data, "study " + studyId));
    }

    /// <summary>Refuses a missing or oversized text.</summary>
    public static void CheckText(string? text)
    {
        if (text is null) throw new ApiException(ApiErrors.BadRequest, "Send the protocol text as \"text\".");
        if (text.Length > ProtocolService.MaxTextLength)
            throw new ApiException(ApiErrors.PayloadTooLarge, $"The text has {text.Length:N0} characters; a protocol text is at most {ProtocolService.MaxTextLength:N0}.");
    }

    /// <summary>The SHA-256 of a text (UTF-8), lower-case hex: what a graph was read from, so an edit of it can say which text it meant.</summary>
    public static string TextHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private void Trim()
    {
        if (_sessions.Count <= MaxWorkspaces) return;
        foreach (var (key, _) in _sessions.OrderBy(s => s.Value.LastUsed).Take(_sessions.Count - MaxWorkspaces).ToList())
            _sessions.TryRemove(key, out _);
    }

    private sealed class Session
    {
        public ProtocolLanguageService Service { get; } = new(new LanguageWorkspace(new FileSourceResolver(FileSourceResolver.ShippedLibraryRoot))
        {
            LibraryNames = ShippedLibraries,
        });

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public long LastUsed { get; set; }
    }

    private static readonly string[] ShippedLibraries = Directory.Exists(Path.Combine(FileSourceResolver.ShippedLibraryRoot, "std"))
        ? [.. Directory.EnumerateFiles(Path.Combine(FileSourceResolver.ShippedLibraryRoot, "std"), "*.protocol").Select(f => "std." + Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)]
        : [];
}
