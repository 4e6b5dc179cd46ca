using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Tests.Infrastructure;
using ProtocolEngine.LanguageService.Workflows;

namespace ProtocolEngine.LanguageService.Tests.Workflows;

public sealed class WorkflowEditTests
{
    private static readonly string Path_ = Path.Combine(Repo.Protocols, "std", "recruitment.protocol");
    private static readonly string Original = File.ReadAllText(Path_);

    private static string Apply(WorkflowEdit edit, out WorkflowEditResult result)
    {
        result = WorkflowEditor.Apply(Original, "Recruitment", edit);
        var compiled = new ProtocolCompiler(Repo.Resolver).CompileFresh(new SourceText(result.Text, Path_));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics.Where(d => d.IsError)));
        return result.Text;
    }

    private static (List<string> Removed, List<string> Added) Diff(string before, string after) => LineDiff.Of(before, after);

    [Fact]
    public void Adding_a_state_with_a_transition_into_it_adds_exactly_those_lines()
    {
        var text = Apply(new AddState("Withdrawn", IsFinal: true, From: "Screening", Guard: "event Withdrawn"), out var result);
        var (removed, added) = Diff(Original, text);
        Assert.Empty(removed);
        Assert.Equal(["  state Withdrawn         final", "  Screening         -> Withdrawn         when event Withdrawn"], added);
        Assert.Equal(2, result.Edits.Length);
        Assert.All(result.Edits, e => Assert.Equal(0, e.Span.Length));
    }

    [Fact]
    public void Renaming_a_state_changes_only_its_name_where_the_workflow_names_it()
    {
        var text = Apply(new RenameState("ScreenFailed", "NotEligible"), out var result);
        var (removed, added) = Diff(Original, text);
        Assert.Equal(removed.Select(l => l.Replace("ScreenFailed", "NotEligible", StringComparison.Ordinal)), added);
        Assert.Equal(4, removed.Count);
        Assert.All(result.Edits, e => Assert.Equal("ScreenFailed", Original.Substring(e.Span.Start, e.Span.Length)));
    }

    [Fact]
    public void Deleting_a_state_removes_its_lines_and_its_transitions()
    {
        var text = Apply(new DeleteState("NotApproached"), out _);
        var (removed, added) = Diff(Original, text);
        Assert.Empty(added);
        Assert.Equal(["  state NotApproached     final",
            "  Prescreening      -> NotApproached     when criteria phase prescreen not met",
            "  PrescreenReview   -> NotApproached     when PrescreenApproval rejected"], removed);
    }

    [Fact]
    public void Adding_and_deleting_a_transition_touch_one_line()
    {
        var added = Diff(Original, Apply(new AddTransition("EligibilityReview", "NotApproached", "event Withdrawn"), out _));
        Assert.Empty(added.Removed);
        Assert.Equal(["  EligibilityReview -> NotApproached     when event Withdrawn"], added.Added);

        var deleted = Diff(Original, Apply(new DeleteTransition("PrescreenReview", "NotApproached"), out _));
        Assert.Empty(deleted.Added);
        Assert.Equal(["  PrescreenReview   -> NotApproached     when PrescreenApproval rejected"], deleted.Removed);
    }

    [Fact]
    public void Setting_a_guard_replaces_only_the_guard()
    {
        var (removed, added) = Diff(Original, Apply(new SetGuard("ConsentPending", "Screening", "ObtainConsent completed and event ConsentFiled"), out var result));
        Assert.Equal(["  ConsentPending    -> Screening         when ObtainConsent completed"], removed);
        Assert.Equal(["  ConsentPending    -> Screening         when ObtainConsent completed and event ConsentFiled"], added);
        Assert.Equal("ObtainConsent completed", Original.Substring(Assert.Single(result.Edits).Span.Start, result.Edits[0].Span.Length));
        // A guard that does not parse is refused; one that parses but does not bind is the compiler's to report.
        Assert.Throws<WorkflowEditException>(() => WorkflowEditor.Apply(Original, "Recruitment", new SetGuard("ConsentPending", "Screening", "ObtainConsent completed and (")));
        var unbound = WorkflowEditor.Apply(Original, "Recruitment", new SetGuard("ConsentPending", "Screening", "NoSuchTask completed"));
        var compiled = new ProtocolCompiler(Repo.Resolver).CompileFresh(new SourceText(unbound.Text, Path_));
        Assert.Contains(compiled.Diagnostics, d => d.Code == "PE2007");
    }

    [Fact]
    public void Setting_a_tasks_roles_and_due_time_and_adding_an_escalation_change_its_clauses_only()
    {
        var roles = Diff(Original, Apply(new SetTaskRoles("ObtainConsent", ["StudyCoordinator"]), out _));
        Assert.Equal(["  state ConsentPending    task ObtainConsent \"Obtain signed informed consent\" for StudyCoordinator"], roles.Added);
        Assert.Single(roles.Removed);

        var due = Diff(Original, Apply(new SetTaskDue("ObtainConsent", "10 days"), out _));
        Assert.Equal(["                            due 10 days remind after 7 days escalate to SiteManager"], due.Added);
        Assert.Equal(["                            due ConsentWindow remind after 7 days escalate to SiteManager"], due.Removed);

        var escalation = Diff(Original, Apply(new AddEscalation("EligibilityApproval", "Sponsor", "5 days"), out _));
        Assert.Equal(["                            requires signature meaning \"approval\" escalate to Sponsor after 5 days"], escalation.Added);
        Assert.Single(escalation.Removed);
    }

    [Fact]
    public void Edits_naming_what_the_workflow_lacks_are_refused()
    {
        Assert.Throws<WorkflowEditException>(() => WorkflowEditor.Apply(Original, "Recruitment", new RenameState("Nowhere", "Somewhere")));
        Assert.Throws<WorkflowEditException>(() => WorkflowEditor.Apply(Original, "Recruitment", new AddState("Screening")));
        Assert.Throws<WorkflowEditException>(() => WorkflowEditor.Apply(Original, "Recruitment", new AddState("not valid")));
        Assert.Throws<WorkflowEditException>(() => WorkflowEditor.Apply(Original, "Recruitment", new DeleteState("Identified")));
        Assert.Throws<WorkflowEditException>(() => WorkflowEditor.Apply(Original, "NoWorkflow", new DeleteState("Screening")));
    }
}
