using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Dfa;

namespace ProtocolEngine.Language.Parsing;

/// <summary>
/// ANTLR's prediction with one change: whether a chain of <c>and</c>, <c>or</c>, <c>xor</c> or <c>implies</c> goes on
/// may be decided with the parser's full context. The fast context-free pass cannot tell an operator that continues a
/// parenthesized chain from one that continues an enclosing chain (<c>x and (a or b or ...)</c>), so it looked ahead
/// to the end of the text with more candidates at every operator: minutes for a few hundred terms. Now, when that pass
/// has looked further ahead than any ordinary expression needs, the decision is made with the context instead, which
/// ANTLR also does when the fast pass cannot decide; the next token then decides. The answers are ANTLR's own.
/// </summary>
internal sealed class ProtocolPrediction : ParserATNSimulator
{
    /// <summary>How many tokens the fast pass may look ahead for a chain's next operator.</summary>
    private const int FastLookahead = 48;

    private readonly bool[] _chainDecisions;
    private readonly bool[] _chainOperators;
    private readonly BoundedLookahead _bounded = new();

    /// <param name="parser">The parser.</param>
    /// <param name="atn">Its ATN.</param>
    /// <param name="decisionToDfa">The DFA cache shared by all parsers of the grammar.</param>
    /// <param name="cache">The prediction context cache shared by all parsers of the grammar.</param>
    /// <param name="chainDecisions">For each decision, whether it is the loop of the operator chain.</param>
    /// <param name="chainOperators">For each token type, whether it is one of the chain's operators.</param>
    public ProtocolPrediction(Parser parser, ATN atn, DFA[] decisionToDfa, PredictionContextCache cache, bool[] chainDecisions, bool[] chainOperators)
        : base(parser, atn, decisionToDfa, cache)
    {
        _chainDecisions = chainDecisions;
        _chainOperators = chainOperators;
    }

    /// <summary>For each decision of <paramref name="atn"/>, whether it is the precedence loop of rule <paramref name="rule"/>.</summary>
    public static bool[] LoopDecisions(ATN atn, int rule)
    {
        var result = new bool[atn.NumberOfDecisions];
        for (int d = 0; d < atn.NumberOfDecisions; d++)
            result[d] = atn.GetDecisionState(d) is StarLoopEntryState { isPrecedenceDecision: true } loop && loop.ruleIndex == rule;
        return result;
    }

    /// <summary>For each token type, whether its literal is one of <paramref name="literals"/>.</summary>
    public static bool[] TokenTypes(IVocabulary vocabulary, params string[] literals)
    {
        var result = new bool[1024];
        for (int type = 1; type < result.Length; type++) result[type] = literals.Contains(vocabulary.GetLiteralName(type));
        return result;
    }

    public override int AdaptivePredict(ITokenStream input, int decision, ParserRuleContext outerContext)
    {
        int next = input.LA(1);
        if (!_chainDecisions[decision] || next < 0 || next >= _chainOperators.Length || !_chainOperators[next])
            return base.AdaptivePredict(input, decision, outerContext);
        int start = input.Index;
        try
        {
            _bounded.Tokens = input;
            _bounded.Limit = start + FastLookahead;
            return base.AdaptivePredict(_bounded, decision, outerContext);
        }
        catch (LookaheadExceededException)
        {
            // The fast pass would read on: decide with the context (the states it cached so far stay valid).
        }
        this.input = input;
        startIndex = start;
        context = outerContext ?? ParserRuleContext.EmptyContext;
        var dfa = decisionToDFA[decision];
        thisDfa = dfa;
        int marker = input.Mark();
        try
        {
            var startState = ComputeStartState(dfa.atnStartState, context, true);
            return ExecATNWithFullContext(dfa, null, startState, input, startIndex, context);
        }
        finally
        {
            mergeCache = null;
            thisDfa = null;
            input.Seek(startIndex);
            input.Release(marker);
        }
    }

    private sealed class LookaheadExceededException : Exception;

    /// <summary>The parser's tokens, but the prediction may not consume beyond a bound.</summary>
    private sealed class BoundedLookahead : ITokenStream
    {
        private ITokenStream tokens = null!;

        public ITokenStream Tokens { set => tokens = value; }

        public int Limit { get; set; }

        public void Consume()
        {
            if (tokens.Index >= Limit) throw new LookaheadExceededException();
            tokens.Consume();
        }

        public int LA(int i) => tokens.LA(i);
        public int Mark() => tokens.Mark();
        public void Release(int marker) => tokens.Release(marker);
        public int Index => tokens.Index;
        public void Seek(int index) => tokens.Seek(index);
        public int Size => tokens.Size;
        public string SourceName => tokens.SourceName;
        public IToken LT(int k) => tokens.LT(k);
        public IToken Get(int i) => tokens.Get(i);
        public ITokenSource TokenSource => tokens.TokenSource;
        public string GetText(Antlr4.Runtime.Misc.Interval interval) => tokens.GetText(interval);
        public string GetText() => tokens.GetText();
        public string GetText(RuleContext ctx) => tokens.GetText(ctx);
        public string GetText(IToken start, IToken stop) => tokens.GetText(start, stop);
    }
}
