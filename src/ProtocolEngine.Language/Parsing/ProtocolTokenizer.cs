using System.Collections.Frozen;
using System.Collections.Immutable;
using Antlr4.Runtime;
using ProtocolEngine.Language.Text;
using G = ProtocolEngine.Language.Parsing.Generated;

namespace ProtocolEngine.Language.Parsing;

/// <summary>What a token of protocol text is, as editors colour it and the formatter spaces it.</summary>
public enum SyntaxTokenKind
{
    /// <summary>A word of the language (<c>criteria</c>, <c>and</c>, <c>where</c>); soft keywords may also name things.</summary>
    Keyword,
    /// <summary>A name.</summary>
    Identifier,
    /// <summary>A name in backticks (<c>`sdtm-checks`</c>).</summary>
    QuotedIdentifier,
    /// <summary>A double-quoted text of a declaration (a title, a code).</summary>
    Text,
    /// <summary>A single-quoted CQL string or UCUM unit.</summary>
    String,
    /// <summary>A whole, decimal or long number.</summary>
    Number,
    /// <summary>A date, date-time or time literal (<c>@2014-03-17</c>).</summary>
    DateTime,
    /// <summary>An operator or punctuation mark.</summary>
    Punctuation,
    /// <summary>A <c>// ...</c> comment (without its line break).</summary>
    LineComment,
    /// <summary>A <c>/* ... */</c> comment.</summary>
    BlockComment,
    /// <summary>A character the language does not use.</summary>
    Unknown,
}

/// <summary>One token of protocol text: what it is, where it is and its text. Whitespace is not a token.</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Span">Where it is.</param>
/// <param name="Text">Its text as written.</param>
public readonly record struct SyntaxToken(SyntaxTokenKind Kind, TextSpan Span, string Text)
{
    /// <summary>True for comments.</summary>
    public bool IsComment => Kind is SyntaxTokenKind.LineComment or SyntaxTokenKind.BlockComment;
}

/// <summary>
/// Splits protocol text into tokens with the compiler's own lexer, comments included and whitespace left out. Editors
/// (highlighting, the formatter) and the rule hash (<see cref="Compilation.RuleHasher"/>) read text through it, so
/// they see exactly the tokens the parser sees.
/// </summary>
public static class ProtocolTokenizer
{
    private static readonly Lazy<(FrozenSet<string> Keywords, FrozenSet<string> Soft)> Words = new(ReadVocabulary);

    /// <summary>Every word of the language (reserved and soft keywords), from the grammar.</summary>
    public static IReadOnlySet<string> Keywords => Words.Value.Keywords;

    /// <summary>Keywords that may also name things (<c>day</c>, <c>start</c>, <c>title</c>), from the grammar's softKeyword rule.</summary>
    public static IReadOnlySet<string> SoftKeywords => Words.Value.Soft;

    /// <summary>The tokens of a text, in order, without whitespace.</summary>
    public static ImmutableArray<SyntaxToken> Tokenize(string text)
    {
        var lexer = new G.ProtocolLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var tokens = ImmutableArray.CreateBuilder<SyntaxToken>();
        for (var token = lexer.NextToken(); token.Type != TokenConstants.EOF; token = lexer.NextToken())
        {
            if (token.Type == G.ProtocolLexer.WS) continue;
            var span = TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);
            tokens.Add(new SyntaxToken(KindOf(token.Type, token.Text), span, token.Text));
        }
        return tokens.ToImmutable();
    }

    private static SyntaxTokenKind KindOf(int type, string text) => type switch
    {
        G.ProtocolLexer.IDENTIFIER => SyntaxTokenKind.Identifier,
        G.ProtocolLexer.DELIMITED_IDENTIFIER => SyntaxTokenKind.QuotedIdentifier,
        G.ProtocolLexer.STRING or G.ProtocolLexer.UNTERMINATED_STRING => SyntaxTokenKind.Text,
        G.ProtocolLexer.STRING_LITERAL or G.ProtocolLexer.UNTERMINATED_STRING_LITERAL => SyntaxTokenKind.String,
        G.ProtocolLexer.INTEGER or G.ProtocolLexer.DECIMAL or G.ProtocolLexer.LONG => SyntaxTokenKind.Number,
        G.ProtocolLexer.DATE or G.ProtocolLexer.DATETIME or G.ProtocolLexer.TIME => SyntaxTokenKind.DateTime,
        G.ProtocolLexer.LINE_COMMENT => SyntaxTokenKind.LineComment,
        G.ProtocolLexer.BLOCK_COMMENT => SyntaxTokenKind.BlockComment,
        G.ProtocolLexer.UNEXPECTED_CHARACTER => SyntaxTokenKind.Unknown,
        _ when text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '$') => SyntaxTokenKind.Keyword,
        _ => SyntaxTokenKind.Punctuation,
    };

    private static (FrozenSet<string>, FrozenSet<string>) ReadVocabulary()
    {
        var vocabulary = G.ProtocolLexer.DefaultVocabulary;
        var keywords = new HashSet<string>(StringComparer.Ordinal);
        for (int type = 1; type <= G.ProtocolLexer.UNEXPECTED_CHARACTER; type++)
        {
            var literal = vocabulary.GetLiteralName(type);
            if (literal is { Length: > 2 } && char.IsAsciiLetter(literal[1])) keywords.Add(literal[1..^1]);
        }
        // The words the grammar lets name things are the tokens that can start its softKeyword rule.
        var parser = new G.ProtocolParser(new CommonTokenStream(new G.ProtocolLexer(new AntlrInputStream(""))));
        var first = parser.Atn.NextTokens(parser.Atn.ruleToStartState[G.ProtocolParser.RULE_softKeyword]);
        var soft = first.ToIntegerList().Select(t => vocabulary.GetLiteralName(t)).OfType<string>().Select(l => l[1..^1]);
        return (keywords.ToFrozenSet(StringComparer.Ordinal), soft.ToFrozenSet(StringComparer.Ordinal));
    }
}
