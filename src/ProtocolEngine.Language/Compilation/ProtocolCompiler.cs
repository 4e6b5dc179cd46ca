using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Types;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Language.Compilation;

/// <summary>Finds the text of an imported library. Hosts implement it (the compiler does no I/O).</summary>
public interface ISourceResolver
{
    /// <summary>The source of library <paramref name="qualifiedName"/> imported by <paramref name="importer"/>, or null when none exists.</summary>
    SourceText? Resolve(string qualifiedName, SourceText importer);
}

/// <summary>A resolver over sources held in memory (tests, editors), keyed by qualified library name.</summary>
public sealed class InMemorySourceResolver(IReadOnlyDictionary<string, string> libraries) : ISourceResolver
{
    /// <inheritdoc />
    public SourceText? Resolve(string qualifiedName, SourceText importer) =>
        libraries.TryGetValue(qualifiedName, out var text) ? new SourceText(text, qualifiedName.Replace('.', '/') + ".protocol") : null;
}

/// <summary>Options of a compilation.</summary>
public sealed record CompilerOptions
{
    /// <summary>
    /// A data model to bind against instead of the one the header names, such as SDTMIG 3.4 refined by a
    /// study's define.xml.
    /// </summary>
    public IDataModel? DataModel { get; init; }

    /// <summary>The sizes the compiler accepts (file length, nesting, criteria, chains of definitions).</summary>
    public CompilerLimits Limits { get; init; } = CompilerLimits.Default;
}

/// <summary>
/// Compiles .protocol text: parses, resolves imports, binds and checks, and returns a
/// <see cref="CompiledProtocol"/>. Results are cached by content hash, so recompiling unchanged text is free
/// and a compiled protocol is shared by everyone who asks for the same text.
/// </summary>
public sealed class ProtocolCompiler(ISourceResolver resolver, CompilerOptions? options = null)
{
    private readonly CompilerOptions _options = options ?? new CompilerOptions();
    private readonly ConcurrentDictionary<string, CompiledProtocol> _cache = new(StringComparer.Ordinal);
    private const int CacheLimit = 256;

    /// <summary>A compiler that resolves no imports.</summary>
    public static ProtocolCompiler Standalone { get; } = new(new InMemorySourceResolver(new Dictionary<string, string>()));

    /// <summary>Compiles a protocol or library file.</summary>
    public CompiledProtocol Compile(SourceText source)
    {
        var sources = new List<(SourceText Source, string Name)>();
        var parsed = new Dictionary<string, ParseResult<ProtocolFileSyntax>>(StringComparer.Ordinal);
        CollectSources(source, "", sources, parsed, new HashSet<string>(StringComparer.Ordinal));
        var hash = ContentHash(sources);
        // The hash names the content wherever the files are; the cache also keys on where they are, since
        // diagnostics name the files.
        var cacheKey = hash + "|" + string.Join("|", sources.Select(s => s.Source.Path));
        if (_cache.TryGetValue(cacheKey, out var cached)) return cached;
        // A long-lived compiler (a command line run in-process, a host) sees ever new texts: the cache starts over
        // rather than keep every compilation it ever made.
        if (_cache.Count >= CacheLimit) _cache.Clear();
        return _cache.GetOrAdd(cacheKey, _ => CompileUncached(source, parsed, hash));
    }

    /// <summary>Compiles without consulting or filling the cache (for benchmarks that measure a full recompile).</summary>
    public CompiledProtocol CompileFresh(SourceText source)
    {
        var sources = new List<(SourceText Source, string Name)>();
        var parsed = new Dictionary<string, ParseResult<ProtocolFileSyntax>>(StringComparer.Ordinal);
        CollectSources(source, "", sources, parsed, new HashSet<string>(StringComparer.Ordinal));
        return CompileUncached(source, parsed, ContentHash(sources));
    }

