using System.Text.Json;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Verification;
using ProtocolEngine.Verification.Solving;

namespace ProtocolEngine.Cli.Commands.Verification;

/// <summary><c>protocol verify</c>: proves with the z3 solver what a protocol's criteria and workflows allow, before anyone is screened.</summary>
[Description("Verify a protocol with the z3 solver: can anyone be eligible (with a witness subject the engine then screens), which criteria contradict each other or are implied by others, how an amendment moves the eligible population, and what in the workflows can never happen. See docs/verification.md.")]
[ExitCode(CliApp.Success, "verified: a subject can be eligible, shown by a witness the engine screens Eligible (warnings allowed)")]
[ExitCode(CliApp.Findings, "a contradiction: no subject can be eligible (the criteria are named)")]
[ExitCode(NotVerified, "not verified: a solver query timed out, or the witness did not screen Eligible")]
internal sealed class VerifyCommand(CliConsole console) : Command<VerifyCommand.Settings>
{
    /// <summary>Exit code: nothing was proved either way.</summary>
    public const int NotVerified = 3;

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<protocol>")]
        [Description("The .protocol file.")]
        public string Protocol { get; init; } = "";

        [CommandOption("--format <FORMAT>")]
        [Description("text (default: the answer, the witness and every finding, for people), json (for programs) or sarif (SARIF 2.1.0, for CI annotations).")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        [CommandOption("--witness <FOLDER>")]
        [Description("Write the witness subject as a one-subject SDTM study into this folder (with --against, shrink/ and grow/ beneath it), for `protocol screen` to check.")]
        public string? Witness { get; init; }

        [CommandOption("--to <FORMAT>")]
        [Description("The witness's dataset format: xpt (default), json, ndjson or csv.")]
        [DefaultValue("xpt")]
        public string To { get; init; } = "xpt";

        [CommandOption("--against <FILE>")]
        [Description("Another version of the protocol (the original, for an amendment): say whether the eligible population can only shrink, only grow, or both, with a witness for each direction.")]
        public string? Against { get; init; }

        [CommandOption("--timeout <SECONDS>")]
        [Description("The time the solver may take in all (default 30); what it has not answered by then is reported as not verified (timeout).")]
        [DefaultValue(30.0)]
        public double Timeout { get; init; } = 30;

        [CommandOption("--as-of <DATE>")]
        [Description("The date rules take as today (YYYY-MM-DD), and the date the witness is screened on. Default: today.")]
        public string? AsOf { get; init; }

        [CommandOption("--smt <FILE>")]
        [Description("Also write everything sent to the solver (SMT-LIB), to read or rerun the proof with `z3 FILE`.")]
        public string? Smt { get; init; }

        public override ValidationResult Validate() =>
            OutputFormats.Check(Format, OutputFormats.Text, OutputFormats.Json, OutputFormats.Sarif) is { Successful: false } bad ? bad
            : !DataFileFormats.TryParse(To, out _) ? ValidationResult.Error("--to must be xpt, json, ndjson or csv.")
            : Timeout is <= 0 or > 3600 ? ValidationResult.Error("--timeout must be between 0 and 3600 seconds.")
            : CliApp.OutputFileProblem(Smt, "--smt") is { } badSmt ? ValidationResult.Error(badSmt)
            : CliApp.OutputFolderProblem(Witness, "--witness") is { } badWitness ? ValidationResult.Error(badWitness)
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var protocol = ProtocolCommandSupport.CompileOrReport(settings.Protocol, console);
        var asOf = Screening.ScreeningCommandSupport.AsOf(settings.AsOf);
        var options = new VerificationOptions { Timeout = TimeSpan.FromSeconds(settings.Timeout), Today = new DateOnly(asOf.Year, asOf.Month, asOf.Day) };
        DataFileFormats.TryParse(settings.To, out var format);
        try
        {
            if (settings.Against is { } against)
            {
                var original = ProtocolCommandSupport.CompileOrReport(against, console);
                var amendment = ProtocolVerifier.Compare(original, protocol, options);
                if (settings.Smt is { } amendmentSmt) OutputFiles.WriteText(amendmentSmt, w => w.Write(amendment.SmtScript), cancellationToken);
                return WriteAmendment(amendment, settings, format);
            }
            var report = console.Progress($"Verifying {protocol.Name}", _ => ProtocolVerifier.Verify(protocol, options));
            if (settings.Smt is { } smt) OutputFiles.WriteText(smt, w => w.Write(report.SmtScript), cancellationToken);
            IReadOnlyList<string> written = [];
            if (settings.Witness is { } folder && report.Witness is { } witness) written = witness.Write(folder, format);
            Write(report, settings, written);
            return report.Status switch
            {
                VerificationStatus.Satisfiable => CliApp.Success,
                VerificationStatus.Unsatisfiable => CliApp.Findings,
                _ => NotVerified,
            };
        }
        catch (SolverNotFoundException e)
        {
            throw new UserFacingException(e.Message);
        }
    }

