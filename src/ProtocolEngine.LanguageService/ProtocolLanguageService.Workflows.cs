using System.Collections.Immutable;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Features;
using ProtocolEngine.LanguageService.Formatting;
using ProtocolEngine.LanguageService.Text;
using ProtocolEngine.LanguageService.Workflows;

namespace ProtocolEngine.LanguageService;

/// <summary>A workflow edit applied to a document: the text edits, the new text and what the compiler says of it.</summary>
/// <param name="Edits">The minimal text edits (offsets of the document before the edit).</param>
/// <param name="Text">The document's new text.</param>
/// <param name="Diagnostics">The errors and warnings of the new text in this document (a guard that does not bind shows here).</param>
public sealed record WorkflowEditOutcome(ImmutableArray<TextEdit> Edits, string Text, ImmutableArray<DocumentDiagnostic> Diagnostics);

public sealed partial class ProtocolLanguageService
{
    /// <summary>The graphs of a document's workflow blocks.</summary>
    public ImmutableArray<WorkflowGraph> WorkflowGraphs(string path) => WorkflowGraphBuilder.Build(Workspace.Analyze(path).Compiled);

    /// <summary>
    /// Applies a graph edit to a document's text and compiles the result (the document itself is left as it is: the editor
    /// applies the edits). A guard typed as text is checked here: its errors come back as diagnostics.
    /// </summary>
    /// <exception cref="WorkflowEditException">The edit does not fit the workflow or would not parse.</exception>
    public WorkflowEditOutcome EditWorkflow(string path, string workflow, WorkflowEdit edit)
    {
        var document = Workspace.Get(path) ?? throw new ArgumentException($"No document {path} in the workspace.", nameof(path));
        var result = WorkflowEditor.Apply(document.Text, workflow, edit);
        var compiled = Workspace.CompileTransient(new SourceText(result.Text, path));
        var lines = new LineMap(result.Text);
        var diagnostics = compiled.Diagnostics.Where(d => d.Source is null || d.Source.Path == path)
            .Select(d => new DocumentDiagnostic(lines.RangeOf(d.Span), d.Span, d.Severity, d.Code, d.Message, null));
        return new WorkflowEditOutcome(result.Edits, result.Text, [.. diagnostics]);
    }

    /// <summary>A workflow of a document as a Mermaid state diagram.</summary>
    /// <exception cref="ArgumentException">The document has no such workflow.</exception>
    public string WorkflowMermaid(string path, string workflow) =>
        WorkflowExport.ToMermaid(Workflow(path, workflow));

    /// <summary>A workflow of a document as an SVG picture.</summary>
    /// <exception cref="ArgumentException">The document has no such workflow.</exception>
    public string WorkflowSvg(string path, string workflow) => WorkflowExport.ToSvg(Workflow(path, workflow));

    private WorkflowGraph Workflow(string path, string workflow) =>
        WorkflowGraphs(path).FirstOrDefault(w => w.Name == workflow) ?? throw new ArgumentException($"No workflow {workflow} in {path}.", nameof(workflow));

    // ---------------------------------------------------------------- formatting

    /// <summary>
    /// The edits that format a document (none when it is formatted already, or when it has syntax errors: a text the parser
    /// cannot read is never reformatted).
    /// </summary>
    public ImmutableArray<TextEdit> Format(string path)
    {
        var document = Workspace.Get(path) ?? throw new ArgumentException($"No document {path} in the workspace.", nameof(path));
        var result = ProtocolFormatter.Format(document.Text);
        return result.Text is null ? [] : [.. TextEdit.Diff(document.Text, result.Text)];
    }
}
