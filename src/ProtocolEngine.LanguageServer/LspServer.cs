using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.LanguageService;
using ProtocolEngine.LanguageService.Features;
using ProtocolEngine.LanguageService.Text;
using ProtocolEngine.LanguageService.Workflows;
using ProtocolEngine.LanguageService.Workspace;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.LanguageServer;

/// <summary>Where the server finds libraries.</summary>
/// <param name="LibraryRoots">Folders searched for <c>import</c>s after the importing file's folders (the shipped standard library's parent).</param>
public sealed record LanguageServerOptions(IReadOnlyList<string> LibraryRoots);

/// <summary>
/// The Language Server Protocol over stdio (<c>protocol lsp</c>) on the language service: diagnostics as you type,
/// quick fixes, completion, hover, definition, references, rename across imports, document symbols, formatting and
/// semantic tokens. Messages are handled one at a time in arrival order, so an edit is always applied before the
/// request that follows it. A linked study (initialization option <c>studyData</c>, or the setting
/// <c>protocolEngine.studyData</c>, with <c>studyEncoding</c> when its files are not UTF-8) feeds completion with the codes it holds.
/// </summary>
public sealed class LspServer
{
    /// <summary>The semantic token types, in the order of <see cref="SemanticTokenType"/>.</summary>
    public static readonly ImmutableArray<string> TokenTypes =
        ["namespace", "type", "class", "enum", "parameter", "variable", "property", "enumMember", "event", "function", "keyword", "comment", "string", "number", "operator", "macro"];

    /// <summary>The semantic token modifiers, by bit of <see cref="SemanticTokenModifiers"/>.</summary>
    public static readonly ImmutableArray<string> TokenModifiers = ["declaration", "defaultLibrary"];

    private readonly JsonRpcConnection _connection;
    private readonly LanguageWorkspace _workspace;
    private readonly ProtocolLanguageService _service;
    private bool _shutdown;
    private string? _study;

    private LspServer(Stream input, Stream output, LanguageServerOptions options)
    {
        _connection = new JsonRpcConnection(input, output);
        _workspace = new LanguageWorkspace(new FileSourceResolver(options.LibraryRoots))
        {
            LibraryNames = [.. options.LibraryRoots.Select(r => Path.Combine(r, "std")).Where(Directory.Exists)
                .SelectMany(d => Directory.GetFiles(d, "*.protocol")).Select(f => "std." + Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)],
        };
        _service = new ProtocolLanguageService(_workspace);
    }

