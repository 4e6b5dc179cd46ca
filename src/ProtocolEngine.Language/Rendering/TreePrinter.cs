using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Syntax;
using ProtocolEngine.Language.Text;
using ProtocolEngine.Language.Types;

namespace ProtocolEngine.Language.Rendering;

/// <summary>
/// Prints syntax and bound trees as indented text, one node per line with its properties, so compiler
/// baselines read as diffs. Syntax nodes show their span as <c>[start..end)</c>.
/// </summary>
internal static class TreePrinter
{
    /// <summary>The syntax tree of a file.</summary>
    public static string PrintSyntax(SyntaxNode root)
    {
        var sb = new StringBuilder();
        PrintValue(sb, null, root, 0);
        return sb.ToString();
    }

    /// <summary>The bound form (the IR) of every rule of a compiled protocol: definitions, functions, tables, criteria, checks, safety rules, workflows.</summary>
    public static string PrintBound(CompiledProtocol protocol)
    {
        var sb = new StringBuilder();
        foreach (var d in protocol.Defines.Values)
        {
            sb.Append("define ").Append(d.Name).Append(" : ").Append(d.Type.Name).Append('\n');
            PrintBound(sb, d.Body, 1);
        }
        foreach (var f in protocol.Functions.Values)
        {
            sb.Append("function ").Append(f.Name).Append('(').Append(string.Join(", ", f.Parameters.Select(p => $"{p.Name} {p.Type.Name}")))
                .Append(") : ").Append(f.ReturnType.Name).Append('\n');
            PrintBound(sb, f.Body, 1);
        }
        foreach (var t in protocol.Tables.Values)
        {
            sb.Append("table ").Append(t.Name).Append(" hit ").Append(t.HitPolicy.ToString().ToLowerInvariant()).Append(" : ").Append(t.ResultType.Name).Append('\n');
            foreach (var row in t.Rows)
            {
                sb.Append("  row").Append(row.IsOtherwise ? " otherwise" : "").Append('\n');
                foreach (var c in row.Conditions) PrintBound(sb, c, 2);
                sb.Append("    =>\n");
                PrintBound(sb, row.Result, 3);
            }
        }
        foreach (var c in protocol.Criteria)
        {
            sb.Append(c.Kind.ToString().ToLowerInvariant()).Append(' ').Append(c.Id).Append(c.Phase is null ? "" : " phase " + c.Phase)
                .Append(c.AttestedBy is null ? "" : " attested by " + c.AttestedBy.Name).Append(" #").Append(c.Hash[..12]).Append('\n');
            PrintBound(sb, c.Rule, 1);
        }
        foreach (var c in protocol.Checks.Where(c => c.Source == protocol.Source))
        {
            sb.Append("check ").Append(c.Id).Append(' ').Append(c.ScopeKind.ToString().ToLowerInvariant()).Append(c.Domain is null ? "" : " " + c.Domain.Name)
                .Append(" severity ").Append(c.Severity.ToString().ToLowerInvariant()).Append(" #").Append(c.Hash[..12]).Append('\n');
            if (c.Where is not null)
            {
                sb.Append("  where\n");
                PrintBound(sb, c.Where, 2);
            }
            sb.Append("  expect\n");
            PrintBound(sb, c.Expect, 2);
        }
        foreach (var r in protocol.SafetyRules.Where(r => r.Source == protocol.Source))
        {
            sb.Append("safety ").Append(r.Id).Append(" for ").Append(r.Domain.Name).Append(" #").Append(r.Hash[..12]).Append('\n');
            PrintBound(sb, r.When, 1);
            foreach (var o in r.Obligations)
                sb.Append("  ").Append(o.Kind.ToString().ToLowerInvariant()).Append(o.Recipient is null ? "" : " " + o.Recipient.Name).Append(" within ").Append(o.Duration).Append('\n');
        }
        foreach (var w in protocol.Workflows.Where(w => w.Source == protocol.Source))
        {
            sb.Append("workflow ").Append(w.Name).Append(w.IsPerSubject ? " per subject" : " per " + w.Domain!.Name).Append('\n');
            foreach (var s in w.States)
            {
                sb.Append("  state ").Append(s.Name).Append(s.IsInitial ? " initial" : "").Append(s.IsFinal ? " final" : "");
                foreach (var t in s.Tasks) sb.Append(t.IsGate ? " gate " : " task ").Append(t.Name).Append(" for ").Append(string.Join("|", t.Roles.Select(r => r.Name)));
                if (s.Deadline is { } d) sb.Append(" deadline ").Append(d.Length).Append(" -> ").Append(d.Target);
                sb.Append('\n');
            }
            foreach (var t in w.Transitions)
                sb.Append("  ").Append(t.From).Append(" -> ").Append(t.To).Append(t.Guard is null ? "" : " when " + Describe(t.Guard)).Append('\n');
        }
        return sb.ToString();
    }

