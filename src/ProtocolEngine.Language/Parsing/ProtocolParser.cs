using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using G = ProtocolEngine.Language.Parsing.Generated;

namespace ProtocolEngine.Language.Parsing;

/// <summary>The result of parsing: the syntax records and every syntax error found.</summary>
/// <typeparam name="T">The root node type.</typeparam>
/// <param name="Root">The syntax tree (complete even when there were errors: missing parts are placeholder nodes).</param>
/// <param name="Source">The parsed text.</param>
/// <param name="Diagnostics">Syntax errors, in source order.</param>
public sealed record ParseResult<T>(T Root, SourceText Source, IReadOnlyList<Diagnostic> Diagnostics) where T : SyntaxNode;

/// <summary>
/// Text to syntax records. The only caller of the generated ANTLR parser: it parses in the fast SLL mode
/// first and falls back to full LL with error recovery only when needed, then hands the parse tree to
/// <see cref="SyntaxBuilder"/>.
/// </summary>
public static class ProtocolParser
{
    /// <summary>Parses a whole .protocol file.</summary>
    /// <param name="source">The text.</param>
    /// <param name="limits">The limits to keep to (the defaults when null): text nested deeper than
    /// <see cref="CompilerLimits.MaxNestingDepth"/> becomes a diagnostic.</param>
    public static ParseResult<ProtocolFileSyntax> ParseFile(SourceText source, CompilerLimits? limits = null)
    {
        int maxDepth = (limits ?? CompilerLimits.Default).MaxNestingDepth;
        var diagnostics = new List<Diagnostic>();
        var tree = Parse(new AntlrInputStream(source.Text), diagnostics, p => p.protocolFile(), () => new G.ProtocolParser.ProtocolFileContext(null, -1), maxDepth);
        var root = new SyntaxBuilder(source, diagnostics, maxDepth).BuildFile(tree);
        return new ParseResult<ProtocolFileSyntax>(root, source, Sorted(diagnostics, source));
    }

    /// <summary>Parses a lone expression (the CQL conformance runner and expression tests use this).</summary>
    /// <param name="source">The text.</param>
    /// <param name="limits">The limits to keep to (the defaults when null).</param>
    public static ParseResult<ExpressionSyntax> ParseExpression(SourceText source, CompilerLimits? limits = null) =>
        ParseExpression(source, source.Text, 0, limits);

    /// <summary>
    /// Parses an expression that is a piece of <paramref name="file"/> (a message placeholder): <paramref name="text"/>
    /// starts at <paramref name="offset"/>, and every span and diagnostic points into the file.
    /// </summary>
    internal static ParseResult<ExpressionSyntax> ParseExpression(SourceText file, string text, int offset, CompilerLimits? limits)
    {
        int maxDepth = (limits ?? CompilerLimits.Default).MaxNestingDepth;
        var diagnostics = new List<Diagnostic>();
        ICharStream input = offset == 0 ? new AntlrInputStream(text) : new OffsetCharStream(text, offset, file.Path);
        var tree = Parse(input, diagnostics, p => p.expressionFile(), () => new G.ProtocolParser.ExpressionFileContext(null, -1), maxDepth);
        var root = new SyntaxBuilder(file, diagnostics, maxDepth).BuildExpressionFile(tree);
        return new ParseResult<ExpressionSyntax>(root, file, Sorted(diagnostics, file));
    }

    private static IReadOnlyList<Diagnostic> Sorted(List<Diagnostic> diagnostics, SourceText source) =>
        diagnostics
            .Select(d => d with { Source = source })
            .OrderBy(d => d.Span.Start)
            .ThenBy(d => d.Code, StringComparer.Ordinal)
            .DistinctBy(d => (d.Span.Start, d.Code))
            .ToList();

