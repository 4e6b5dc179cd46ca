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
        return WithEnoughStack(maxDepth, stackBound =>
        {
            var diagnostics = new List<Diagnostic>();
            var tree = Parse(new AntlrInputStream(source.Text), diagnostics, p => p.protocolFile(), () => new G.ProtocolParser.ProtocolFileContext(null, -1), maxDepth, stackBound);
            var root = new SyntaxBuilder(source, diagnostics, maxDepth).BuildFile(tree);
            return new ParseResult<ProtocolFileSyntax>(root, source, Sorted(diagnostics, source));
        });
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
        return WithEnoughStack(maxDepth, stackBound =>
        {
            var diagnostics = new List<Diagnostic>();
            ICharStream input = offset == 0 ? new AntlrInputStream(text) : new OffsetCharStream(text, offset, file.Path);
            var tree = Parse(input, diagnostics, p => p.expressionFile(), () => new G.ProtocolParser.ExpressionFileContext(null, -1), maxDepth, stackBound);
            var root = new SyntaxBuilder(file, diagnostics, maxDepth).BuildExpressionFile(tree);
            return new ParseResult<ExpressionSyntax>(root, file, Sorted(diagnostics, file));
        });
    }

    // The generated parser takes about 2 KB of stack for each rule it is inside of, and needs a handful of rules per
    // level of nesting. Text that nests a few levels (all protocols written by hand) is parsed on the caller's thread;
    // deeper text is parsed again on a thread of its own whose stack is sized for the nesting limit, so a thread-pool
    // thread (1.5 MB) never runs out of stack, and the limit means the same wherever the compiler runs.
    private const int CallerRuleDepth = 160;

    private static T WithEnoughStack<T>(int maxNesting, Func<int?, T> parse)
    {
        if (ParserDepth(maxNesting) > CallerRuleDepth)
        {
            try
            {
                return parse(CallerRuleDepth);
            }
            catch (NeedsLargerStackException)
            {
                // Deep text: parsed again below, on a larger stack.
            }
        }
        else
        {
            return parse(null);
        }
        T result = default!;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = parse(null);
            }
            catch (Exception e)
            {
                failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
        }, StackSize(maxNesting));
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    // 8 KB per rule the parser may be inside of: four times what it needs, for the syntax builder and some margin.
    private static int StackSize(int maxNesting) => (int)Math.Clamp(ParserDepth(maxNesting) * 8L * 1024, 16L << 20, 1L << 30);

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

    private static TContext Parse<TContext>(ICharStream input, List<Diagnostic> diagnostics, Func<G.ProtocolParser, TContext> entry, Func<TContext> empty,
        int maxNesting, int? stackBound)
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

        // Brackets nested deeper than the limit are too deep whatever they hold (each opens at least one level). They are
        // found here, in one pass over the tokens, because the parser would first look ahead across all of them at every
        // level to choose between a parenthesized expression and a query source: time that grows with the square.
        if (TooDeepBracket(tokens, maxNesting) is { } deepest)
        {
            diagnostics.Add(DiagnosticCatalog.NestingTooDeep(deepest, maxNesting));
            return empty();
        }
        MarkQueryParentheses(tokens);
        MarkOutcomeLists(tokens);

        var parser = new G.ProtocolParser(tokens)
        {
            MaxRuleDepth = stackBound ?? ParserDepth(maxNesting),
            MaxRuleDepthIsStackBound = stackBound is not null,
        };
        parser.UseChainPrediction();
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

    // +1 for the token types of ( [ {, -1 for ) ] }: found by their literal names, so the grammar may renumber them.
    private static readonly int[] BracketDelta = BracketDeltas();

    private static int[] BracketDeltas()
    {
        var vocabulary = G.ProtocolLexer.DefaultVocabulary;
        var deltas = new int[Math.Max(G.ProtocolLexer.UNEXPECTED_CHARACTER, 1023) + 1];
        for (int type = 0; type < deltas.Length; type++)
            deltas[type] = vocabulary.GetLiteralName(type) switch { "'('" or "'['" or "'{'" => 1, "')'" or "']'" or "'}'" => -1, _ => 0 };
        deltas[G.ProtocolParser.QUERY_OPEN] = 1;
        return deltas;
    }

    /// <summary>
    /// Retypes the `(` of each parenthesized query source, `(expression) Alias ...`, as QUERY_OPEN (see the grammar).
    /// A `(` is one when its matching `)` is followed by an alias: a plain or `delimited` name that does not start a
    /// workflow transition (`From -> To`), the only place a name may follow a parenthesized expression otherwise.
    /// </summary>
    private static void MarkQueryParentheses(CommonTokenStream tokens)
    {
        var visible = tokens.GetTokens().Where(t => t.Channel == TokenConstants.DefaultChannel).ToList();
        var open = new Stack<int>();
        for (int i = 0; i < visible.Count; i++)
        {
            int delta = visible[i].Type >= 0 && visible[i].Type < BracketDelta.Length ? BracketDelta[visible[i].Type] : 0;
            if (delta > 0)
            {
                open.Push(i);
                continue;
            }
            if (delta == 0 || open.Count == 0) continue;
            int start = open.Pop();
            if (visible[start].Type != OpenParenthesis || visible[i].Type != CloseParenthesis) continue;
            bool alias = i + 1 < visible.Count && visible[i + 1].Type is G.ProtocolLexer.IDENTIFIER or G.ProtocolLexer.DELIMITED_IDENTIFIER;
            bool transition = i + 2 < visible.Count && visible[i + 2].Type == Arrow;
            if (alias && !transition && visible[start] is CommonToken token) token.Type = G.ProtocolParser.QUERY_OPEN;
        }
    }

    /// <summary>
    /// Retypes each `or` between the outcomes of a criteria guard (`when criteria met or not met or unknown`) as OUTCOME_OR
    /// (see the grammar). As a plain `or` each could also join two guards (an outcome word may be a name), so the parser
    /// looked ahead over the rest of the list at every `or`. The list is read greedily, as the parser resolved that
    /// ambiguity, wherever the outcome word is plainly no expression: the list, the guard or the line ends after it.
    /// </summary>
    private static void MarkOutcomeLists(CommonTokenStream tokens)
    {
        var visible = tokens.GetTokens().Where(t => t.Channel == TokenConstants.DefaultChannel).ToList();
        int Outcome(int k) => k >= visible.Count ? 0
            : visible[k].Type == Met || visible[k].Type == UnknownWord || visible[k].Type == Attested ? 1
            : visible[k].Type == Not && k + 1 < visible.Count && visible[k + 1].Type == Met ? 2
            : 0;
        bool Ends(int k) => k >= visible.Count || visible[k].Type is TokenConstants.EOF || visible[k].Type == Or || visible[k].Type == And
            || visible[k].Type == Comma || visible[k].Type == CloseParenthesis || visible[k].Line > visible[k - 1].Line;
        for (int i = 0; i < visible.Count; i++)
        {
            if (visible[i].Type != CriteriaWord) continue;
            int k = i + 1;
            if (k < visible.Count && visible[k].Type == Phase) k += 2;
            if (Outcome(k) is not (> 0 and var first)) continue;
            k += first;
            while (k < visible.Count && visible[k].Type == Or && Outcome(k + 1) is > 0 and var next && Ends(k + 1 + next))
            {
                if (visible[k] is CommonToken or) or.Type = G.ProtocolParser.OUTCOME_OR;
                k += 1 + next;
            }
        }
    }

    private static readonly int CriteriaWord = TokenType("'criteria'");
    private static readonly int Phase = TokenType("'phase'");
    private static readonly int Met = TokenType("'met'");
    private static readonly int Not = TokenType("'not'");
    private static readonly int UnknownWord = TokenType("'unknown'");
    private static readonly int Attested = TokenType("'attested'");
    private static readonly int Or = TokenType("'or'");
    private static readonly int And = TokenType("'and'");
    private static readonly int Comma = TokenType("','");

    private static readonly int OpenParenthesis = TokenType("'('");
    private static readonly int CloseParenthesis = TokenType("')'");
    private static readonly int Arrow = TokenType("'->'");

    private static int TokenType(string literal)
    {
        var vocabulary = G.ProtocolLexer.DefaultVocabulary;
        for (int type = 1; type < BracketDelta.Length; type++)
            if (vocabulary.GetLiteralName(type) == literal) return type;
        throw new InvalidOperationException($"The grammar has no token {literal}.");
    }

    private static TextSpan? TooDeepBracket(CommonTokenStream tokens, int maxNesting)
    {
        int depth = 0;
        foreach (var token in tokens.GetTokens())
        {
            if (token.Channel != TokenConstants.DefaultChannel || token.Type < 0 || token.Type >= BracketDelta.Length) continue;
            depth = Math.Max(0, depth + BracketDelta[token.Type]);
            if (depth > maxNesting) return new TextSpan(token.StartIndex, 1);
        }
        return null;
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
            "QUERY_OPEN" => "'('",
            _ => tokenName,
        };
    }
}
