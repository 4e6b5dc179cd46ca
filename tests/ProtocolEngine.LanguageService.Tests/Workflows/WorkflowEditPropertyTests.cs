using System.Diagnostics;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Tests.Infrastructure;
using ProtocolEngine.LanguageService.Workflows;
using Xunit.Abstractions;

namespace ProtocolEngine.LanguageService.Tests.Workflows;

/// <summary>
/// Random sequences of graph edits on the shipped workflows: after every edit the text compiles without errors, and
/// reading the text again gives the graph the edits describe (kept alongside as a plain model).
/// </summary>
public sealed class WorkflowEditPropertyTests(ITestOutputHelper output)
{
    private const int Sequences = 1000;
    private const int EditsPerSequence = 20;
    private static readonly string[] Roles = ["Investigator", "SubInvestigator", "StudyCoordinator", "SiteManager", "DataManager", "Monitor", "MedicalMonitor", "SafetyPhysician"];

    [Fact]
    public void Random_edit_sequences_keep_the_text_compiling_and_the_graph_as_the_edits_describe()
    {
        var files = Repo.ShippedProtocols.Where(p => File.ReadAllText(p).Contains("\nworkflow ", StringComparison.Ordinal))
            .Select(p => (Path: p, Text: File.ReadAllText(p))).ToList();
        var compiler = new ProtocolCompiler(Repo.Resolver);
        var random = new Random(20261204);
        var watch = Stopwatch.StartNew();
        int applied = 0;
        for (int sequence = 0; sequence < Sequences; sequence++)
        {
            var (path, text) = files[random.Next(files.Count)];
            var graphs = WorkflowGraphBuilder.Build(text);
            var workflow = graphs[random.Next(graphs.Length)].Name;
            var model = Model.Of(graphs.Single(g => g.Name == workflow));
            var trail = new List<WorkflowEdit>();
            for (int step = 0; step < EditsPerSequence; step++)
            {
                var edit = model.RandomEdit(random, sequence, step);
                trail.Add(edit);
                string context = $"sequence {sequence} ({Path.GetFileName(path)} {workflow}), edits:\n  " + string.Join("\n  ", trail);
                text = WorkflowEditor.Apply(text, workflow, edit).Text;
                model.Apply(edit);
                var compiled = compiler.CompileIncremental(new SourceText(text, path));
                Assert.False(compiled.HasErrors, context + "\n" + string.Join("\n", compiled.Diagnostics.Where(d => d.IsError)) + "\n" + text);
                var reread = Model.Of(WorkflowGraphBuilder.Build(compiled).Single(g => g.Name == workflow));
                Assert.True(model.Describe() == reread.Describe(), context + "\nexpected:\n" + model.Describe() + "\nread:\n" + reread.Describe());
                applied++;
            }
        }
        output.WriteLine($"{applied} edits in {Sequences} sequences, {watch.Elapsed.TotalSeconds:F1} s");
    }

    private sealed record TaskModel(string Name, List<string> Roles, string? Due, List<string> Escalations);

    private sealed record StateModel(string Name, bool Initial, bool Final, List<TaskModel> Tasks)
    {
        public string? Deadline { get; set; }
    }

    private sealed record TransitionModel(string From, string To)
    {
        public string? Guard { get; set; }
    }

    /// <summary>The graph as plain data, with the validity rules the edits must keep (reachability, a way out of every non-final state).</summary>
    private sealed class Model
    {
        private readonly List<StateModel> _states = [];
        private readonly List<TransitionModel> _transitions = [];

        public static Model Of(WorkflowGraph graph)
        {
            var model = new Model();
            foreach (var s in graph.States)
                model._states.Add(new StateModel(s.Name, s.IsInitial, s.IsFinal,
                    [.. s.Tasks.Select(t => new TaskModel(t.Name, [.. t.Roles], t.Due, [.. t.Escalations.Select(e => e.Role + (e.After is null ? "" : " after " + e.After))]))])
                { Deadline = s.Deadline?.Target });
            foreach (var t in graph.Transitions) model._transitions.Add(new TransitionModel(t.From, t.To) { Guard = Clean(t.Guard) });
            return model;
        }

        private static string? Clean(string? guard) => guard is null ? null : Regex.Replace(guard.Trim(), @"\s+", " ");

        public string Describe() =>
            string.Join("\n", _states.Select(s => $"state {s.Name}{(s.Initial ? " initial" : "")}{(s.Final ? " final" : "")}{(s.Deadline is null ? "" : " deadline -> " + s.Deadline)}"
                + string.Concat(s.Tasks.Select(t => $" [{t.Name} for {string.Join(" or ", t.Roles)} due {t.Due} escalate {string.Join(", ", t.Escalations)}]"))))
            + "\n" + string.Join("\n", _transitions.Select(t => $"{t.From} -> {t.To} when {t.Guard}"));

