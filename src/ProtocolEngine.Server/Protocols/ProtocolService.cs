using System.Collections.Concurrent;
using System.Text.Json;
using NodaTime;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Server.Hosting;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Storage.Server;

namespace ProtocolEngine.Server.Protocols;

/// <summary>A compiled protocol text with the exact library texts it imported.</summary>
/// <param name="Protocol">The compilation.</param>
/// <param name="Main">The protocol text.</param>
/// <param name="Libraries">Every imported library's text, by qualified name.</param>
internal sealed record CompiledBundle(CompiledProtocol Protocol, string Main, IReadOnlyDictionary<string, string> Libraries);

/// <summary>
/// Protocols as the server keeps them: compiled against the shipped standard library; published as immutable versions
/// that hold their own text and the exact text of every library they import (so a version compiles the same forever,
/// whatever later happens to the standard library), with the content hash, the author, the time and the author's
/// signature; compared and rendered.
/// </summary>
internal sealed class ProtocolService(ServerStore store, SignatureService signatures, AuditLog audit, IClock clock)
{
    private readonly ConcurrentDictionary<string, CompiledBundle> _versions = new(StringComparer.Ordinal);

    /// <summary>The largest protocol text accepted.</summary>
    public const int MaxTextLength = 2 * 1024 * 1024;

    /// <summary>
    /// Where a submitted text sits for the compiler: in the shipped library's folder, so its imports resolve there and
    /// nowhere else on the machine (the designer's language service puts the edited text at the same place).
    /// </summary>
    public static string SubmittedPath { get; } = Path.Combine(FileSourceResolver.ShippedLibraryRoot, "submitted.protocol");

    /// <summary>Compiles a text with the shipped standard library, recording the library texts it imported.</summary>
    public static CompiledBundle Compile(string text)
    {
        if (text.Length > MaxTextLength) throw new ApiException(ApiErrors.PayloadTooLarge, $"A protocol text is at most {MaxTextLength:N0} characters.");
        var recorder = new RecordingResolver(new FileSourceResolver(FileSourceResolver.ShippedLibraryRoot));
        var source = new SourceText(text, SubmittedPath);
        var compiled = new ProtocolCompiler(recorder).Compile(source);
        return new CompiledBundle(compiled, text, recorder.Resolved);
    }

    private static CompiledBundle FromSources(string sources)
    {
        var doc = JsonSerializer.Deserialize<StoredSources>(sources) ?? throw new InvalidDataException("A protocol version has no sources.");
        var compiler = new ProtocolCompiler(new InMemorySourceResolver(doc.Libraries));
        var compiled = compiler.Compile(new SourceText(doc.Main, "protocol.protocol"));
        return new CompiledBundle(compiled, doc.Main, doc.Libraries);
    }

    private sealed record StoredSources(string Main, Dictionary<string, string> Libraries);

    /// <summary>The diagnostics of a compilation as the API shows them.</summary>
    public static IReadOnlyList<object> Diagnostics(CompiledProtocol protocol) =>
        [.. protocol.Diagnostics.Select(d =>
        {
            var (line, column) = d.Source is { } s ? s.GetLinePosition(d.Span.Start) : (0, 0);
            return (object)new
            {
                code = d.Code,
                severity = d.Severity.ToString().ToLowerInvariant(),
                message = d.Message,
                file = d.Source is { } src && !src.Path.EndsWith("submitted.protocol", StringComparison.Ordinal) && !src.Path.EndsWith("protocol.protocol", StringComparison.Ordinal)
                    ? Path.GetFileName(src.Path) : null,
                line,
                column,
                start = d.Span.Start,
                length = d.Span.Length,
            };
        })];

    /// <summary>Publishes a text as the next version of its protocol, signed by its author; the same content publishes once (a draft of it is signed).</summary>
    public async Task<(ProtocolVersionRecord Version, bool Created)> PublishAsync(CurrentUser author, string text, SignatureRequest? signature, CancellationToken ct)
    {
        var (bundle, sources) = Storable(text, "published");
        var p = bundle.Protocol;
        var now = clock.GetCurrentInstant();
        // The signature is checked before anything is written: a wrong password publishes nothing.
        var probe = await signatures.SignAsync(author, signature, "protocol", p.Name, p.ContentHash, ["authorship", "approval"], ct);
        var (version, created) = await store.PublishProtocolAsync(p.Name, p.ContentHash, (id, number) =>
        {
            var recordHash = SignatureService.RecordHash("pe-protocol-version-v1", id, p.Name, number.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Version, p.ContentHash, author.UserName);
            var sig = probe with
            {
                RecordId = id,
                RecordHash = recordHash,
                SignatureHash = Workflows.Signatures.SignatureHashing.SignatureHash(recordHash, probe.SignerId, probe.PrintedName, probe.Meaning, probe.SignedAt),
            };
            return (new ProtocolVersionRecord(id, p.Name, number, p.Version, p.ContentHash, p.Title, sources, author.UserName, now, sig.Id), sig);
        }, ct);
        if (created)
        {
            _versions[version.Id] = bundle;
            await audit.WriteAsync(author.UserName, "protocol-published", "protocol:" + version.Id, null, version.ContentHash, $"version {version.Label}; signed ({probe.Meaning})", ct: ct);
        }
        return (version, created);
    }

