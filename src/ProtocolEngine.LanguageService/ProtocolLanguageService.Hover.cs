using System.Globalization;
using System.Text;
using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Language.Types;
using ProtocolEngine.LanguageService.Analysis;
using ProtocolEngine.LanguageService.Features;
using ProtocolEngine.LanguageService.Text;

namespace ProtocolEngine.LanguageService;

public sealed partial class ProtocolLanguageService
{
    /// <summary>
    /// Help for the name at a position: a variable's label and type, a domain's label, a definition's text, type, rule id
    /// and rule hash, a parameter's value, a code list's codes, a visit's schedule, a rule's id and hash. Null elsewhere.
    /// </summary>
    public HoverInfo? Hover(string path, LinePosition position)
    {
        var (analysis, offset) = At(Workspace, path, position);
        if (analysis.Model.At(path, offset) is not { } occurrence) return null;
        var markdown = Describe(occurrence.Target);
        return markdown is null ? null : new HoverInfo(markdown, analysis.Document.Lines.RangeOf(occurrence.Span));
    }

    /// <summary>The Markdown description of a target (hover and completion documentation share it).</summary>
    internal static string? Describe(Target target)
    {
        var md = new StringBuilder();
        switch (target)
        {
            case VariableTarget v:
                md.Append($"**{v.Domain.Name}.{v.Variable.Name}** `{Binder.VariableType(v.Variable).Name}`\n\n{v.Variable.Label}");
                md.Append($"\n\n{Core(v.Variable.Core)}");
                if (v.Variable.CodeList is { } codeList) md.Append($" · controlled terminology {codeList}");
                break;
            case DomainTarget d:
                md.Append($"**{d.Domain.Name}** — {d.Domain.Label}\n\n{Structure(d.Domain)}");
                break;
            case SymbolTarget { Symbol: var symbol }:
                Symbol(md, symbol);
                break;
            case LibraryTarget l:
                md.Append($"library **{l.LibraryName}**");
                if (l.Library is { } exports)
                {
                    md.Append($"\n\n`{exports.Source.Path}`");
                    md.Append(CultureInfo.InvariantCulture, $"\n\n{exports.Defines.Count} definitions, {exports.Functions.Count} functions, {exports.Tables.Count} tables, {exports.Checks.Length} checks, {exports.SafetyRules.Length} safety rules, {exports.Workflows.Length} workflows");
                }
                break;
            case StateTarget s:
                md.Append($"state **{s.State}** of workflow {s.Workflow}");
                break;
            case TaskTarget t:
                md.Append($"task **{t.Task}** of workflow {t.Workflow}");
                if (t.Title is { } title) md.Append($"\n\n{title}");
                break;
            case RuleTarget r:
                md.Append($"**{r.RuleName}**");
                if (r.Title is { } ruleTitle) md.Append($" — {ruleTitle}");
                Identity(md, r.Identity);
                break;
            case PhaseTarget p:
                md.Append($"criteria phase **{p.Phase}**");
                break;
            case BuiltinTarget b:
                md.Append("built-in function\n\n```protocol\n");
                foreach (var overload in BuiltinCatalog.Lookup(b.Function).Take(8))
                    md.Append($"{b.Function}({string.Join(", ", overload.Parameters.Select(p => p.Name))}) returns {overload.ReturnType.Name}\n");
                md.Append("```");
                break;
            default:
                return null;
        }
        return md.ToString();
    }

    private static void Symbol(StringBuilder md, Symbol symbol)
    {
        switch (symbol)
        {
            case DefineSymbol d:
                Code(md, d);
                md.Append($"\n\ndefinition **{d.QualifiedName}** `{d.Type.Name}`");
                if (d.Identity is { } di) Identity(md, di);
                break;
            case FunctionSymbol f:
                Code(md, f);
                md.Append($"\n\nfunction **{f.QualifiedName}**({string.Join(", ", f.Parameters.Select(p => p.Name + " " + p.Type.Name))}) returns `{f.ReturnType.Name}`");
                if (f.Identity is { } fi) Identity(md, fi);
                break;
            case TableSymbol t:
                Code(md, t);
                md.Append($"\n\ndecision table **{t.QualifiedName}**({string.Join(", ", t.Inputs.Select(i => i.Name + " " + i.Type.Name))}) returns `{t.CallType.Name}`, hit {t.HitPolicy.ToString().ToLowerInvariant()}");
                if (t.Identity is { } ti) Identity(md, ti);
                break;
            case ParameterSymbol p:
                Code(md, p);
                md.Append($"\n\nparameter **{p.QualifiedName}** `{p.Type.Name}`");
                if (p.OverrideText is { } o) md.Append($"\n\nset by the import: `{o}`");
                if (p.Syntax.Description is { } description) md.Append($"\n\n{description.Value}");
                break;
            case CodeListSymbol c:
                md.Append($"code list **{c.QualifiedName}**");
                if (c.Syntax.Title is { } title) md.Append($" — {title.Value}");
                if (c.CodeSystem is { } system) md.Append($"\n\nsystem {system}");
                var codes = c.Codes.ToList();
                md.Append(CultureInfo.InvariantCulture, $"\n\n{codes.Count} codes: ");
                md.Append(string.Join(", ", codes.Take(12).Select(x => x.Display is null ? $"`{x.Code}`" : $"`{x.Code}` {x.Display}")));
                if (codes.Count > 12) md.Append(", …");
                break;
            case VisitSymbol v:
                md.Append($"visit **{v.Name}**");
                if (v.Syntax.Label is { } label) md.Append($" \"{label.Value}\"");
                md.Append(CultureInfo.InvariantCulture, $"\n\nday {v.Day}, VISITNUM {v.Number}, window days {v.WindowStart} to {v.WindowEnd}");
                break;
            case RoleSymbol r:
                md.Append($"role **{r.Name}** — {r.Title}");
                break;
            case LocalSymbol l:
                md.Append($"{LocalKindText(l.Kind)} **{l.Name}** `{l.Type.Name}`");
                if (l.Type is RecordType record) md.Append($"\n\na record of {record.Domain.Name} ({record.Domain.Label})");
                break;
            default:
                md.Append($"**{symbol.QualifiedName}**");
                break;
        }
    }

    private static void Code(StringBuilder md, Symbol symbol)
    {
        var text = symbol.DeclarationText;
        if (text.Length > 2000) text = text[..2000] + "\n…";
        md.Append("```protocol\n").Append(text).Append("\n```");
    }

    private static void Identity(StringBuilder md, RuleIdentity identity) =>
        md.Append($"\n\nrule `{identity.Id}` · hash `{identity.Hash}`");

    private static string LocalKindText(LocalKind kind) => kind switch
    {
        LocalKind.Alias => "alias",
        LocalKind.Let => "let",
        LocalKind.Parameter => "parameter",
        LocalKind.TableInput => "table input",
        LocalKind.Accumulator => "accumulator",
        _ => "local",
    };

    private static string Core(VariableCore core) => core switch
    {
        VariableCore.Required => "Required",
        VariableCore.Expected => "Expected",
        _ => "Permissible",
    };

    private static string Structure(DomainSchema domain) => domain.Structure switch
    {
        DomainStructure.OnePerSubject => $"one record per subject: `{domain.Name}` is the subject's record",
        DomainStructure.StudyLevel => $"trial-level records: `{domain.Name}` is the list of all records",
        _ => $"many records per subject: `{domain.Name}` is the list of the subject's records (List<{domain.Name}>)",
    } + $" · {domain.Class}";
}
