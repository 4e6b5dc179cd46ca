using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ProtocolEngine.Checks.Core;
using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Data.Loading;

namespace ProtocolEngine.Cli.Commands.Core;

/// <summary><c>protocol core run</c>: runs CDISC CORE rules natively over a study.</summary>
[Description("Run CDISC CORE rules (a folder of CORE-nnnnnn/rule.yml) natively over a study, and compare the study with its define.xml (and a CDISC CT package).")]
[ExitCode(CliApp.Success, "no rule raises an issue, every value reads as its metadata says and the data agree with define.xml")]
[ExitCode(CliApp.Findings, "a rule raises an issue, a value is not what its metadata says (a finding on its record), or the data and define.xml differ")]
internal sealed class CoreRunCommand(CliConsole console) : Command<CoreRunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<data>")]
        [Description("The study: a folder of datasets (.xpt, .json, .ndjson, .csv, with define.xml).")]
        public string Data { get; init; } = "";

        [CommandOption("--rules <FOLDER>")]
        [Description("The CORE rules: a folder of CORE-nnnnnn/ folders, each with rule.yml.")]
        public string Rules { get; init; } = "";

        [CommandOption("--family <FAMILIES>")]
        [Description("Only rules citing these families, comma-separated (CG: SDTMIG, FB: FDA business rules, SEND, TIG).")]
        [DefaultValue("CG,FB")]
        public string Family { get; init; } = "CG,FB";

        [CommandOption("--standard <NAME>")]
        [Description("Only rules for this standard: SDTMIG (default) or SENDIG.")]
        [DefaultValue("SDTMIG")]
        public string Standard { get; init; } = "SDTMIG";

        [CommandOption("--ct <FILE>")]
        [Description("A CDISC Controlled Terminology package (the tab-delimited text NCI EVS publishes): values of a variable whose define.xml code list is drawn from a non-extensible CDISC code list are checked against its terms.")]
        public string? Terminology { get; init; }

        [CommandOption("--encoding <NAME>")]
        [Description(DataCommandSupport.EncodingDescription)]
        public string? Encoding { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("text (default: issues per rule, rules not run with the reason, speed) or json (every issue).")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        public override ValidationResult Validate()
        {
            if (OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json) is { Successful: false } badFormat) return badFormat;
            if (string.IsNullOrWhiteSpace(Rules)) return ValidationResult.Error("--rules names the folder of CORE rules.");
            if (DataCommandSupport.ValidateEncoding(Encoding) is { Successful: false } badEncoding) return badEncoding;
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(settings.Rules)) throw new UserFacingException($"No such folder: {settings.Rules}");
        var families = settings.Family.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => f.ToUpperInvariant()).ToHashSet();
        CoreRuleSet rules;
        try
        {
            rules = CoreRuleSet.Read(settings.Rules, families, settings.Standard);
        }
        catch (CoreRuleFormatException e)
        {
            throw new UserFacingException(e.Message);
        }
        if (rules.Rules.Count == 0) throw new UserFacingException($"No CORE rules of {settings.Family} for {settings.Standard} in {settings.Rules}");

        if (!File.Exists(settings.Data) && !Directory.Exists(settings.Data)) throw new UserFacingException($"No such data file or folder: {settings.Data}");
        var study = DataCommandSupport.Guard(() => CoreStudy.Load(settings.Data, new StudyLoadOptions { Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) }, settings.Standard));
        CdiscTerminology? terminology = null;
        if (settings.Terminology is { } ctFile)
        {
            if (!File.Exists(ctFile)) throw new UserFacingException($"No such file: {ctFile}");
            try
            {
                terminology = CdiscTerminology.Read(ctFile);
            }
            catch (CoreRuleFormatException e)
            {
                throw new UserFacingException(e.Message);
            }
        }
        if (terminology is not null && study.Define is null)
            throw new UserFacingException($"--ct checks values against the CDISC code lists their define.xml code lists are drawn from, and {settings.Data} has no define.xml");
        var clock = Stopwatch.StartNew();
        var outcomes = rules.Run(study, cancellationToken);
        var defineFindings = study.Define is null ? [] : DefineConformance.Check(study.Define, study, terminology);
        clock.Stop();

        var ran = outcomes.Where(o => o.Result is not null).ToList();
        int issues = ran.Sum(o => o.Result!.Issues.Count);
        long records = study.Datasets.Sum(d => (long)d.Rows.Count);
        long evaluated = ran.Sum(o => o.RecordsEvaluated);
        double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-6);
        if (settings.Format == "json")
        {
            console.Text.WriteLine(JsonSerializer.Serialize(new
            {
                rules = outcomes.Select(o => new
                {
                    core_id = o.Rule.Id, cdisc_ids = o.Rule.RuleIds, message = o.Rule.Message,
                    status = o.Status, records_evaluated = o.RecordsEvaluated,
                    reason = o.NotRun,
                    not_evaluable = o.Result?.NotEvaluable ?? [],
                    issues = (o.Result?.Issues ?? []).Select(i => new { dataset = i.Dataset, record = i.Record, variables = i.Variables.ToDictionary(v => v.Key, v => v.Value) }),
                }),
                define_findings = defineFindings.Select(f => new { check = f.Check, dataset = f.Dataset, record = f.Record, variable = f.Variable, value = f.Value, message = f.Message }),
                data_findings = study.LoadFindings.Select(f => new { dataset = f.Dataset, record = f.Record, variables = f.Variables.ToDictionary(v => v.Key, v => v.Value), message = f.Message }),
                records, seconds = clock.Elapsed.TotalSeconds,
            }, new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        }
        else
        {
            foreach (var o in ran.Where(o => o.Result!.Issues.Count > 0))
                console.Text.WriteLine($"{o.Rule.Id} ({string.Join(", ", o.Rule.RuleIds.Distinct())}): {o.Result!.Issues.Count} issue(s) in {string.Join(", ", o.Result.Issues.Select(i => i.Dataset).Distinct())}: {o.Rule.Message}");
            foreach (var o in ran.Where(o => o.Status == "not evaluable"))
                console.Text.WriteLine($"{o.Rule.Id}: not evaluable: {string.Join("; ", o.Result!.NotEvaluable)}");
            foreach (var o in outcomes.Where(o => o.Result is null))
                console.Text.WriteLine($"{o.Rule.Id}: not run: {o.NotRun}");
            if (study.LoadFindings.Count > 0)
            {
                console.Text.WriteLine($"{study.LoadFindings.Count} value(s) not as the study's metadata says (each a finding on its record):");
                foreach (var f in study.LoadFindings) console.Text.WriteLine($"  {f.Dataset} record {f.Record}: {f.Message}");
            }
            if (study.Define is null) console.Text.WriteLine("No define.xml: the data were not compared with a define.xml.");
            else
            {
                console.Text.WriteLine($"define.xml: {defineFindings.Count} finding(s)" + (defineFindings.Count == 0 ? "." : ":"));
                foreach (var g in defineFindings.GroupBy(f => f.Check))
                {
                    console.Text.WriteLine($"  {g.Key} ({DefineConformance.Checks[g.Key]}): {g.Count()}");
                    foreach (var f in g) console.Text.WriteLine($"    {f.Dataset}{(f.Record is int r ? $" record {r}" : "")}: {f.Message}");
                }
            }
            console.Text.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rules.Rules.Count} rules: {ran.Count(o => o.Status == "issues")} with issues ({issues} issues), {ran.Count(o => o.Status == "success")} without, " +
                $"{ran.Count(o => o.Status == "not evaluable")} not evaluable, {ran.Count(o => o.Status == "not applicable")} with no dataset in scope, {outcomes.Count - ran.Count} not run; " +
                $"{records:N0} records in {study.Datasets.Count} datasets checked in {clock.Elapsed.TotalMilliseconds:F0} ms ({records / seconds:N0} records per second; " +
                $"{evaluated:N0} record evaluations, one per rule per record in its scope: {evaluated / seconds:N0} per second)"));
        }
        return issues > 0 || study.LoadFindings.Count > 0 || defineFindings.Count > 0 ? CliApp.Findings : CliApp.Success;
    }
}
