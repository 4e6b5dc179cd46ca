using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Data;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Workflows.Tests.Support;

/// <summary>The CDISC pilot study (../shared/data, read-only) and the shipped protocols, loaded once per test run.</summary>
public static class PilotData
{
    public static string SharedData { get; } = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data"));

    public static string XptFolder { get; } = Path.Combine(SharedData, "sdtm", "cdiscpilot01");

    public static string CsvFolder { get; } = Path.Combine(SharedData, "sdtm", "cdiscpilot01-pharmaverse");

    /// <summary>The pilot's TS holds windows-1252 text (byte 0x92), in both forms: the encoding is declared, as a user declares it.</summary>
    public static StudyLoadOptions Options { get; } = new StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") };

    private static readonly Lazy<StudyData> Xpt = new(() => StudyLoader.Load(XptFolder, Options).Data);

    private static readonly Lazy<StudyData> Csv = new(() => StudyLoader.Load(CsvFolder, Options).Data);

    /// <summary>The SDTM XPT datasets (DM, AE, ... without LB).</summary>
    public static StudyData XptStudy => Xpt.Value;

    /// <summary>The pharmaverse CSV datasets (with LB).</summary>
    public static StudyData CsvStudy => Csv.Value;

    private static readonly Lazy<CompiledProtocol> Pilot = new(() => Compile(Path.Combine(RepoPaths.Root, "protocols", "cdiscpilot01.protocol")));

    /// <summary>protocols/cdiscpilot01.protocol, compiled with the standard library of the repository.</summary>
    public static CompiledProtocol PilotProtocol => Pilot.Value;

    public static CompiledProtocol Compile(string path)
    {
        var compiled = new ProtocolCompiler(new FileSourceResolver(Path.Combine(RepoPaths.Root, "protocols"))).Compile(ProtocolFiles.Read(path));
        if (compiled.HasErrors) throw new InvalidOperationException($"{path} does not compile: " + string.Join("; ", compiled.Diagnostics.Where(d => d.IsError)));
        return compiled;
    }
}
