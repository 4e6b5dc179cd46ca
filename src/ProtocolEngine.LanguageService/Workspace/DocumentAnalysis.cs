using System.Collections.Immutable;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.LanguageService.Analysis;

namespace ProtocolEngine.LanguageService.Workspace;

/// <summary>One document compiled, with what editors ask of it computed on first use.</summary>
public sealed class DocumentAnalysis
{
    private readonly Lazy<SemanticModel> _model;
    private readonly Lazy<ImmutableArray<SyntaxToken>> _tokens;

    internal DocumentAnalysis(ProtocolDocument document, CompiledProtocol compiled, LanguageWorkspace workspace)
    {
        Document = document;
        Compiled = compiled;
        Workspace = workspace;
        _model = new(() => SemanticModel.Build(compiled));
        _tokens = new(() => ProtocolTokenizer.Tokenize(document.Text));
    }

    /// <summary>The document.</summary>
    public ProtocolDocument Document { get; }

    /// <summary>Its compilation (with its imports).</summary>
    public CompiledProtocol Compiled { get; }

    internal long Generation { get; init; }

    /// <summary>The workspace it belongs to.</summary>
    public LanguageWorkspace Workspace { get; }

    /// <summary>Every name and what it stands for.</summary>
    internal SemanticModel Model => _model.Value;

    /// <summary>The document's tokens, comments included.</summary>
    public ImmutableArray<SyntaxToken> Tokens => _tokens.Value;
}
