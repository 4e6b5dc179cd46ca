using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Cli.Commands.Language;

/// <summary>The protocol files a command reads: files and folders (searched for *.protocol).</summary>
internal class ProtocolFilesSettings : CommandSettings
{
    [CommandArgument(0, "<paths>")]
    [Description("Protocol files or folders (folders are searched for *.protocol files).")]
    public string[] Paths { get; init; } = [];

    /// <summary>The protocol files the paths name; a path that names nothing, or no file at all, is a usage error.</summary>
    public IReadOnlyList<string> Files()
    {
        var (files, missing) = ProtocolFiles.Expand(Paths);
        if (missing.Count > 0) throw new UserFacingException($"no such file or folder: {string.Join(", ", missing)}");
        return files.Count > 0 ? files : throw new UserFacingException($"no .protocol files found in {string.Join(", ", Paths)}");
    }
}