    /// <summary>
    /// Compiles for an editor, where every keystroke is new text: like <see cref="CompileFresh"/> it neither consults nor
    /// fills the whole-protocol cache, but it reuses what did not change since an earlier call on this compiler: the parse
    /// of every file whose text is the same, and the binding of every library the protocol imports without overrides
    /// while no imported library's text changed. Diagnostics and rules are those <see cref="Compile"/> gives.
    /// </summary>
    public CompiledProtocol CompileIncremental(SourceText source)
    {
        var sources = new List<(SourceText Source, string Name)>();
        var parsed = new Dictionary<string, ParseResult<ProtocolFileSyntax>>(StringComparer.Ordinal);
        CollectSources(source, "", sources, parsed, new HashSet<string>(StringComparer.Ordinal), reuse: true);
        var libraries = new StringBuilder();
        foreach (var (library, name) in sources.Where(s => s.Name.Length > 0).OrderBy(s => s.Name, StringComparer.Ordinal))
            libraries.Append(name).Append('\n').Append(library.Path).Append('\n').Append(library.Text).Append('\n');
        return CompileUncached(source, parsed, ContentHash(sources), Sha256Hex.Of(libraries.ToString()));
    }

    // What CompileIncremental keeps between calls: the last parse of each file, and libraries bound without overrides
    // keyed by their name, the data model and the text of every library of the compilation.
    private readonly ConcurrentDictionary<string, ParseResult<ProtocolFileSyntax>> _parses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Name, string Libraries, IDataModel? Model), BoundLibrary> _boundLibraries = new();
    private const int BoundLibraryLimit = 64;

    /// <summary>A library bound on its own: its exports, every library bound with it (itself included) and their diagnostics.</summary>
    private sealed record BoundLibrary(LibraryExports Exports, IReadOnlyDictionary<string, LibraryExports> All, IReadOnlyList<Diagnostic> Diagnostics);

    private ParseResult<ProtocolFileSyntax> ParseReusing(SourceText source)
    {
        if (_parses.TryGetValue(source.Path, out var last) && string.Equals(last.Source.Text, source.Text, StringComparison.Ordinal)) return last;
        var result = Parse(source);
        _parses[source.Path] = result;
        return result;
    }

    private void CollectSources(SourceText source, string name, List<(SourceText Source, string Name)> sources, Dictionary<string, ParseResult<ProtocolFileSyntax>> parsed, HashSet<string> visiting,
        bool reuse = false)
    {
        if (parsed.ContainsKey(source.Path)) return;
        var result = reuse && name.Length > 0 ? ParseReusing(source) : Parse(source);
        parsed[source.Path] = result;
        sources.Add((source, name));
        foreach (var import in result.Root.Declarations.OfType<ImportSyntax>())
        {
            var library = import.Library.Text;
            if (!visiting.Add(library)) continue;
            if (resolver.Resolve(library, source) is { } resolved) CollectSources(resolved, library, sources, parsed, visiting, reuse);
        }
    }

    /// <summary>Parses a file, or reports it too large to parse (its text is then not read at all).</summary>
    private ParseResult<ProtocolFileSyntax> Parse(SourceText source)
    {
        var limits = _options.Limits;
        if (source.Text.Length <= limits.MaxSourceLength) return ProtocolParser.ParseFile(source, limits);
        return new ParseResult<ProtocolFileSyntax>(new ProtocolFileSyntax(new TextSpan(0, 0), null, []), source,
            [DiagnosticCatalog.SourceTooLarge(new TextSpan(0, 0), limits.MaxSourceLength) with { Source = source }]);
    }

    /// <summary>
    /// SHA-256 of the protocol's text and each imported library's name and text (line endings normalised), never
    /// of where the files are: the same protocol hashes the same on a laptop, in CI and in a regulator's copy.
    /// </summary>
    private static string ContentHash(IEnumerable<(SourceText Source, string Name)> sources)
    {
        var sb = new StringBuilder();
        foreach (var (source, name) in sources.OrderBy(s => s.Name, StringComparer.Ordinal))
            sb.Append(name).Append('\n').Append(source.Text.Replace("\r\n", "\n", StringComparison.Ordinal)).Append('\n');
        return Sha256Hex.Of(sb.ToString());
    }

    private CompiledProtocol CompileUncached(SourceText source, Dictionary<string, ParseResult<ProtocolFileSyntax>> parsed, string hash, string? librariesHash = null)
    {
        var diagnostics = new List<Diagnostic>();
        var file = parsed[source.Path];
        diagnostics.AddRange(file.Diagnostics);
        if (file.Root.Header is null && file.Root.Declarations.Length > 0)
            diagnostics.Add(DiagnosticCatalog.MissingHeader(new TextSpan(0, 0)) with { Source = source });

        var model = ResolveDataModel(file.Root, source, diagnostics, inherited: null);
        var libraries = new Dictionary<string, LibraryExports>(StringComparer.Ordinal);
        var imports = BindImports(file.Root, source, parsed, model, diagnostics, libraries, new Stack<string>(), librariesHash);

        var binder = new Binder(source, file.Root, diagnostics, model, imports, null) { Limits = _options.Limits };
        binder.BindFile();
        if (file.Root.Header?.IsLibrary != true)
        {
            CheckImportedWorkflows(file.Root, source, binder, imports, diagnostics);
            CheckCriteriaCount(file.Root, source, binder, diagnostics);
        }

        var allLibraries = libraries.Values.ToImmutableArray();
        // A protocol's own check, rule or workflow replaces an imported one of the same name.
        var ownChecks = binder.Checks.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var ownRules = binder.SafetyRules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var ownWorkflows = binder.Workflows.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        ImmutableArray<BoundWorkflow> workflows = [.. binder.Workflows, .. allLibraries.SelectMany(l => l.Workflows).Where(w => !ownWorkflows.Contains(w.Name))];
        var lowered = Lower(workflows, hash, diagnostics);
        return new CompiledProtocol(binder)
        {
            Source = source,
            Syntax = file.Root,
            Diagnostics = diagnostics.OrderBy(d => d.Source == source ? 0 : 1).ThenBy(d => d.Source?.Path, StringComparer.Ordinal)
                .ThenBy(d => d.Span.Start).ThenBy(d => d.Code, StringComparer.Ordinal).ToList(),
            Name = file.Root.Header?.Name.Text ?? Path.GetFileNameWithoutExtension(source.Path),
            DataModel = model,
            ContentHash = hash,
            Criteria = binder.Criteria,
            // A protocol's own check, rule or workflow replaces an imported one of the same name.
            Checks = [.. binder.Checks, .. allLibraries.SelectMany(l => l.Checks).Where(c => !ownChecks.Contains(c.Id))],
            SafetyRules = [.. binder.SafetyRules, .. allLibraries.SelectMany(l => l.SafetyRules).Where(r => !ownRules.Contains(r.Id))],
            Workflows = workflows,
            WorkflowDefinitions = lowered,
            Visits = binder.Visits,
            Arms = binder.Arms,
            Randomization = binder.Randomization,
            Libraries = allLibraries,
        };
    }

    /// <summary>
    /// Lowers the workflows to the IR the runtime executes, when the protocol has no errors, and checks the result as the
    /// runtime will: the binder reports everything first, so anything found here is reported on the workflow's name.
    /// </summary>
    private static ImmutableArray<WorkflowDefinition> Lower(ImmutableArray<BoundWorkflow> workflows, string hash, List<Diagnostic> diagnostics)
    {
        if (diagnostics.Any(d => d.IsError)) return [];
        var lowered = workflows.Select(w => WorkflowLowering.Lower(w, hash)).ToImmutableArray();
        for (int i = 0; i < workflows.Length; i++)
            foreach (var d in WorkflowValidator.Validate(lowered[i]))
                diagnostics.Add(d with { Span = workflows[i].Syntax.Name.Span, Source = workflows[i].Source });
        return diagnostics.Any(d => d.IsError) ? [] : lowered;
    }

    /// <summary>
    /// A library's workflows run with the importer's criteria and arms, so their phases and <c>randomize</c> are checked
    /// here, against each protocol that imports them, and reported on the import.
    /// </summary>
    private static void CheckImportedWorkflows(ProtocolFileSyntax file, SourceText source, Binder binder, ImmutableArray<LibraryExports> imports, List<Diagnostic> diagnostics)
    {
        var phases = binder.Criteria.Select(c => c.Phase).OfType<string>().ToHashSet(StringComparer.Ordinal);
        bool hasArms = binder.Arms.Count > 0;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var import in file.Declarations.OfType<ImportSyntax>())
        {
            if (imports.FirstOrDefault(l => l.Name == import.Library.Text) is not { } library) continue;
            foreach (var (owner, workflow) in WorkflowsOf(library))
            {
                if (binder.Workflows.Any(w => w.Name == workflow.Name) || !reported.Add(owner + "/" + workflow.Name)) continue;
                var actions = workflow.States.SelectMany(st => st.EntryActions).Concat(workflow.Transitions.SelectMany(t => t.Actions)).ToList();
                var used = actions.OfType<BoundEvaluateCriteriaAction>().Select(a => a.Phase)
                    .Concat(workflow.Transitions.SelectMany(t => BoundGuards.Criteria(t.Guard)).Select(g => g.Phase))
                    .OfType<string>().Distinct(StringComparer.Ordinal);
                foreach (var phase in used.Where(p => !phases.Contains(p)))
                    diagnostics.Add(DiagnosticCatalog.ImportedWorkflowUnknownPhase(import.Library.Span, owner, workflow.Name, phase) with { Source = source });
                if (!hasArms && actions.OfType<BoundRandomizeAction>().Any())
                    diagnostics.Add(DiagnosticCatalog.ImportedWorkflowWithoutArms(import.Library.Span, owner, workflow.Name) with { Source = source });
            }
        }
    }

    /// <summary>
    /// A protocol decides eligibility with its criteria: without any it would find every subject eligible (so the
    /// commands that screen refuse it), and beyond the limit a screening run's outcome table grows out of bounds.
    /// </summary>
    private void CheckCriteriaCount(ProtocolFileSyntax file, SourceText source, Binder binder, List<Diagnostic> diagnostics)
    {
        int limit = _options.Limits.MaxCriteria;
        if (binder.Criteria.Length > limit)
        {
            diagnostics.Add(DiagnosticCatalog.TooManyCriteria(binder.Criteria[limit].Syntax.Name.Span, binder.Criteria.Length, limit) with { Source = source });
            return;
        }
        // A file that does not compile is reported for that; an empty criteria list is then no news.
        if (binder.Criteria.Length > 0 || diagnostics.Any(d => d.IsError && d.Source == source)) return;
        var name = file.Header?.Name.Text is { Length: > 0 } n ? n : Path.GetFileNameWithoutExtension(source.Path);
        diagnostics.Add(DiagnosticCatalog.NoCriteria(file.Header?.Name.Span ?? new TextSpan(0, 0), name) with { Source = source });
    }

    private static IEnumerable<(string Library, BoundWorkflow Workflow)> WorkflowsOf(LibraryExports library)
    {
        foreach (var w in library.Workflows) yield return (library.Name, w);
        foreach (var inner in library.Imports)
            foreach (var x in WorkflowsOf(inner)) yield return x;
    }

    private IDataModel? ResolveDataModel(ProtocolFileSyntax file, SourceText source, List<Diagnostic> diagnostics, IDataModel? inherited)
    {
        var header = file.Header;
        if (header?.DataModel is not { } name) return inherited ?? (header?.IsLibrary == true ? _options.DataModel : null);
        var version = header.DataModelVersion?.Value ?? "";
        if (name.Name == "SDTM" && version is "3.4" or "3.3" or "3.2")
            return _options.DataModel ?? SdtmModel.Sdtmig34;
        diagnostics.Add(DiagnosticCatalog.UnsupportedDataModel(name.Span, name.Name, version) with { Source = source });
        return _options.DataModel;
    }

    private ImmutableArray<LibraryExports> BindImports(ProtocolFileSyntax file, SourceText source, Dictionary<string, ParseResult<ProtocolFileSyntax>> parsed,
        IDataModel? model, List<Diagnostic> diagnostics, Dictionary<string, LibraryExports> all, Stack<string> chain, string? reuseKey = null)
    {
        var result = ImmutableArray.CreateBuilder<LibraryExports>();
        foreach (var import in file.Declarations.OfType<ImportSyntax>())
        {
            var name = import.Library.Text;
            if (name.Length == 0) continue;
            if (chain.Contains(name))
            {
                diagnostics.Add(DiagnosticCatalog.CyclicDefinition(import.Library.Span, string.Join(" -> ", chain.Reverse().Append(name))) with { Source = source });
                continue;
            }
            var librarySource = resolver.Resolve(name, source);
            if (librarySource is null || !parsed.TryGetValue(librarySource.Path, out var libraryParse))
            {
                diagnostics.Add(DiagnosticCatalog.UnknownImport(import.Library.Span, name) with { Source = source });
                continue;
            }
            // An import with overrides binds its own copy of the library; otherwise one binding is shared.
            if (import.Overrides.IsEmpty && all.TryGetValue(name, out var shared))
            {
                result.Add(WithAlias(shared, import));
                continue;
            }
            if (reuseKey is not null && import.Overrides.IsEmpty)
            {
                var bound = ReuseLibrary((name, reuseKey, model), () =>
                {
                    var alone = new Dictionary<string, LibraryExports>(StringComparer.Ordinal);
                    var found = new List<Diagnostic>();
                    var single = new ProtocolFileSyntax(file.Span, null, [import]);
                    var exports = BindImports(single, source, parsed, model, found, alone, chain)[0];
                    return new BoundLibrary(exports, alone, found);
                });
                // As a shared binding does: each library's diagnostics once, with the library that first brings it in.
                foreach (var (libraryName, libraryExports) in bound.All)
                    if (all.TryAdd(libraryName, libraryExports))
                        diagnostics.AddRange(bound.Diagnostics.Where(d => d.Source?.Path == libraryExports.Source.Path));
                result.Add(WithAlias(bound.Exports, import));
                continue;
            }
            if (!all.ContainsKey(name)) diagnostics.AddRange(libraryParse.Diagnostics);
            chain.Push(name);
            var libraryModel = ResolveDataModel(libraryParse.Root, librarySource, diagnostics, model);
            var nested = BindImports(libraryParse.Root, librarySource, parsed, libraryModel, diagnostics, all, chain);
            chain.Pop();

            var overrides = BindOverrides(import, source, libraryParse.Root, diagnostics, model);
            var libraryDiagnostics = new List<Diagnostic>();
            var binder = new Binder(librarySource, libraryParse.Root, libraryDiagnostics, libraryModel, nested, overrides) { LibraryName = name, Limits = _options.Limits };
            binder.BindFile();
            if (!all.ContainsKey(name)) diagnostics.AddRange(libraryDiagnostics);
            var exports = new LibraryExports(binder, name, import.Library.Parts[^1].Name, nested, librarySource);
            all.TryAdd(name, exports);
            result.Add(WithAlias(exports, import));
        }
        return result.ToImmutable();
    }

    private BoundLibrary ReuseLibrary((string Name, string Libraries, IDataModel? Model) key, Func<BoundLibrary> bind)
    {
        if (_boundLibraries.TryGetValue(key, out var bound)) return bound;
        if (_boundLibraries.Count >= BoundLibraryLimit) _boundLibraries.Clear();
        return _boundLibraries.GetOrAdd(key, bind());
    }

    private static LibraryExports WithAlias(LibraryExports exports, ImportSyntax import) =>
        import.Alias is { IsMissing: false } alias ? exports.WithAlias(alias.Name) : exports;

    private IReadOnlyDictionary<string, ParameterOverride>? BindOverrides(ImportSyntax import, SourceText source, ProtocolFileSyntax library,
        List<Diagnostic> diagnostics, IDataModel? model)
    {
        if (import.Overrides.IsEmpty) return null;
        var declared = library.Declarations.OfType<ParameterSyntax>().Select(p => p.Name.Name).ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, ParameterOverride>(StringComparer.Ordinal);
        // Overrides are constant expressions (durations, numbers, strings), bound without the importer's own names.
        var binder = new Binder(source, new ProtocolFileSyntax(default, null, []), diagnostics, model, [], null) { Limits = _options.Limits };
        foreach (var o in import.Overrides)
        {
            if (!declared.Contains(o.Name.Name))
            {
                diagnostics.Add(DiagnosticCatalog.UnknownParameter(o.Name.Span, import.Library.Text, o.Name.Name, NameSuggester.Suggest(o.Name.Name, declared)) with { Source = source });
                continue;
            }
            var value = binder.BindExpression(o.Value, Scope.Empty);
            if (Binder.ScreeningDateRead(value) is { } clock)
                diagnostics.Add(DiagnosticCatalog.ParameterReadsTheScreeningDate(o.Value.Span, o.Name.Name, clock.Overload.Name + "()") with { Source = source });
            result[o.Name.Name] = new ParameterOverride(value, source.Slice(o.Value.Span));
        }
        return result;
    }

    /// <summary>
    /// Compiles a lone expression (no protocol around it), as the CQL conformance runner and the
    /// expression tests do. Data names bind against <paramref name="dataModel"/> when given. A lone expression
    /// follows CQL to the letter: <c>1 / 0</c> is null, not an error as it is in a protocol's rule.
    /// </summary>
    public static CompiledExpression CompileExpression(SourceText source, IDataModel? dataModel = null, CompilerLimits? limits = null)
    {
        limits ??= CompilerLimits.Default;
        if (source.Text.Length > limits.MaxSourceLength)
        {
            var tooLarge = DiagnosticCatalog.SourceTooLarge(new TextSpan(0, 0), limits.MaxSourceLength) with { Source = source };
            var missing = new MissingExpressionSyntax(new TextSpan(0, 0));
            return new CompiledExpression(source, missing, new BoundError(missing), [tooLarge]);
        }
        var parse = ProtocolParser.ParseExpression(source, limits);
        var diagnostics = new List<Diagnostic>(parse.Diagnostics);
        var binder = new Binder(source, new ProtocolFileSyntax(new TextSpan(0, source.Text.Length), null, []), diagnostics, dataModel, [], null)
        {
            Limits = limits,
            ReportConstantDivisionByZero = false,
        };
        var bound = binder.BindExpression(parse.Root, Scope.Empty);
        return new CompiledExpression(source, parse.Root, bound, diagnostics.Select(d => d with { Source = source }).OrderBy(d => d.Span.Start).ToList());
    }
}

/// <summary>A lone compiled expression with its diagnostics.</summary>
/// <param name="Source">The expression text.</param>
/// <param name="Syntax">Its syntax.</param>
/// <param name="Bound">Its bound form.</param>
/// <param name="Diagnostics">Problems found.</param>
public sealed record CompiledExpression(SourceText Source, ExpressionSyntax Syntax, BoundExpression Bound, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when any diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>The expression's type.</summary>
    public ProtocolType Type => Bound.Type;
}