    /// <summary>`check --verify`: the verification findings of every protocol that has criteria and no errors.</summary>
    public static IEnumerable<Diagnostic> Diagnostics(IReadOnlyList<string> files, IReadOnlyList<Diagnostic> compiled)
    {
        var found = new List<Diagnostic>();
        foreach (var file in files)
        {
            if (compiled.Any(d => d.IsError && d.Source?.Path is { } p && Path.GetFullPath(p) == Path.GetFullPath(file))) continue;
            var protocol = ProtocolLoader.Shipped.Load(file);
            if (protocol.HasErrors || protocol.IsLibrary || protocol.Criteria.IsEmpty) continue;
            try
            {
                found.AddRange(ProtocolVerifier.Verify(protocol).Diagnostics);
            }
            catch (SolverNotFoundException e)
            {
                throw new UserFacingException(e.Message);
            }
        }
        return found;
    }

    private void Write(VerificationReport report, Settings settings, IReadOnlyList<string> written)
    {
        switch (settings.Format)
        {
            case OutputFormats.Json:
                console.Text.WriteLine(JsonSerializer.Serialize(new
                {
                    report.Protocol,
                    report.ContentHash,
                    Status = report.Status.ToString(),
                    Witness = report.Witness is { } w ? new { Records = w.Records, Attestations = w.Attestations.Select(a => new { a.CriterionId, Kind = a.Kind.ToString(), a.Passes }), Screened = report.WitnessScreened, Files = written } : null,
                    Contradiction = report.Contradiction.Select(c => new { c.Id, c.Kind, c.Path, c.Line, c.Column }),
                    Redundant = report.Redundancies.Select(r => new { r.Criterion.Id, r.Criterion.Line, r.ImpliedBy }),
                    NotVerified = report.NotVerified,
                    Diagnostics = report.Diagnostics.Select(Json),
                    Queries = report.Queries.Select(q => new { q.Purpose, Answer = q.Answer.ToString(), Milliseconds = Math.Round(q.Milliseconds, 1) }),
                    report.RecordsPerDomain,
                    Milliseconds = Math.Round(report.Milliseconds, 1),
                }, Commands.Data.DataCommandSupport.Json));
                break;
            case OutputFormats.Sarif:
                console.Text.WriteLine(DiagnosticRenderer.ToSarif(report.Diagnostics, CliApp.Version, [settings.Protocol]));
                break;
            default:
                WriteText(report, written);
                break;
        }
    }

    private static object Json(Diagnostic d)
    {
        var (line, column) = d.Source?.GetLinePosition(d.Span.Start) ?? (0, 0);
        return new { d.Code, Severity = d.Severity.ToString().ToLowerInvariant(), d.Message, File = d.Source?.Path, Line = line, Column = column };
    }