    /// <summary>Serves one client until it sends <c>exit</c> or closes the input. Returns the process exit code (0 after a shutdown request, 1 otherwise).</summary>
    public static async Task<int> RunAsync(Stream input, Stream output, LanguageServerOptions options, CancellationToken cancellation = default)
    {
        var server = new LspServer(input, output, options);
        while (await server._connection.ReadAsync(cancellation) is { } message)
        {
            var method = message["method"]?.GetValue<string>();
            var id = message["id"];
            if (method == "exit") return server._shutdown ? 0 : 1;
            try
            {
                var result = await server.HandleAsync(method ?? "", message["params"], id is not null);
                if (id is not null) await server._connection.RespondAsync(id, result);
            }
            catch (MethodNotFound)
            {
                if (id is not null) await server._connection.RespondErrorAsync(id, -32601, $"Method not supported: {method}");
            }
            catch (Exception e) when (e is ArgumentException or WorkflowEditException or FormatException)
            {
                // A request the server cannot answer (a rename to an invalid name, a document it does not have) fails alone.
                if (id is not null) await server._connection.RespondErrorAsync(id, -32803, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug in one request must not take the editor's server down: the request fails and the error is logged.
                await Console.Error.WriteLineAsync($"protocol lsp: {method} failed: {e}");
                if (id is not null) await server._connection.RespondErrorAsync(id, -32603, $"Internal error ({e.GetType().Name}): {e.Message}. This is a bug in ProtocolEngine.");
            }
        }
        return server._shutdown ? 0 : 1;
    }

    private sealed class MethodNotFound : Exception;

    private async Task<object?> HandleAsync(string method, JsonNode? p, bool isRequest)
    {
        switch (method)
        {
            case "initialize":
                Initialize(p);
                return Capabilities();
            case "initialized":
            case "$/cancelRequest":
            case "$/setTrace":
            case "textDocument/didSave":
                return null;
            case "shutdown":
                _shutdown = true;
                return null;
            case "workspace/didChangeConfiguration":
                if (p?["settings"]?["protocolEngine"]?["studyData"]?.GetValue<string>() is { Length: > 0 } study)
                    LinkStudy(study, p["settings"]!["protocolEngine"]!["studyEncoding"]?.GetValue<string>());
                return null;
            case "textDocument/didOpen":
            {
                var document = p!["textDocument"]!;
                var path = PathOf(document["uri"]!.GetValue<string>());
                _workspace.Open(path, document["text"]!.GetValue<string>(), document["version"]?.GetValue<int>() ?? 0);
                await PublishAsync(path);
                return null;
            }
            case "textDocument/didChange":
            {
                var path = PathOf(p!["textDocument"]!["uri"]!.GetValue<string>());
                var text = _workspace.Get(path)?.Text ?? "";
                foreach (var change in p["contentChanges"]!.AsArray())
                {
                    if (change!["range"] is { } range)
                    {
                        var lines = new LineMap(text);
                        var span = lines.SpanOf(RangeOf(range));
                        text = text[..span.Start] + change["text"]!.GetValue<string>() + text[span.End..];
                    }
                    else text = change["text"]!.GetValue<string>();
                }
                _workspace.Open(path, text, p["textDocument"]!["version"]?.GetValue<int>() ?? 0);
                await PublishAsync(path);
                return null;
            }
            case "textDocument/didClose":
            {
                var path = PathOf(p!["textDocument"]!["uri"]!.GetValue<string>());
                _workspace.Close(path);
                await _connection.NotifyAsync("textDocument/publishDiagnostics", new { uri = UriOf(path), diagnostics = Array.Empty<object>() });
                return null;
            }
            case "textDocument/completion":
            {
                var (path, position) = Where(p);
                var list = _service.Completion(path, position);
                return new
                {
                    isIncomplete = false,
                    items = list.Items.Select(i => new
                    {
                        label = i.Label,
                        kind = CompletionKindOf(i.Kind),
                        detail = i.Detail,
                        documentation = i.Documentation is null ? null : new { kind = "markdown", value = i.Documentation },
                        sortText = i.SortText,
                        textEdit = new { range = Range(list.Replace), newText = i.InsertText ?? i.Label },
                    }),
                };
            }
            case "textDocument/hover":
            {
                var (path, position) = Where(p);
                return _service.Hover(path, position) is { } hover ? new { contents = new { kind = "markdown", value = hover.Markdown }, range = Range(hover.Range) } : null;
            }
            case "textDocument/definition":
            {
                var (path, position) = Where(p);
                return _service.Definition(path, position).Select(Location).ToArray();
            }
            case "textDocument/references":
            {
                var (path, position) = Where(p);
                bool declaration = p!["context"]?["includeDeclaration"]?.GetValue<bool>() ?? true;
                return _service.References(path, position, declaration).Select(Location).ToArray();
            }
            case "textDocument/prepareRename":
            {
                var (path, position) = Where(p);
                return _service.PrepareRename(path, position) is { } at ? Range(at.Range) : null;
            }
            case "textDocument/rename":
            {
                var (path, position) = Where(p);
                var edit = _service.Rename(path, position, p!["newName"]!.GetValue<string>());
                return new { changes = edit.Changes.ToDictionary(c => UriOf(c.Key), c => Edits(c.Key, c.Value)) };
            }
            case "textDocument/documentSymbol":
                return _service.DocumentSymbols(PathOf(p!["textDocument"]!["uri"]!.GetValue<string>())).Select(Symbol).ToArray();
            case "textDocument/formatting":
            {
                var path = PathOf(p!["textDocument"]!["uri"]!.GetValue<string>());
                return Edits(path, _service.Format(path));
            }
            case "textDocument/semanticTokens/full":
                return new { data = Encode(_service.SemanticTokens(PathOf(p!["textDocument"]!["uri"]!.GetValue<string>()))) };
            case "textDocument/codeAction":
            {
                var path = PathOf(p!["textDocument"]!["uri"]!.GetValue<string>());
                var uri = UriOf(path);
                return _service.QuickFixes(path, RangeOf(p["range"]!)).Select(f => new
                {
                    title = f.Title,
                    kind = "quickfix",
                    isPreferred = true,
                    edit = new { changes = new Dictionary<string, object> { [uri] = new[] { new { range = Range(f.Range), newText = f.Edit.NewText } } } },
                }).ToArray();
            }
            default:
                if (isRequest) throw new MethodNotFound();
                return null;
        }
    }

    // ---------------------------------------------------------------- initialize

    private void Initialize(JsonNode? p)
    {
        var roots = new List<string>();
        foreach (var folder in p?["workspaceFolders"]?.AsArray() ?? [])
            if (folder?["uri"]?.GetValue<string>() is { } uri) roots.Add(PathOf(uri));
        if (roots.Count == 0 && p?["rootUri"]?.GetValue<string>() is { } root) roots.Add(PathOf(root));
        // The workspace's other protocol files, for references and renames across files.
        foreach (var file in roots.Where(Directory.Exists).SelectMany(r => Directory.EnumerateFiles(r, "*.protocol", SearchOption.AllDirectories)).Take(2000))
        {
            try
            {
                _workspace.AddFile(Path.GetFullPath(file), File.ReadAllText(file));
            }
            catch (IOException)
            {
                // A file that cannot be read is simply not part of the workspace.
            }
        }
        if (p?["initializationOptions"]?["studyData"]?.GetValue<string>() is { Length: > 0 } study)
            LinkStudy(study, p["initializationOptions"]!["studyEncoding"]?.GetValue<string>());
    }

    private void LinkStudy(string path, string? encoding)
    {
        if (path == _study) return;
        _study = path;
        // Loading a study takes a while: completion offers its codes once it is loaded.
        _ = Task.Run(async () =>
        {
            try
            {
                var loaded = StudyLoader.Load(path, new StudyLoadOptions { Encoding = encoding is { Length: > 0 } ? ProtocolEngine.Data.Text.TextEncodings.Parse(encoding) : null });
                _workspace.Study = new StudyVocabulary(loaded.Data, Path.GetFileName(Path.TrimEndingDirectorySeparator(path)));
                await _connection.NotifyAsync("window/logMessage", new { type = 3, message = $"Linked study {path}: {loaded.Data.SubjectCount} subjects." });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ProtocolEngine.Data.DataFormatException or ArgumentException)
            {
                await _connection.NotifyAsync("window/showMessage", new { type = 1, message = $"The study {path} could not be loaded: {e.Message}" });
            }
        });
    }

    private static object Capabilities() => new
    {
        capabilities = new
        {
            textDocumentSync = new { openClose = true, change = 2, save = new { includeText = false } },
            completionProvider = new { triggerCharacters = new[] { ".", "'", " " }, resolveProvider = false },
            hoverProvider = true,
            definitionProvider = true,
            referencesProvider = true,
            renameProvider = new { prepareProvider = true },
            documentSymbolProvider = true,
            documentFormattingProvider = true,
            codeActionProvider = new { codeActionKinds = new[] { "quickfix" } },
            semanticTokensProvider = new { legend = new { tokenTypes = TokenTypes, tokenModifiers = TokenModifiers }, full = true },
        },
        serverInfo = new { name = "protocol-lsp", version = typeof(LspServer).Assembly.GetName().Version?.ToString(3) ?? "0.1.0" },
    };

    // ---------------------------------------------------------------- diagnostics

    private async Task PublishAsync(string path)
    {
        await PublishOneAsync(path);
        // An edited library changes what the open files that import it say.
        if (_workspace.Analyze(path).Compiled.IsLibrary)
            foreach (var other in _workspace.OpenDocuments.Where(d => d.Path != path).ToList())
                if (_workspace.Analyze(other.Path).Compiled.Libraries.Any(l => l.Source.Path == path)) await PublishOneAsync(other.Path);
    }

    private Task PublishOneAsync(string path)
    {
        var document = _workspace.Get(path);
        var diagnostics = _service.Diagnostics(path).Select(d => new
        {
            range = Range(d.Range),
            severity = d.Severity switch { DiagnosticSeverity.Error => 1, DiagnosticSeverity.Warning => 2, _ => 3 },
            code = d.Code,
            source = "protocol",
            message = d.Message,
        }).ToArray();
        return _connection.NotifyAsync("textDocument/publishDiagnostics", new { uri = UriOf(path), version = document?.Version, diagnostics });
    }

    // ---------------------------------------------------------------- conversions

    private static (string Path, LinePosition Position) Where(JsonNode? p) =>
        (PathOf(p!["textDocument"]!["uri"]!.GetValue<string>()), PositionOf(p["position"]!));

    private static LinePosition PositionOf(JsonNode position) => new(position["line"]!.GetValue<int>(), position["character"]!.GetValue<int>());

    private static LineRange RangeOf(JsonNode range) => new(PositionOf(range["start"]!), PositionOf(range["end"]!));

    private static object Range(LineRange range) => new
    {
        start = new { line = range.Start.Line, character = range.Start.Character },
        end = new { line = range.End.Line, character = range.End.Character },
    };

    private static object Location(SourceLocation location) => new { uri = UriOf(location.Path), range = Range(location.Range) };

    private object[] Edits(string path, IEnumerable<TextEdit> edits)
    {
        var lines = _workspace.Get(path)?.Lines ?? new LineMap(File.Exists(path) ? File.ReadAllText(path) : "");
        return [.. edits.Select(e => (object)new { range = Range(lines.RangeOf(e.Span)), newText = e.NewText })];
    }

    private static object Symbol(DocumentSymbol s) => new
    {
        name = s.Name,
        detail = s.Detail,
        kind = s.Kind switch
        {
            DocumentSymbolKind.Protocol => 2,
            DocumentSymbolKind.Import => 3,
            DocumentSymbolKind.Parameter => 14,
            DocumentSymbolKind.Block => 19,
            DocumentSymbolKind.Entry => 20,
            DocumentSymbolKind.CodeList => 10,
            DocumentSymbolKind.Definition => 13,
            DocumentSymbolKind.Function => 12,
            DocumentSymbolKind.Criterion => 17,
            DocumentSymbolKind.Check => 6,
            DocumentSymbolKind.Table => 18,
            DocumentSymbolKind.SafetyRule => 24,
            DocumentSymbolKind.Workflow => 5,
            DocumentSymbolKind.State => 22,
            _ => 25,
        },
        range = Range(s.Range),
        selectionRange = Range(s.SelectionRange),
        children = s.Children.Select(Symbol).ToArray(),
    };

    private static int CompletionKindOf(CompletionKind kind) => kind switch
    {
        CompletionKind.Keyword => 14,
        CompletionKind.Definition => 6,
        CompletionKind.Function or CompletionKind.Builtin => 3,
        CompletionKind.Parameter => 21,
        CompletionKind.CodeList => 13,
        CompletionKind.Visit or CompletionKind.State or CompletionKind.Phase => 20,
        CompletionKind.Local => 6,
        CompletionKind.Domain => 7,
        CompletionKind.Variable => 10,
        CompletionKind.Value => 12,
        CompletionKind.Role => 8,
        CompletionKind.Task => 23,
        CompletionKind.Library => 9,
        _ => 1,
    };

    /// <summary>Semantic tokens in the protocol's relative encoding: line delta, start delta, length, type, modifiers.</summary>
    internal static int[] Encode(IEnumerable<SemanticToken> tokens)
    {
        var data = new List<int>();
        int line = 0, character = 0;
        foreach (var t in tokens.OrderBy(t => t.Line).ThenBy(t => t.Character))
        {
            data.Add(t.Line - line);
            data.Add(t.Line == line ? t.Character - character : t.Character);
            data.Add(t.Length);
            data.Add((int)t.Type);
            data.Add((int)t.Modifiers);
            line = t.Line;
            character = t.Character;
        }
        return [.. data];
    }

    /// <summary>A document URI as a path (file URIs; any other scheme keeps a path of its own under the temporary folder).</summary>
    internal static string PathOf(string uri)
    {
        if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile) return Path.GetFullPath(parsed.LocalPath);
        return Path.Combine(Path.GetTempPath(), "protocol-lsp", Uri.EscapeDataString(uri) + ".protocol");
    }

    /// <summary>A path as a file URI.</summary>
    internal static string UriOf(string path) => new Uri(path).AbsoluteUri;
}