    private static string Describe(BoundGuard guard) => guard switch
    {
        BoundBinaryGuard b => $"({Describe(b.Left)} {(b.IsAnd ? "and" : "or")} {Describe(b.Right)})",
        BoundCriteriaGuard c => $"criteria{(c.Phase is null ? "" : " phase " + c.Phase)} {string.Join(" or ", c.Outcomes)}",
        BoundTaskGuard t => $"{t.Task} {t.Outcome}{(t.Decision is null ? "" : " " + t.Decision)}",
        BoundEventGuard e => $"event {e.Event}",
        BoundClockGuard k => $"clock {k.Clock} {(k.Missed ? "missed" : "met")}",
        BoundExpressionGuard x => $"data : {x.Condition.Type.Name}",
        _ => guard.GetType().Name,
    };

    private static void PrintBound(StringBuilder sb, BoundExpression? node, int depth)
    {
        if (node is null) return;
        sb.Append(' ', depth * 2).Append(Label(node)).Append(" : ").Append(node.Type.Name).Append('\n');
        foreach (var child in BoundTreeWalker.Children(node)) PrintBound(sb, child, depth + 1);
    }

    private static string Label(BoundExpression node) => node switch
    {
        BoundLiteral l => "Literal " + (l.Value switch
        {
            null => "null",
            string s => "'" + s + "'",
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString(),
        }),
        BoundQuantityLiteral q => $"Quantity {q.Value.ToString(CultureInfo.InvariantCulture)} '{q.Unit}'",
        BoundCall c => "Call " + c.Overload.Key,
        BoundConversion c => "Convert " + c.Conversion.Kind,
        BoundTypeOperator t => $"{t.Operator} {t.TargetType.Name}",
        BoundDefineReference d => "Define " + d.Define.QualifiedName,
        BoundFunctionCall f => "Function " + f.Function.QualifiedName,
        BoundTableCall t => "Table " + t.Table.QualifiedName,
        BoundParameterReference p => "Parameter " + p.Parameter.QualifiedName,
        BoundLocal l => $"Local {l.Local.Name} ({l.Local.Kind})",
        BoundDomainReference d => "Domain " + d.Domain.Name,
        BoundVariableAccess v => "Variable " + v.Domain.Name + "." + v.Variable.Name,
        BoundMemberAccess m => "Member " + m.Member,
        BoundListMemberAccess => "ListMember",
        BoundCodeListReference c => "CodeList " + c.CodeList.QualifiedName,
        BoundVisitReference v => "Visit " + v.Visit.Name,
        BoundQuery q => "Query " + string.Join(", ", q.Sources.Select(s => s.Alias.Name)) + (q.SingularSource ? " (single)" : ""),
        BoundTypeExtent t => (t.IsMaximum ? "Maximum " : "Minimum ") + t.Type.Name,
        BoundInterval i => $"Interval {(i.LowClosed ? "[" : "(")}{(i.HighClosed ? "]" : ")")}",
        _ => node.GetType().Name.Replace("Bound", "", StringComparison.Ordinal),
    };

    private static void PrintValue(StringBuilder sb, string? name, object? value, int depth)
    {
        sb.Append(' ', depth * 2);
        if (name is not null) sb.Append(name).Append(": ");
        switch (value)
        {
            case null:
                sb.Append("null\n");
                return;
            case IdentifierSyntax id:
                sb.Append("Identifier ").Append(id.Name.Length == 0 ? "<missing>" : id.Name).Append(' ').Append(id.Span).Append('\n');
                return;
            case StringSyntax str:
                sb.Append('"').Append(str.Value.Replace("\n", "\\n", StringComparison.Ordinal)).Append("\" ").Append(str.Span).Append('\n');
                return;
            case QualifiedNameSyntax qn:
                sb.Append("Name ").Append(qn.Text).Append(' ').Append(qn.Span).Append('\n');
                return;
            case SyntaxNode node:
            {
                sb.Append(node.GetType().Name.Replace("Syntax", "", StringComparison.Ordinal)).Append(' ').Append(node.Span).Append('\n');
                foreach (var property in Properties(node.GetType()))
                    PrintValue(sb, property.Name, property.GetValue(node), depth + 1);
                return;
            }
            case TimingPhrase phrase:
                sb.Append("Phrase ").Append(phrase.Kind);
                foreach (var property in typeof(TimingPhrase).GetProperties().Where(p => p.Name is not "Kind" and not "EqualityContract"))
                {
                    var v = property.GetValue(phrase);
                    if (v is null || v is false || v is OffsetQualifier.Exactly) continue;
                    sb.Append(' ').Append(property.Name).Append('=').Append(v is QuantitySyntax q ? q.Number + " " + q.Unit : v);
                }
                sb.Append('\n');
                return;
            case string s:
                sb.Append('\'').Append(s.Replace("\n", "\\n", StringComparison.Ordinal)).Append("'\n");
                return;
            case IEnumerable items when value is not string:
            {
                var list = items.Cast<object?>().ToList();
                if (list.Count == 0)
                {
                    sb.Append("[]\n");
                    return;
                }
                sb.Append('\n');
                foreach (var item in list) PrintValue(sb, "-", item, depth + 1);
                return;
            }
            default:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');
                return;
        }
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name is not "Span" and not "EqualityContract" && p.GetIndexParameters().Length == 0 && p.DeclaringType != typeof(SyntaxNode)
                        && p.PropertyType != typeof(bool) || p.PropertyType == typeof(bool) && p.CanWrite && p.Name != "IsMissing" && p.Name != "IsFunction")
            .OrderBy(p => p.MetadataToken);
}
