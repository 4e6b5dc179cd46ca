using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Hosting;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using Spectre.Console;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>What the screening commands share: compiling the protocol, loading the data, running with a progress bar.</summary>
internal static class ScreeningCommandSupport
{
    /// <summary>Progress and notes go to standard error, so JSON and CSV on standard output stay clean.</summary>
    public static IAnsiConsole Status => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Compiles a protocol file with the shipped standard library; errors are printed and stop the command.</summary>
    public static CompiledProtocol Compile(string path)
    {
        if (Directory.Exists(path)) throw new UserFacingException($"{path} is a folder; name a .protocol file (protocol check {path} checks every protocol in it).");
        if (!File.Exists(path)) throw new UserFacingException($"No such protocol file: {path}");
        var compiled = ProtocolLoader.Shipped.Load(path);
        if (compiled.HasErrors)
        {
            foreach (var d in compiled.Diagnostics.Where(d => d.IsError)) Console.Error.Write(DiagnosticRenderer.ToText(d));
            throw new UserFacingException($"{path} has {compiled.Diagnostics.Count(d => d.IsError)} error(s) and cannot run; `protocol check {path}` lists them.");
        }
        try
        {
            EligibilityEvaluator.EnsureCriteria(compiled);
        }
        catch (ArgumentException e)
        {
            throw new UserFacingException(e.Message);
        }
        return compiled;
    }

    /// <summary>What every screening command starts with: the compiled protocol, "today" and the loaded study.</summary>
    public static (CompiledProtocol Protocol, CqlDateTime AsOf, LoadedStudy Study) Prepare(ProtocolDataSettings settings)
    {
        var asOf = AsOf(settings.AsOf);
        // Ages derived while loading (FHIR DM.AGE) are the ages on the screening date.
        return (Compile(settings.Protocol), asOf, Load(settings.Data!, new DateOnly(asOf.Year, asOf.Month, asOf.Day), DataCommandSupport.ParseEncoding(settings.Encoding)));
    }

    /// <summary>Loads a study folder, file or FHIR bundle, with a progress bar on standard error.</summary>
    /// <param name="path">The folder or file.</param>
    /// <param name="referenceDate">The date derived ages are computed at (today when null).</param>
    /// <param name="encoding">The encoding of the files when it is not UTF-8.</param>
    public static LoadedStudy Load(string path, DateOnly? referenceDate = null, System.Text.Encoding? encoding = null)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new UserFacingException($"No such data file or folder: {path}");
        LoadedStudy? study = null;
        Status.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask($"Reading {Markup.Escape(path)}");
            var options = new StudyLoadOptions
            {
                ReferenceDate = referenceDate,
                Encoding = encoding,
                Progress = new Progress<(int Done, int Total, string File)>(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                }),
            };
            study = DataCommandSupport.Guard(() => StudyLoader.Load(path, options));
        });
        return study!;
    }

    /// <summary>Parses --as-of (an ISO 8601 date); today (UTC) when not given.</summary>
    public static CqlDateTime AsOf(string? text)
    {
        if (text is null) return CqlDateTime.FromDateTime(DateTime.UtcNow.Date, DateTimePrecision.Day, null);
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", out var date))
            return CqlDateTime.FromDateTime(date.ToDateTime(TimeOnly.MinValue), DateTimePrecision.Day, null);
        throw new UserFacingException($"--as-of '{text}' is not a date; expected YYYY-MM-DD, for example 2014-03-17.");
    }

    /// <summary>Screens the study with a progress bar on standard error; a bad phase becomes a user message.</summary>
    public static ScreeningResult Screen(CompiledProtocol protocol, LoadedStudy study, ScreeningOptions options, CancellationToken cancellationToken)
    {
        ScreeningResult? result = null;
        Status.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"Screening {study.Data.SubjectCount:N0} subjects", maxValue: Math.Max(1, study.Data.SubjectCount));
                var withProgress = options with { Progress = new Progress<int>(done => task.Value = done) };
                try
                {
                    result = Screener.Screen(protocol, study.Data, withProgress, cancellationToken);
                }
                catch (ArgumentException e)
                {
                    throw new UserFacingException(e.Message);
                }
                task.Value = task.MaxValue;
            });
        return result!;
    }

    /// <summary>Evidence is kept for populations up to this size unless asked otherwise: beyond it memory grows large.</summary>
    public const int EvidenceLimit = 50_000;

    /// <summary>Whether to keep evidence for a run: "full", "none", or "auto" (full up to <see cref="EvidenceLimit"/> subjects).</summary>
    public static bool KeepEvidence(string mode, int subjects) => mode switch
    {
        "full" => true,
        "none" => false,
        _ => subjects <= EvidenceLimit,
    };

    /// <summary>The format the study's DM came in (for writing IE records in the same format).</summary>
    public static DataFileFormat InputFormat(LoadedStudy study) =>
        study.Sources.FirstOrDefault(s => string.Equals(s.Dataset, "DM", StringComparison.OrdinalIgnoreCase))?.Format
        ?? study.Sources.FirstOrDefault()?.Format ?? DataFileFormat.Json;
}