    // The parser needs a handful of rule invocations per level of nesting (expression, cell expression, term, ...):
    // this bound lets through everything the syntax builder accepts and stops the parse long before the stack runs out.
    private static int ParserDepth(int maxNesting) => maxNesting > (int.MaxValue - 64) / 8 ? int.MaxValue : 8 * maxNesting + 64;

    private static TContext Parse<TContext>(ICharStream input, List<Diagnostic> diagnostics, Func<G.ProtocolParser, TContext> entry, Func<TContext> empty, int maxNesting)
        where TContext : ParserRuleContext
    {
        var lexer = new G.ProtocolLexer(input);
        lexer.RemoveErrorListeners();
        var tokens = new CommonTokenStream(lexer);
        tokens.Fill();
        // A stray character becomes one diagnostic and is then hidden, so the parser carries on as if it were not there;
        // a text left open is reported and then read as if it were closed.
        foreach (var token in tokens.GetTokens())
        {
            if (token is not CommonToken ct) continue;
            switch (token.Type)
            {
                case G.ProtocolLexer.UNEXPECTED_CHARACTER:
                    diagnostics.Add(DiagnosticCatalog.UnexpectedCharacter(new TextSpan(token.StartIndex, 1), $"'{token.Text}'"));
                    ct.Channel = Lexer.Hidden;
                    break;
                case G.ProtocolLexer.UNTERMINATED_STRING:
                    diagnostics.Add(DiagnosticCatalog.UnterminatedText(TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1), "\""));
                    ct.Type = G.ProtocolLexer.STRING;
                    ct.Text = token.Text + "\"";
                    break;
                case G.ProtocolLexer.UNTERMINATED_STRING_LITERAL:
                    diagnostics.Add(DiagnosticCatalog.UnterminatedText(TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1), "'"));
                    ct.Type = G.ProtocolLexer.STRING_LITERAL;
                    ct.Text = token.Text + "'";
                    break;
            }
        }

        var parser = new G.ProtocolParser(tokens) { MaxRuleDepth = ParserDepth(maxNesting) };
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        parser.ErrorHandler = new BailErrorStrategy();
        try
        {
            try
            {
                return entry(parser);
            }
            catch (ParseCanceledException)
            {
                // SLL could not decide or the text has errors: re-parse with full LL and recovery to report them all.
                tokens.Seek(0);
                parser.Reset();
                parser.Interpreter.PredictionMode = PredictionMode.LL;
                parser.ErrorHandler = new ReportingErrorStrategy(diagnostics);
                return entry(parser);
            }
        }
        catch (NestingTooDeepException e)
        {
            // The parser would run out of stack: the text is reported once and not parsed further.
            diagnostics.Add(DiagnosticCatalog.NestingTooDeep(e.Span, maxNesting));
            return empty();
        }
    }

    /// <summary>Turns ANTLR's recovery reports into catalog diagnostics with plain-language expectations.</summary>
    private sealed class ReportingErrorStrategy(List<Diagnostic> diagnostics) : DefaultErrorStrategy
    {
        // Words that start a declaration or a member of a block. Recovery never deletes them, so an error in
        // one declaration does not swallow the next.
        private static readonly HashSet<string> Structural = new(StringComparer.Ordinal)
        {
            "protocol", "library", "import", "parameter", "roles", "arms", "visits", "codelist", "define", "criteria", "check", "table",
            "safety", "workflow", "inclusion", "exclusion", "rule", "state",
        };

        private static bool IsStructural(IToken token) => token.Type == TokenConstants.EOF || Structural.Contains(token.Text ?? "");

        protected override IToken? SingleTokenDeletion(Parser recognizer) =>
            IsStructural(recognizer.CurrentToken) ? null : base.SingleTokenDeletion(recognizer);

        protected override void ReportNoViableAlternative(Parser recognizer, NoViableAltException e) =>
            Report(e.OffendingToken, recognizer, GetExpectedTokens(recognizer));

        protected override void ReportInputMismatch(Parser recognizer, InputMismatchException e) =>
            Report(e.OffendingToken, recognizer, e.GetExpectedTokens());

        protected override void ReportFailedPredicate(Parser recognizer, FailedPredicateException e) =>
            Report(e.OffendingToken, recognizer, GetExpectedTokens(recognizer));

        protected override void ReportUnwantedToken(Parser recognizer)
        {
            if (InErrorRecoveryMode(recognizer)) return;
            BeginErrorCondition(recognizer);
            Report(recognizer.CurrentToken, recognizer, GetExpectedTokens(recognizer));
        }

        protected override void ReportMissingToken(Parser recognizer)
        {
            if (InErrorRecoveryMode(recognizer)) return;
            BeginErrorCondition(recognizer);
            Report(recognizer.CurrentToken, recognizer, GetExpectedTokens(recognizer));
        }

        private void Report(IToken token, Parser recognizer, IntervalSet? expected)
        {
            var span = token.Type == TokenConstants.EOF
                ? new TextSpan(Math.Max(0, token.StartIndex), 0)
                : TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);
            var what = DescribeExpected(expected, recognizer.Vocabulary);
            // The next declaration (or the end of the file) where an expression should be: the expression is missing.
            if (what.StartsWith("an expression", StringComparison.Ordinal) && IsStructural(token))
                diagnostics.Add(DiagnosticCatalog.MissingExpression(span, "before " + Describe(token)));
            else
                diagnostics.Add(DiagnosticCatalog.UnexpectedToken(span, Describe(token), what));
        }

        private static string Describe(IToken token) => token.Type switch
        {
            TokenConstants.EOF => "end of file",
            G.ProtocolLexer.STRING or G.ProtocolLexer.STRING_LITERAL => "text " + Truncate(token.Text ?? ""),
            _ when Structural.Contains(token.Text ?? "") => "'" + token.Text + "'",
            G.ProtocolLexer.IDENTIFIER => "name '" + token.Text + "'",
            G.ProtocolLexer.INTEGER or G.ProtocolLexer.DECIMAL or G.ProtocolLexer.LONG => "number " + token.Text,
            _ => "'" + Truncate(token.Text ?? "") + "'",
        };

        private static string Truncate(string text) => text.Length > 40 ? text[..37] + "..." : text;

        private static readonly string[] DeclarationKeywords =
            ["import", "parameter", "roles", "arms", "visits", "codelist", "define", "criteria", "check", "table", "safety", "workflow"];

        private static string DescribeExpected(IntervalSet? expected, IVocabulary vocabulary)
        {
            if (expected is null || expected.Count == 0) return "something else";
            var names = expected.ToIntegerList()
                .Select(t => t == TokenConstants.EOF ? "end of file" : vocabulary.GetDisplayName(t))
                .Where(n => n is not null)
                .ToList();
            bool expression = names.Contains("INTEGER") && names.Contains("IDENTIFIER") && names.Contains("STRING_LITERAL");
            bool declaration = DeclarationKeywords.Count(k => names.Contains($"'{k}'")) >= 6;
            if (expression && declaration) return "an expression or the next declaration";
            if (expression) return "an expression";
            if (declaration) return "a declaration (" + string.Join(", ", DeclarationKeywords) + ")";
            var readable = names.Select(Readable).Distinct().ToList();
            if (readable.Count > 8) return "one of " + string.Join(", ", readable.Take(8)) + ", ...";
            return readable.Count == 1 ? readable[0] : "one of " + string.Join(", ", readable);
        }

        private static string Readable(string tokenName) => tokenName switch
        {
            "IDENTIFIER" => "a name",
            "STRING" => "a \"text\"",
            "STRING_LITERAL" => "a 'string'",
            "INTEGER" => "a whole number",
            "DECIMAL" => "a decimal number",
            "LONG" => "a long number",
            "DATE" or "DATETIME" or "TIME" => "a date or time",
            "DELIMITED_IDENTIFIER" => "a `name`",
            _ => tokenName,
        };
    }
}
