using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;

namespace ProtocolEngine.Cli.Commands.Screening;

/// <summary>What the screening commands share: compiling the protocol, loading the data, running with a progress bar.</summary>
internal static class ScreeningCommandSupport
{
    /// <summary>Compiles a protocol file to screen with; errors are printed and stop the command, and so does a protocol
    /// without criteria (every subject would come out Eligible).</summary>
    public static CompiledProtocol Compile(string path, CliConsole console)
    {
        var compiled = ProtocolCommandSupport.CompileOrReport(path, console);
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
    public static (CompiledProtocol Protocol, CqlDateTime AsOf, LoadedStudy Study) Prepare(ProtocolDataSettings settings, CliConsole console)
    {
        var asOf = AsOf(settings.AsOf);
        var protocol = Compile(settings.Protocol, console);
        // Ages derived while loading (FHIR DM.AGE) are the ages on the screening date.
        var options = new StudyLoadOptions { ReferenceDate = new DateOnly(asOf.Year, asOf.Month, asOf.Day), Encoding = DataCommandSupport.ParseEncoding(settings.Encoding) };
        return (protocol, asOf, DataCommandSupport.Load(settings.Data!, options, console));
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
    public static ScreeningResult Screen(CompiledProtocol protocol, LoadedStudy study, ScreeningOptions options, CliConsole console, CancellationToken cancellationToken)
    {
        int subjects = study.Data.SubjectCount;
        return console.Progress($"Screening {subjects:N0} subjects with {protocol.Name}", report =>
        {
            try
            {
                return Screener.Screen(protocol, study.Data, options with { Progress = new Progress<int>(done => report(done, subjects)) }, cancellationToken);
            }
            catch (ArgumentException e)
            {
                throw new UserFacingException(e.Message);
            }
        });
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
