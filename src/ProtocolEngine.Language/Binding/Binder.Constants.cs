using System.Collections.Immutable;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Language.Binding;

internal sealed partial class Binder
{
    /// <summary>
    /// Whether a division by a constant zero is an error. CQL makes <c>x / 0</c> null, so in a protocol such a rule is
    /// Unknown for every subject and decides nothing: always a mistake. A lone CQL expression (the conformance suite)
    /// keeps the language's plain meaning, so its compiler turns this off.
    /// </summary>
    public bool ReportConstantDivisionByZero { get; init; } = true;

    /// <summary>A number known at compile time, with its unit for quantities ("*" when the unit is not tracked).</summary>
    private readonly record struct ConstantNumber(decimal Value, string? Unit);

    private static readonly HashSet<string> Divisions = new(StringComparer.Ordinal) { "Divide", "TruncatedDivide", "Modulo" };

    private void CheckConstantDivisor(string name, ImmutableArray<BoundExpression> arguments)
    {
        if (!ReportConstantDivisionByZero || !Divisions.Contains(name) || arguments.Length != 2) return;
        var divisor = arguments[1];
        if (Constant(divisor) is not { Value: 0 }) return;
        var text = _source.Slice(divisor.Syntax.Span).Trim();
        if (text.Length > 40) text = text[..37] + "...";
        Report(DiagnosticCatalog.ConstantDivisionByZero(divisor.Syntax.Span, "`" + text + "`"));
    }

    /// <summary>
    /// The value of a numeric expression built from literals, parameters and definitions with constant values and
    /// arithmetic on them, or null when it depends on data (or is null, as a division by zero is). Evaluated with an
    /// explicit stack, as the expression may be a chain of any length.
    /// </summary>
    private ConstantNumber? Constant(BoundExpression root)
    {
        if (IsLeafNonConstant(root)) return null;
        var values = new Dictionary<BoundExpression, ConstantNumber?>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(BoundExpression Node, bool Expanded)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            if (values.ContainsKey(node)) continue;
            if (!expanded)
            {
                var operands = ConstantOperands(node);
                if (operands.Length > 0)
                {
                    stack.Push((node, true));
                    foreach (var operand in operands) stack.Push((operand, false));
                    continue;
                }
            }
            values[node] = Fold(node, values);
        }
        return values[root];
    }

    private static bool IsLeafNonConstant(BoundExpression e) =>
        e is BoundVariableAccess or BoundDomainReference or BoundLocal or BoundQuery or BoundMemberAccess or BoundListMemberAccess or BoundError;

    private static BoundExpression[] ConstantOperands(BoundExpression node) => node switch
    {
        BoundCall { Overload.Name: "Negate" or "Abs" or "Add" or "Subtract" or "Multiply" or "Divide" or "TruncatedDivide" or "Modulo" } c => [.. c.Arguments],
        BoundConversion c => [c.Operand],
        BoundDefineReference { Define.Body: { } body } => [body],
        BoundParameterReference { Parameter.Value: { } value } => [value],
        _ => [],
    };

    private static ConstantNumber? Fold(BoundExpression node, Dictionary<BoundExpression, ConstantNumber?> values)
    {
        ConstantNumber? Of(BoundExpression e) => values.TryGetValue(e, out var v) ? v : null;
        try
        {
            ConstantNumber? result = node switch
            {
                BoundLiteral { Value: int i } => new ConstantNumber(i, null),
                BoundLiteral { Value: long l } => new ConstantNumber(l, null),
                BoundLiteral { Value: decimal d } => new ConstantNumber(d, null),
                BoundQuantityLiteral q => new ConstantNumber(q.Value, q.Unit),
                BoundConversion { Conversion.Kind: ConversionKind.Identity or ConversionKind.Widen or ConversionKind.IntegerToLong or ConversionKind.IntegerToDecimal or ConversionKind.LongToDecimal } c => Of(c.Operand),
                BoundConversion { Conversion.Kind: ConversionKind.IntegerToQuantity or ConversionKind.DecimalToQuantity } c => Of(c.Operand) is { } n ? n with { Unit = "1" } : null,
                BoundDefineReference { Define.Body: { } body } => Of(body),
                BoundParameterReference { Parameter.Value: { } value } => Of(value),
                BoundCall c => FoldCall(c.Overload.Name, c.Arguments.Select(Of).ToArray()),
                _ => null,
            };
            // A value outside its type's range is null at run time (CQL overflow), so it is not a known number here.
            if (result is { } r && (node.Type == ProtocolType.Integer && (r.Value < int.MinValue || r.Value > int.MaxValue)
                                    || node.Type == ProtocolType.Long && (r.Value < long.MinValue || r.Value > long.MaxValue)))
                return null;
            return result;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static ConstantNumber? FoldCall(string name, ConstantNumber?[] operands)
    {
        if (operands.Any(o => o is null)) return null;
        var a = operands[0]!.Value;
        if (operands.Length == 1)
            return name switch
            {
                "Negate" => a with { Value = -a.Value },
                "Abs" => a with { Value = Math.Abs(a.Value) },
                _ => null,
            };
        var b = operands[1]!.Value;
        return name switch
        {
            // Sums only of one unit: 1 'g' - 1000 'mg' is zero grams, which plain values would not show.
            "Add" when a.Unit == b.Unit && a.Unit != "*" => a with { Value = a.Value + b.Value },
            "Subtract" when a.Unit == b.Unit && a.Unit != "*" => a with { Value = a.Value - b.Value },
            "Multiply" => new ConstantNumber(a.Value * b.Value, a.Unit is null && b.Unit is null ? null : "*"),
            "Divide" when b.Value != 0 => new ConstantNumber(a.Value / b.Value, a.Unit is null && b.Unit is null ? null : "*"),
            "TruncatedDivide" when b.Value != 0 => new ConstantNumber(decimal.Truncate(a.Value / b.Value), a.Unit is null && b.Unit is null ? null : "*"),
            "Modulo" when b.Value != 0 && a.Unit == b.Unit => a with { Value = a.Value % b.Value },
            _ => null,
        };
    }
}
