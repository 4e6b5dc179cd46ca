using ProtocolEngine.Workflows.Definitions;
using ProtocolEngine.Workflows.Execution;
using ProtocolEngine.Workflows.Migration;
using ProtocolEngine.Workflows.Tests.Support;
using ProtocolEngine.Language.Workflows;

namespace ProtocolEngine.Workflows.Tests.Execution;

public sealed class MigrationTests : IDisposable
{
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task InstancesStayPinned_AndAPlanMovesThemExplicitly()
    {
        var v1 = await _h.Engine.PublishAsync(ExampleWorkflows.Recruitment());
        _h.Host.Set("S1", "AGE", "70");
        var id = await _h.StartSubjectAsync("S1");
        Assert.Equal("ConsentPending", (await _h.Store.GetInstanceAsync(id))!.State);

        // Version 2 renames ConsentPending to Consent and shortens the due date.
        var old = ExampleWorkflows.Recruitment();
        var v2def = old with
        {
            States = old.States.Select(s => s.Name == "ConsentPending" ? s with { Name = "Consent", Tasks = [s.Tasks![0] with { Due = ClockDuration.Parse("10 days") }] } : s).ToList(),
            Transitions = old.Transitions.Select(t => t with { From = t.From == "ConsentPending" ? "Consent" : t.From, To = t.To == "ConsentPending" ? "Consent" : t.To }).ToList(),
        };
        var v2 = await _h.Engine.PublishAsync(v2def);
        Assert.Equal(2, v2.Version);
        Assert.NotEqual(v1.ContentHash, v2.ContentHash);
        Assert.Equal(v1.Id, (await _h.Store.GetInstanceAsync(id))!.DefinitionId);

        var noMap = await _h.Engine.DryRunMigrationAsync(new MigrationPlan(v1.Id, v2.Id, new Dictionary<string, string>()));
        Assert.Contains(noMap.Problems, p => p.Code == "PE9013" && p.Message.Contains("ConsentPending", StringComparison.Ordinal));
        var refused = await _h.Engine.ApplyMigrationAsync(new MigrationPlan(v1.Id, v2.Id, new Dictionary<string, string>()), "admin");
        Assert.False(refused.Applied);
        Assert.Equal(v1.Id, (await _h.Store.GetInstanceAsync(id))!.DefinitionId);

        var plan = new MigrationPlan(v1.Id, v2.Id, new Dictionary<string, string> { ["ConsentPending"] = "Consent" });
        var dry = await _h.Engine.DryRunMigrationAsync(plan);
        var move = Assert.Single(dry.Moves);
        Assert.Equal(("ConsentPending", "Consent"), (move.FromState, move.ToState));
        Assert.Empty(dry.Problems);
        Assert.Equal(v1.Id, (await _h.Store.GetInstanceAsync(id))!.DefinitionId);

        var applied = await _h.Engine.ApplyMigrationAsync(plan, "admin");
        Assert.True(applied.Applied);
        var inst = await _h.Store.GetInstanceAsync(id);
        Assert.Equal((v2.Id, "Consent"), (inst!.DefinitionId, inst.State));
        var migrated = Assert.Single(await _h.Store.GetJournalAsync(id), j => j.Action == "migrated");
        Assert.Equal("admin", migrated.Actor);
        Assert.Contains(plan.ComputeHash(), migrated.Detail);
        var task = await _h.OpenTaskAsync(id, "ObtainConsent");
        Assert.Equal(Harness.T0 + NodaTime.Duration.FromDays(10), task.DueAt);
        var r = await _h.Engine.CompleteTaskAsync(new CompleteTaskRequest(task.Id, Harness.Investigator, "completed", "signed", new SignatureInput("authorship", "inv1-secret")));
        Assert.Equal("Review", r.State);
    }
}
