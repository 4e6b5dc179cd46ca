using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Tests.Infrastructure;
using ProtocolEngine.LanguageService.Text;
using ProtocolEngine.LanguageService.Workflows;

namespace ProtocolEngine.LanguageService.Tests.Workflows;

public sealed class WorkflowGraphTests
{
    public static TheoryData<string> WithWorkflows() =>
        [.. Repo.ShippedProtocols.Where(p => File.ReadAllText(p).Contains("\nworkflow ", StringComparison.Ordinal)).Select(p => Path.GetRelativePath(Repo.Protocols, p))];

    private static readonly string Recruitment = Path.Combine(Repo.Protocols, "std", "recruitment.protocol");

    [Theory]
    [MemberData(nameof(WithWorkflows))]
    public void Text_to_graph_to_text_is_byte_identical(string relative)
    {
        var path = Path.Combine(Repo.Protocols, relative);
        var text = File.ReadAllText(path);
        var compiled = new ProtocolCompiler(Repo.Resolver).CompileFresh(new SourceText(text, path));
        var graphs = WorkflowGraphBuilder.Build(compiled);
        Assert.NotEmpty(graphs);
        var rebuilt = text;
        foreach (var graph in graphs.Reverse())
        {
            Assert.Equal(text.Substring(graph.Span.Start, graph.Span.Length), graph.ToText());
            rebuilt = rebuilt[..graph.Span.Start] + graph.ToText() + rebuilt[graph.Span.End..];
            // Every state and transition of the block is a member of the graph, in order.
            Assert.Equal(graph.States.Length + graph.Transitions.Length, graph.Members.Length);
            Assert.All(graph.States, s => Assert.Equal(s.Name, text.Substring(s.NameSpan.Start, s.NameSpan.Length)));
            Assert.All(graph.Transitions.Where(t => t.GuardSpan is not null), t => Assert.Equal(t.Guard, text.Substring(t.GuardSpan!.Value.Start, t.GuardSpan.Value.Length)));
            Assert.Single(graph.States, s => s.IsInitial);
        }
        Assert.Equal(text, rebuilt);
    }

    [Fact]
    public void The_recruitment_graph_has_its_states_tasks_clocks_and_guards()
    {
        var text = File.ReadAllText(Recruitment);
        var graph = Assert.Single(WorkflowGraphBuilder.Build(text));
        Assert.Equal("Recruitment", graph.Name);
        Assert.Equal("Identified", graph.Initial!.Name);
        Assert.Equal(["Randomized", "NotApproached", "ScreenFailed"], graph.States.Where(s => s.IsFinal).Select(s => s.Name).ToArray());
        var consent = Assert.Single(graph.States.Single(s => s.Name == "ConsentPending").Tasks);
        Assert.Equal(["Investigator", "SubInvestigator"], consent.Roles.ToArray());
        Assert.Equal("ConsentWindow", consent.Due);
        Assert.Equal("SiteManager", Assert.Single(consent.Escalations).Role);
        Assert.Equal("authorship", consent.SignatureMeaning);
        Assert.Equal(new DeadlineEdge("ScreeningWindow", "ScreenFailed", "Screening window expired", graph.States.Single(s => s.Name == "Screening").Deadline!.Span),
            graph.States.Single(s => s.Name == "Screening").Deadline);
        Assert.Contains(graph.Clocks, c => c.Kind == ClockKind.Deadline && c.Owner == "Screening" && c.Length == "ScreeningWindow");
        var edge = graph.Transitions.Single(t => t.Id == "transition:Screening->Randomized");
        Assert.Equal("criteria met", edge.Guard);
        Assert.Equal(["randomize"], edge.Actions.ToArray());
        // The cursor in a task's text selects the task; a node's id gives its text back.
        int inTask = text.IndexOf("ObtainConsent", StringComparison.Ordinal);
        Assert.Equal("task:ObtainConsent", graph.ElementAt(inTask));
        Assert.Equal("state:Identified", graph.ElementAt(text.IndexOf("state Identified", StringComparison.Ordinal) + 2));
        Assert.StartsWith("Screening ", text.Substring(graph.SpanOf(edge.Id)!.Value.Start, graph.SpanOf(edge.Id)!.Value.Length), StringComparison.Ordinal);
    }