    private void WriteText(VerificationReport report, IReadOnlyList<string> written)
    {
        var t = console.Text;
        t.WriteLine($"{report.Protocol} ({report.ContentHash[..12]}): {report.Status switch
        {
            VerificationStatus.Satisfiable => "satisfiable: a subject can be eligible",
            VerificationStatus.Unsatisfiable => "unsatisfiable: no subject can be eligible",
            _ => "not verified",
        }}");
        if (report.Witness is { } witness)
        {
            t.WriteLine($"Witness subject {WitnessSubject.SubjectId} (the engine screens it {report.WitnessScreened}):");
            foreach (var line in witness.Describe()) t.WriteLine("  " + line);
            if (written.Count > 0) t.WriteLine($"  written to {Path.GetDirectoryName(Path.GetFullPath(written[0]))} ({written.Count} datasets)");
        }
        if (report.Contradiction.Count > 0)
        {
            t.WriteLine("Contradiction (the smallest set of criteria that together exclude everyone):");
            foreach (var c in report.Contradiction) t.WriteLine($"  {c.Id} ({c.Kind}) at {c.Path}({c.Line},{c.Column})");
        }
        foreach (var d in report.Diagnostics.Where(d => d.Code != "PE3001")) t.Write(DiagnosticRenderer.ToText(d));
        foreach (var n in report.NotVerified.Where(n => !report.Diagnostics.Any(d => d.Message.Contains(n.Reason, StringComparison.Ordinal))))
            t.WriteLine($"not verified: {n.Rule}: {n.Reason}");
        var solver = report.Queries.Sum(q => q.Milliseconds);
        t.WriteLine($"{report.Queries.Count} solver queries in {solver / 1000:0.00} s (slowest {report.Queries.DefaultIfEmpty().Max(q => q?.Milliseconds ?? 0) / 1000:0.00} s); {report.Milliseconds / 1000:0.00} s in all; records per domain: {string.Join(", ", report.RecordsPerDomain.Select(kv => $"{kv.Key} {kv.Value}"))}.");
    }

    private int WriteAmendment(AmendmentReport report, Settings settings, DataFileFormat format)
    {
        var files = new Dictionary<string, IReadOnlyList<string>>();
        if (settings.Witness is { } folder)
        {
            if (report.ShrinkWitness is { } s) files["shrink"] = s.Write(Path.Combine(folder, "shrink"), format);
            if (report.GrowWitness is { } g) files["grow"] = g.Write(Path.Combine(folder, "grow"), format);
        }
        if (settings.Format == OutputFormats.Json)
        {
            console.Text.WriteLine(JsonSerializer.Serialize(new
            {
                report.Original,
                report.Amended,
                Direction = report.Direction.ToString(),
                Shrink = report.ShrinkWitness is { } sw ? new { Records = sw.Records, report.ShrinkCriteria, Screened = report.Screened.GetValueOrDefault("shrink"), Files = files.GetValueOrDefault("shrink") } : null,
                Grow = report.GrowWitness is { } gw ? new { Records = gw.Records, report.GrowCriteria, Screened = report.Screened.GetValueOrDefault("grow"), Files = files.GetValueOrDefault("grow") } : null,
                report.NotVerified,
                Queries = report.Queries.Select(q => new { q.Purpose, Answer = q.Answer.ToString(), Milliseconds = Math.Round(q.Milliseconds, 1) }),
            }, Commands.Data.DataCommandSupport.Json));
        }
        else
        {
            var t = console.Text;
            t.WriteLine($"{report.Amended} against {report.Original}: {report.Direction switch
            {
                AmendmentDirection.Shrinks => "the eligible population can only shrink",
                AmendmentDirection.Grows => "the eligible population can only grow",
                AmendmentDirection.Both => "the eligible population can shrink and grow",
                AmendmentDirection.Same => "the same subjects are eligible under both",
                _ => "not verified",
            }}");
            void Witness(string name, WitnessSubject? w, IReadOnlyList<string> criteria, string sentence)
            {
                if (w is null) return;
                t.WriteLine($"{sentence} (excluded by {string.Join(", ", criteria)}; screened {report.Screened.GetValueOrDefault(name)}):");
                foreach (var line in w.Describe()) t.WriteLine("  " + line);
                if (files.TryGetValue(name, out var f) && f.Count > 0) t.WriteLine($"  written to {Path.GetDirectoryName(Path.GetFullPath(f[0]))}");
            }
            Witness("shrink", report.ShrinkWitness, report.ShrinkCriteria, $"Eligible under {report.Original}, not under {report.Amended}");
            Witness("grow", report.GrowWitness, report.GrowCriteria, $"Eligible under {report.Amended}, not under {report.Original}");
            foreach (var n in report.NotVerified) t.WriteLine($"not verified: {n.Rule}: {n.Reason}");
        }
        return report.Direction == AmendmentDirection.NotVerified || report.NotVerified.Count > 0 ? NotVerified : CliApp.Success;
    }
}
