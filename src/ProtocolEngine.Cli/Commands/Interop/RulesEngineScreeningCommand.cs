using System.Text.Json;
using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Cli.Commands.Screening;
using ProtocolEngine.Interop.RulesEngine;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;

namespace ProtocolEngine.Cli.Commands.Interop;

/// <summary><c>protocol screen --backend rulesengine</c>: the rules RulesEngine can express run through Microsoft RulesEngine, the others natively.</summary>
internal static class RulesEngineScreeningCommand
{
    public static int Run(ScreenSettings settings, CliConsole console, CancellationToken cancellationToken)
    {
        var (protocol, asOf, study) = ScreeningCommandSupport.Prepare(settings, console);
        RulesEngineOutcomes engine;
        try
        {
            var workflow = RulesEngineWorkflow.Generate(protocol, settings.Phase);
            RulesEngineSupport.ReportLeftOut(workflow.Diagnostics, console);
            if (!workflow.Criteria.Any(c => c.IsExpressed))
                throw new UserFacingException($"RulesEngine can express none of the {workflow.Criteria.Count(c => !c.IsAttested)} rules of {protocol.Name} (named above); screen with --backend native.");
            engine = console.Progress($"Screening {study.Data.SubjectCount:N0} subjects in Microsoft RulesEngine with {protocol.Name}", _ => RulesEngineBackend.Run(workflow, study.Data));
        }
        catch (ArgumentException ex)
        {
            throw new UserFacingException(ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            throw new UserFacingException(ex.Message);
        }
        var natively = engine.Workflow.Criteria.Where(c => !c.IsExpressed && !c.IsAttested).Select(c => c.Criterion.Id).ToList();
        ScreeningResult? native = natively.Count == 0 ? null : ScreeningCommandSupport.Screen(protocol, study, new ScreeningOptions
        {
            AsOf = asOf,
            Phase = settings.Phase,
            Criteria = natively,
            RecordEvidence = false,
            MaxDegreeOfParallelism = settings.Threads ?? Environment.ProcessorCount,
        }, console, cancellationToken);
        var result = RulesEngineScreening.Combine(engine, study.Data, native);
        if (settings.Format == OutputFormats.Json) WriteJson(console, result);
        else WriteText(console, result);
        return CliApp.Success;
    }

    private static string DecidedBy(RulesEngineScreening result, int j) =>
        result.RanNatively(j) ? "native" : result.Engine.Workflow.Criteria[j].IsAttested ? "attestation" : "rulesengine";

    private static void WriteText(CliConsole console, RulesEngineScreening result)
    {
        var natively = Enumerable.Range(0, result.Criteria.Count).Where(result.RanNatively).Select(j => result.Criteria[j].Id).ToList();
        var protocol = result.Engine.Workflow.Protocol;
        console.Out.MarkupLine($"[bold]{Markup.Escape(protocol.Name)}[/] version {Markup.Escape(protocol.Version ?? "-")} (hash {protocol.ContentHash[..12]}): " +
                               $"{result.SubjectIds.Count:N0} subjects screened by Microsoft RulesEngine in {result.Elapsed.TotalMilliseconds:N0} ms" +
                               (natively.Count == 0 ? ", every rule in the workflow" : $"; run natively (not expressible): {Markup.Escape(string.Join(", ", natively))}"));
        var table = new AdaptiveTable().Columns("Criterion", "Kind", "Decided by").NumberColumns("Met", "NotMet", "Unknown", "Attested");
        for (int j = 0; j < result.Criteria.Count; j++)
        {
            var counts = new int[5];
            for (int i = 0; i < result.SubjectIds.Count; i++) counts[(int)result.Outcome(i, j)]++;
            table.Row(Markup.Escape(result.Criteria[j].Id), ScreeningJson.Kind(result.Criteria[j].Kind), DecidedBy(result, j), N(counts[1]), N(counts[2]), N(counts[3]), N(counts[4]));
        }
        table.Write(console.Out);
        var statuses = Enumerable.Range(0, result.SubjectIds.Count).Select(result.Status).ToList();
        console.Out.MarkupLine($"[green]Eligible {statuses.Count(s => s == EligibilityStatus.Eligible):N0}[/] · [red]Ineligible {statuses.Count(s => s == EligibilityStatus.Ineligible):N0}[/] · " +
                               $"[yellow]Needs review {statuses.Count(s => s == EligibilityStatus.NeedsReview):N0}[/]");
    }

    private static string N(int value) => value == 0 ? "[grey]0[/]" : value.ToString("N0");

    private static void WriteJson(CliConsole console, RulesEngineScreening result)
    {
        var protocol = result.Engine.Workflow.Protocol;
        var criteria = result.Engine.Workflow.Criteria;
        console.Text.WriteLine(JsonSerializer.Serialize(new
        {
            protocol = protocol.Name,
            version = protocol.Version,
            contentHash = protocol.ContentHash,
            backend = "rulesengine",
            criteria = criteria.Select(c => new
            {
                id = c.Criterion.Id,
                kind = ScreeningJson.Kind(c.Criterion.Kind),
                ruleHash = c.Criterion.Hash,
                decidedBy = DecidedBy(result, c.Index),
                notExpressible = c.Reason,
            }),
            subjects = Enumerable.Range(0, result.SubjectIds.Count).Select(i => new
            {
                usubjid = result.SubjectIds[i],
                status = result.Status(i).ToString(),
                outcomes = Enumerable.Range(0, criteria.Count).ToDictionary(j => criteria[j].Criterion.Id, j => result.Outcome(i, j).ToString()),
            }),
        }, DataCommandSupport.Json));
    }
}