    [Fact]
    public void Mermaid_export_draws_states_transitions_deadlines_and_tasks()
    {
        var graph = Assert.Single(WorkflowGraphBuilder.Build(File.ReadAllText(Recruitment)));
        var mermaid = WorkflowExport.ToMermaid(graph);
        Assert.StartsWith("stateDiagram-v2\n", mermaid, StringComparison.Ordinal);
        Assert.Contains("    [*] --> Identified\n", mermaid);
        Assert.Contains("    Screening --> Randomized : criteria met, then randomize\n", mermaid);
        Assert.Contains("    Screening --> ScreenFailed : after ScreeningWindow (Screening window expired)\n", mermaid);
        Assert.Contains("    Randomized --> [*]\n", mermaid);
        Assert.Contains("note right of ConsentPending : task ObtainConsent - Obtain signed informed consent, for Investigator or SubInvestigator, due ConsentWindow", mermaid);
    }

    [Fact]
    public void Svg_export_draws_every_state_transition_and_task_and_is_the_same_every_time()
    {
        var graph = Assert.Single(WorkflowGraphBuilder.Build(File.ReadAllText(Recruitment)));
        var svg = WorkflowExport.ToSvg(graph);
        Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"", svg, StringComparison.Ordinal);
        System.Xml.Linq.XDocument.Parse(svg);
        Assert.All(graph.States, s => Assert.Contains($">{s.Name}</text>", svg));
        Assert.Equal(graph.Transitions.Length + graph.States.Count(s => s.Deadline is not null), System.Text.RegularExpressions.Regex.Matches(svg, "marker-end=\"url\\(#arrow\\)\"><title>").Count);
        Assert.Contains("task ObtainConsent for Investigator or SubInvestigator, due ConsentWindow", svg);
        Assert.Contains("stroke-dasharray", svg);
        Assert.Equal(svg, WorkflowExport.ToSvg(graph));
        // Text is escaped: a title with markup characters stays well-formed.
        var text = File.ReadAllText(Recruitment).Replace("\"Recruitment from identification to randomisation\"", "\"Recruitment & <randomisation>\"", StringComparison.Ordinal);
        var escaped = WorkflowExport.ToSvg(Assert.Single(WorkflowGraphBuilder.Build(text)));
        System.Xml.Linq.XDocument.Parse(escaped);
        Assert.Contains("Recruitment &amp; &lt;randomisation&gt;", escaped);
    }

    [Fact]
    public void A_layout_file_round_trips_and_follows_renames()
    {
        var layout = new WorkflowLayout().Place("Recruitment", "Identified", new NodePosition(10, 20)).Place("Recruitment", "Screening", new NodePosition(0, 240));
        var read = WorkflowLayout.Parse(layout.ToJson());
        Assert.Equal(new NodePosition(10, 20), read.PositionOf("Recruitment", "Identified"));
        var renamed = read.RenameState("Recruitment", "Identified", "Found").DeleteState("Recruitment", "Screening");
        Assert.Null(renamed.PositionOf("Recruitment", "Identified"));
        Assert.Equal(new NodePosition(10, 20), renamed.PositionOf("Recruitment", "Found"));
        Assert.Null(renamed.PositionOf("Recruitment", "Screening"));
        Assert.Equal("/x/trial.layout.json", WorkflowLayout.PathFor("/x/trial.protocol"));
        Assert.Throws<FormatException>(() => WorkflowLayout.Parse("{\"format\": \"other\"}"));
        Assert.Throws<FormatException>(() => WorkflowLayout.Parse("{"));
    }
}