    /// <summary>
    /// Saves a text as a draft version of its protocol (unsigned: publishing the same content later signs it), with its
    /// content hash, author and time. <paramref name="baseVersion"/> is the version the text was edited from (null for a
    /// protocol never saved): when another version was saved since, nothing is written and the answer is a conflict naming
    /// it. The same content as an existing version saves nothing and returns that version.
    /// </summary>
    public async Task<(ProtocolVersionRecord Version, bool Created)> SaveDraftAsync(CurrentUser author, string text, string? baseVersion, CancellationToken ct)
    {
        var (bundle, sources) = Storable(text, "saved");
        var p = bundle.Protocol;
        var now = clock.GetCurrentInstant();
        var (version, created, conflict) = await store.SaveProtocolVersionAsync(p.Name, p.ContentHash, baseVersion,
            (id, number) => (new ProtocolVersionRecord(id, p.Name, number, p.Version, p.ContentHash, p.Title, sources, author.UserName, now, null), null), ct);
        if (conflict)
        {
            var detail = version is null
                ? $"{p.Name} has no version {baseVersion}: the text names protocol {p.Name}, which has no saved version yet. Save it as new (no base version)."
                : $"{version.Author} saved {version.Id} ({version.ContentHash[..12]}) at {version.PublishedAt} after {baseVersion ?? "you started"}; nothing was saved. Open {version.Id}, merge your changes and save again.";
            throw new ApiException(ApiErrors.Conflict, detail, new Dictionary<string, object?>
            {
                ["latest"] = version is null ? null : new { id = version.Id, number = version.Number, contentHash = version.ContentHash, author = version.Author, savedAt = version.PublishedAt },
                ["baseVersion"] = baseVersion,
            });
        }
        if (created)
        {
            _versions[version!.Id] = bundle;
            await audit.WriteAsync(author.UserName, "protocol-draft-saved", "protocol:" + version.Id, baseVersion, version.ContentHash, $"draft {version.Label}", ct: ct);
        }
        return (version!, created);
    }

    // A text compiled without errors, as a version stores it; the stored texts must compile to the same hash, so what is kept
    // is exactly what ran.
    private static (CompiledBundle Bundle, string Sources) Storable(string text, string what)
    {
        var bundle = Compile(text);
        var p = bundle.Protocol;
        if (p.HasErrors)
            throw new ApiException(ApiErrors.ProtocolHasErrors, $"{p.Name} has {p.Diagnostics.Count(d => d.IsError)} error(s); nothing was {what}.",
                new Dictionary<string, object?> { ["diagnostics"] = Diagnostics(p) });
        if (p.IsLibrary) throw new ApiException(ApiErrors.BadRequest, $"{p.Name} is a library; publish the protocols that import it.");
        var sources = JsonSerializer.Serialize(new StoredSources(bundle.Main, new Dictionary<string, string>(bundle.Libraries)));
        if (FromSources(sources).Protocol.ContentHash != p.ContentHash)
            throw new InvalidOperationException($"The stored sources of {p.Name} do not compile to the same content hash.");
        return (bundle, sources);
    }

    /// <summary>A published version and its compilation (compiled from its stored texts once per process).</summary>
    public async Task<(ProtocolVersionRecord Record, CompiledBundle Bundle)> GetAsync(string id, CancellationToken ct)
    {
        var record = await store.GetProtocolAsync(id, ct) ?? throw new ApiException(ApiErrors.NotFound, $"No published protocol version {id}.");
        var bundle = _versions.GetOrAdd(id, _ => FromSources(record.Sources));
        return (record, bundle);
    }

    /// <summary>A version by protocol name and number.</summary>
    public Task<(ProtocolVersionRecord Record, CompiledBundle Bundle)> GetAsync(string name, long number, CancellationToken ct) =>
        GetAsync($"{name}@{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}", ct);

    /// <summary>A version as the API shows it (without the rendering).</summary>
    public static object Summary(ProtocolVersionRecord v, ServerSignatureRecord? signature) => new
    {
        id = v.Id,
        name = v.Name,
        number = v.Number,
        version = v.Label,
        title = v.Title,
        contentHash = v.ContentHash,
        author = v.Author,
        publishedAt = v.PublishedAt,
        // A version nobody signed is a draft the designer saved; publishing the same content signs it.
        draft = v.SignatureId is null,
        signature = signature is null ? null : SignatureView(signature),
    };

    /// <summary>A server signature as it is shown wherever its record is shown.</summary>
    public static object SignatureView(ServerSignatureRecord s) => new
    {
        signer = s.SignerId,
        printedName = s.PrintedName,
        meaning = s.Meaning,
        signedAt = s.SignedAt,
        recordHash = s.RecordHash,
        signatureHash = s.SignatureHash,
        valid = Workflows.Signatures.SignatureHashing.SignatureHash(s.RecordHash, s.SignerId, s.PrintedName, s.Meaning, s.SignedAt) == s.SignatureHash,
    };

