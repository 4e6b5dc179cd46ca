using System.Collections.Immutable;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Text;

namespace ProtocolEngine.LanguageService.Features;

/// <summary>A quick fix: a titled edit that resolves a diagnostic.</summary>
/// <param name="Title">What the fix does, for example <c>Change to "AESER"</c>.</param>
/// <param name="Edit">The edit of the document.</param>
/// <param name="Range">Where the edit applies.</param>
public sealed record QuickFix(string Title, TextEdit Edit, LineRange Range);

/// <summary>A diagnostic of a document in editor positions, with the catalog's suggestion as a quick fix where it has one.</summary>
/// <param name="Range">Where it is.</param>
/// <param name="Span">Where it is, as offsets.</param>
/// <param name="Severity">Error, warning or info.</param>
/// <param name="Code">The PE code.</param>
/// <param name="Message">The message.</param>
/// <param name="Fix">The quick fix, when the catalog suggests a replacement.</param>
public sealed record DocumentDiagnostic(LineRange Range, TextSpan Span, DiagnosticSeverity Severity, string Code, string Message, QuickFix? Fix);

/// <summary>What a completion offers.</summary>
public enum CompletionKind
{
    /// <summary>A word of the language.</summary>
    Keyword,
    /// <summary>A definition.</summary>
    Definition,
    /// <summary>A function or decision table.</summary>
    Function,
    /// <summary>A built-in function.</summary>
    Builtin,
    /// <summary>A parameter.</summary>
    Parameter,
    /// <summary>A code list.</summary>
    CodeList,
    /// <summary>A visit.</summary>
    Visit,
    /// <summary>A query alias, let, function parameter or table input.</summary>
    Local,
    /// <summary>A domain of the data model.</summary>
    Domain,
    /// <summary>A variable of a domain.</summary>
    Variable,
    /// <summary>A value the linked study holds.</summary>
    Value,
    /// <summary>A role.</summary>
    Role,
    /// <summary>A workflow state.</summary>
    State,
    /// <summary>A workflow task or gate.</summary>
    Task,
    /// <summary>A library.</summary>
    Library,
    /// <summary>A criteria phase.</summary>
    Phase,
    /// <summary>A safety rule's clock.</summary>
    Clock,
}

/// <summary>One completion.</summary>
/// <param name="Label">What the list shows.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Detail">A short description (a type, a label).</param>
/// <param name="Documentation">Longer help in Markdown, or null.</param>
/// <param name="InsertText">What is inserted (the label when null).</param>
/// <param name="SortText">The order in the list.</param>
public sealed record CompletionItem(string Label, CompletionKind Kind, string? Detail, string? Documentation = null, string? InsertText = null, string? SortText = null);

/// <summary>The completions at a position and the text they replace.</summary>
/// <param name="Items">The completions.</param>
/// <param name="Replace">The word being typed (empty at its start).</param>
public sealed record CompletionList(ImmutableArray<CompletionItem> Items, LineRange Replace);

/// <summary>Hover help.</summary>
/// <param name="Markdown">The help, in Markdown.</param>
/// <param name="Range">The name it is about.</param>
public sealed record HoverInfo(string Markdown, LineRange Range);

/// <summary>A place in a file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Range">Where.</param>
/// <param name="Span">Where, as offsets.</param>
public sealed record SourceLocation(string Path, LineRange Range, TextSpan Span);

/// <summary>What a document symbol is.</summary>
public enum DocumentSymbolKind
{
    /// <summary>The protocol or library header.</summary>
    Protocol,
    /// <summary>An import.</summary>
    Import,
    /// <summary>A parameter.</summary>
    Parameter,
    /// <summary>A block of roles, arms, visits or criteria.</summary>
    Block,
    /// <summary>A role, arm or visit.</summary>
    Entry,
    /// <summary>A code list.</summary>
    CodeList,
    /// <summary>A definition.</summary>
    Definition,
    /// <summary>A function.</summary>
    Function,
    /// <summary>A criterion.</summary>
    Criterion,
    /// <summary>A data check.</summary>
    Check,
    /// <summary>A decision table.</summary>
    Table,
    /// <summary>A safety rule.</summary>
    SafetyRule,
    /// <summary>A workflow.</summary>
    Workflow,
    /// <summary>A workflow state.</summary>
    State,
    /// <summary>A workflow transition.</summary>
    Transition,
}

/// <summary>An outline entry of a document.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Detail">A short description (a title, a type).</param>
/// <param name="Kind">What it is.</param>
/// <param name="Range">The whole declaration.</param>
/// <param name="SelectionRange">Its name.</param>
/// <param name="Children">Nested entries.</param>
public sealed record DocumentSymbol(string Name, string? Detail, DocumentSymbolKind Kind, LineRange Range, LineRange SelectionRange, ImmutableArray<DocumentSymbol> Children);

/// <summary>How an editor colours a token (the Language Server Protocol's standard token types).</summary>
public enum SemanticTokenType
{
    /// <summary>A library.</summary>
    Namespace,
    /// <summary>A role.</summary>
    Type,
    /// <summary>A domain.</summary>
    Class,
    /// <summary>A code list.</summary>
    Enum,
    /// <summary>A function parameter or protocol parameter.</summary>
    Parameter,
    /// <summary>A definition, alias or let.</summary>
    Variable,
    /// <summary>A variable of a domain.</summary>
    Property,
    /// <summary>A visit or workflow state.</summary>
    EnumMember,
    /// <summary>A workflow task.</summary>
    Event,
    /// <summary>A function, table or built-in.</summary>
    Function,
    /// <summary>A word of the language.</summary>
    Keyword,
    /// <summary>A comment.</summary>
    Comment,
    /// <summary>A text or string.</summary>
    String,
    /// <summary>A number or date.</summary>
    Number,
    /// <summary>An operator.</summary>
    Operator,
    /// <summary>The name of a rule (criterion, check, safety rule, workflow).</summary>
    Macro,
}

/// <summary>Modifiers of a semantic token.</summary>
[Flags]
public enum SemanticTokenModifiers
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>Where the name is declared.</summary>
    Declaration = 1,
    /// <summary>From the data model or the built-ins.</summary>
    DefaultLibrary = 2,
}

/// <summary>A coloured token, on one line.</summary>
/// <param name="Line">The 0-based line.</param>
/// <param name="Character">The 0-based UTF-16 start.</param>
/// <param name="Length">Its length in UTF-16 units.</param>
/// <param name="Type">How to colour it.</param>
/// <param name="Modifiers">Modifiers.</param>
public readonly record struct SemanticToken(int Line, int Character, int Length, SemanticTokenType Type, SemanticTokenModifiers Modifiers);