        public WorkflowEdit RandomEdit(Random random, int sequence, int step)
        {
            string Fresh(string prefix) => $"{prefix}{sequence}x{step}";
            var open = _states.Where(s => !s.Final).ToList();
            var tasks = _states.SelectMany(s => s.Tasks).ToList();
            for (int attempt = 0; attempt < 50; attempt++)
            {
                switch (random.Next(9))
                {
                    case 0:
                        return new AddState(Fresh("S"), IsFinal: true, From: open[random.Next(open.Count)].Name, Guard: "event " + Fresh("E"));
                    case 1:
                        return new RenameState(_states[random.Next(_states.Count)].Name, Fresh("R"));
                    case 2:
                        var candidates = _states.Where(s => !s.Initial).Where(s => StillValid(without: s.Name, withoutTransition: null)).ToList();
                        if (candidates.Count > 0) return new DeleteState(candidates[random.Next(candidates.Count)].Name);
                        break;
                    case 3:
                        return new AddTransition(open[random.Next(open.Count)].Name, _states[random.Next(_states.Count)].Name, "event " + Fresh("E"));
                    case 4:
                        var removable = _transitions.Where(t => StillValid(without: null, withoutTransition: t)).ToList();
                        if (removable.Count == 0) break;
                        var transition = removable[random.Next(removable.Count)];
                        return new DeleteTransition(transition.From, transition.To, Ordinal(transition));
                    case 5:
                        if (_transitions.Count == 0) break;
                        var guarded = _transitions[random.Next(_transitions.Count)];
                        return new SetGuard(guarded.From, guarded.To, "event " + Fresh("E"), Ordinal(guarded));
                    case 6:
                        if (tasks.Count == 0) break;
                        return new SetTaskRoles(tasks[random.Next(tasks.Count)].Name, [.. Roles.OrderBy(_ => random.Next()).Take(random.Next(1, 3))]);
                    case 7:
                        if (tasks.Count == 0) break;
                        return new SetTaskDue(tasks[random.Next(tasks.Count)].Name, random.Next(10, 31) + " days");
                    default:
                        if (tasks.Count == 0) break;
                        return new AddEscalation(tasks[random.Next(tasks.Count)].Name, Roles[random.Next(Roles.Length)], random.Next(2) == 0 ? null : random.Next(1, 20) + " days");
                }
            }
            return new RenameState(_states[0].Name, Fresh("R"));
        }

        private int Ordinal(TransitionModel transition) =>
            _transitions.Where(t => t.From == transition.From && t.To == transition.To).ToList().IndexOf(transition) + 1;

        // Every state stays reachable from the initial one, and every state that is not final keeps a way out.
        private bool StillValid(string? without, TransitionModel? withoutTransition)
        {
            var states = _states.Where(s => s.Name != without).ToList();
            var edges = _transitions.Where(t => t != withoutTransition && t.From != without && t.To != without).Select(t => (t.From, t.To))
                .Concat(states.Where(s => s.Deadline is not null && s.Deadline != without).Select(s => (From: s.Name, To: s.Deadline!))).ToList();
            var reached = new HashSet<string> { states.Single(s => s.Initial).Name };
            for (bool grew = true; grew;)
            {
                grew = false;
                foreach (var (from, to) in edges)
                    if (reached.Contains(from) && reached.Add(to)) grew = true;
            }
            return states.All(s => reached.Contains(s.Name)) && states.All(s => s.Final || edges.Any(e => e.From == s.Name));
        }

        public void Apply(WorkflowEdit edit)
        {
            switch (edit)
            {
                case AddState a:
                    _states.Add(new StateModel(a.Name, false, a.IsFinal, []));
                    if (a.From is not null) _transitions.Add(new TransitionModel(a.From, a.Name) { Guard = Clean(a.Guard) });
                    break;
                case RenameState r:
                    for (int i = 0; i < _states.Count; i++)
                    {
                        if (_states[i].Name == r.Name) _states[i] = _states[i] with { Name = r.NewName };
                        if (_states[i].Deadline == r.Name) _states[i].Deadline = r.NewName;
                    }
                    for (int i = 0; i < _transitions.Count; i++)
                        _transitions[i] = new TransitionModel(_transitions[i].From == r.Name ? r.NewName : _transitions[i].From, _transitions[i].To == r.Name ? r.NewName : _transitions[i].To) { Guard = _transitions[i].Guard };
                    break;
                case DeleteState d:
                    _states.RemoveAll(s => s.Name == d.Name);
                    _transitions.RemoveAll(t => t.From == d.Name || t.To == d.Name);
                    foreach (var s in _states.Where(s => s.Deadline == d.Name)) s.Deadline = null;
                    break;
                case AddTransition t:
                    _transitions.Add(new TransitionModel(t.From, t.To) { Guard = Clean(t.Guard) });
                    break;
                case DeleteTransition d:
                    _transitions.Remove(_transitions.Where(t => t.From == d.From && t.To == d.To).ElementAt(d.Ordinal - 1));
                    break;
                case SetGuard g:
                    _transitions.Where(t => t.From == g.From && t.To == g.To).ElementAt(g.Ordinal - 1).Guard = Clean(g.Guard);
                    break;
                case SetTaskRoles r:
                    Task(r.Task).Roles.Clear();
                    Task(r.Task).Roles.AddRange(r.Roles);
                    break;
                case SetTaskDue d:
                    var state = _states.First(s => s.Tasks.Any(t => t.Name == d.Task));
                    state.Tasks[state.Tasks.FindIndex(t => t.Name == d.Task)] = Task(d.Task) with { Due = d.Due };
                    break;
                case AddEscalation e:
                    Task(e.Task).Escalations.Add(e.Role + (e.After is null ? "" : " after " + e.After));
                    break;
            }
        }

        private TaskModel Task(string name) => _states.SelectMany(s => s.Tasks).First(t => t.Name == name);
    }
}
