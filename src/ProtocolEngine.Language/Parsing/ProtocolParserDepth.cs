using Antlr4.Runtime;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Parsing.Generated;

/// <summary>
/// Counts how deep the generated recursive-descent parser is: nesting it cannot follow without exhausting the
/// thread's stack stops the parse with one diagnostic instead of crashing the process.
/// </summary>
internal partial class ProtocolParser
{
    private int _ruleDepth;

    /// <summary>Replaces the prediction with <see cref="ProtocolPrediction"/> (keeping the shared DFA cache).</summary>
    internal void UseChainPrediction() =>
        Interpreter = new ProtocolPrediction(this, _ATN, decisionToDFA, sharedContextCache, Chain.Decisions, Chain.Operators);

    // A class of its own so that it is initialised after the generated parser's ATN (partial classes initialise their
    // static fields in no defined order).
    private static class Chain
    {
        public static readonly bool[] Decisions = ProtocolPrediction.LoopDecisions(_ATN, RULE_cellExpression);
        public static readonly bool[] Operators = ProtocolPrediction.TokenTypes(ProtocolLexer.DefaultVocabulary, "'and'", "'or'", "'xor'", "'implies'");
    }

    /// <summary>The most rule invocations the parser may have open at once (unlimited unless set).</summary>
    public int MaxRuleDepth { get; set; } = int.MaxValue;

    /// <summary>
    /// True when <see cref="MaxRuleDepth"/> is only how deep this thread's stack may go, not the nesting limit: going
    /// deeper then asks for the parse to be repeated on a thread with a larger stack.
    /// </summary>
    public bool MaxRuleDepthIsStackBound { get; set; }

    /// <inheritdoc />
    public override void EnterRule(ParserRuleContext localctx, int state, int ruleIndex)
    {
        Deeper();
        base.EnterRule(localctx, state, ruleIndex);
    }

    /// <inheritdoc />
    public override void EnterRecursionRule(ParserRuleContext localctx, int state, int ruleIndex, int precedence)
    {
        Deeper();
        base.EnterRecursionRule(localctx, state, ruleIndex, precedence);
    }

    /// <inheritdoc />
    public override void ExitRule()
    {
        _ruleDepth--;
        base.ExitRule();
    }

    /// <inheritdoc />
    public override void UnrollRecursionContexts(ParserRuleContext _parentctx)
    {
        _ruleDepth--;
        base.UnrollRecursionContexts(_parentctx);
    }

    /// <inheritdoc />
    public override void Reset()
    {
        _ruleDepth = 0;
        base.Reset();
    }

    private void Deeper()
    {
        if (++_ruleDepth <= MaxRuleDepth && System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack()) return;
        if (MaxRuleDepthIsStackBound) throw new NeedsLargerStackException();
        var token = CurrentToken;
        var span = token is null || token.Type == TokenConstants.EOF || token.StartIndex < 0
            ? new TextSpan(Math.Max(0, token?.StartIndex ?? 0), 0)
            : TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);
        throw new NestingTooDeepException(span);
    }
}