    /// <summary>The protocol rendered for reading: criteria numbered with their text and formal rule, checks, safety rules, workflows, parameters, arms, visits, citations.</summary>
    public static object Render(ProtocolVersionRecord v, CompiledProtocol p, ServerSignatureRecord? signature)
    {
        var header = p.Syntax.Header;

        return new
        {
            protocol = Summary(v, signature),
            phase = p.Phase,
            amends = p.Amends,
            sponsor = header?.Sponsor?.Value,
            indication = header?.Indication?.Value,
            citations = header?.Citations.Select(c => c.Value).ToList() ?? [],
            libraries = p.Libraries.Select(l => new { name = l.Name, alias = l.Alias }).ToList(),
            criteria = p.Criteria.Select((c, i) => new
            {
                number = i + 1,
                id = c.Id,
                kind = c.Kind == Language.Syntax.CriterionKind.Inclusion ? "inclusion" : "exclusion",
                text = c.Title,
                rule = c.Syntax.Rule is { } r ? c.Source.Slice(r.Span) : null,
                attestedBy = c.AttestedBy?.Name,
                phase = c.Phase,
                citations = c.Syntax.Citations.Select(x => x.Value).ToList(),
                hash = c.Hash,
            }).ToList(),
            checks = p.Checks.Select(c => new { id = c.Id, text = c.Source.Slice(c.Syntax.Span), queryTo = c.QueryTo?.Name, hash = c.Hash }).ToList(),
            safetyRules = p.SafetyRules.Select(s => new { id = s.Id, title = s.Title, classification = s.Classification, text = s.Text, hash = s.Hash }).ToList(),
            workflows = p.WorkflowDefinitions.Select(w => new
            {
                name = w.Name,
                title = w.Title,
                perSubject = w.Scope.PerSubject,
                domain = w.Scope.Domain,
                states = w.States.Select(s => new
                {
                    name = s.Name,
                    initial = s.IsInitial,
                    final = s.IsFinal,
                    tasks = (s.Tasks ?? []).Select(t => new { name = t.Name, title = t.Title, kind = t.Kind, roles = t.CandidateRoles, signature = t.Signature, decisions = t.AllowedDecisions() }).ToList(),
                }).ToList(),
                transitions = w.Transitions.Select(t => new { from = t.From, to = t.To, guard = Workflows.Definitions.WorkflowDefinitionExtensions.Describe(t.Guard) }).ToList(),
            }).ToList(),
            parameters = p.Parameters.Values.Select(x => new { name = x.Name, text = p.Source.Slice(x.Syntax.Span) }).ToList(),
            arms = p.Arms.Values.Select(a => new { name = a.Name, title = a.Title, ratio = a.Ratio }).ToList(),
            visits = p.Visits.Values.OrderBy(x => x.Number).Select(x => new { name = x.Name, number = x.Number, text = p.Source.Slice(x.Syntax.Span) }).ToList(),
        };
    }

    /// <summary>Two versions compared criterion by criterion (the protocol diff, and the first part of a study's amendment impact).</summary>
    public static object Diff(ProtocolVersionRecord a, ProtocolVersionRecord b, ProtocolDiffResult diff) => new
    {
        from = new { id = a.Id, version = a.Label, contentHash = a.ContentHash },
        to = new { id = b.Id, version = b.Label, contentHash = b.ContentHash },
        changed = diff.Changed.Count(),
        criteria = diff.Criteria.Select(c => new
        {
            id = c.Id,
            change = c.Change.ToString().ToLowerInvariant(),
            titleChanged = c.TitleChanged,
            ruleChanged = c.RuleChanged,
            kindChanged = c.KindChanged,
            attestationChanged = c.AttestationChanged,
            phaseChanged = c.PhaseChanged,
            canAlterOutcome = c.CanAlterOutcome,
            before = DiffSide(c.Before),
            after = DiffSide(c.After),
        }).ToList(),
    };

    // The rule hash is the criterion's identity; the decision hash is why ruleChanged is true or false.
    private static object? DiffSide(BoundCriterion? c) => c is null ? null : new
    {
        text = c.Title,
        kind = c.Kind.ToString().ToLowerInvariant(),
        rule = ProtocolDiff.RuleText(c),
        attestedBy = c.AttestedBy?.Name,
        hash = c.Hash,
        decisionHash = c.DecisionHash,
    };

    private sealed class RecordingResolver(ISourceResolver inner) : ISourceResolver
    {
        private readonly ConcurrentDictionary<string, string> _resolved = new(StringComparer.Ordinal);

        public IReadOnlyDictionary<string, string> Resolved => _resolved;

        public SourceText? Resolve(string qualifiedName, SourceText importer)
        {
            var s = inner.Resolve(qualifiedName, importer);
            if (s is not null) _resolved[qualifiedName] = s.Text;
            return s;
        }
    }
}
