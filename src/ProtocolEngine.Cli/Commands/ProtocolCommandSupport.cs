using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Rendering;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Cli.Commands;

/// <summary>
/// The one "compile or report" of the commands that run a protocol (screen, explain, audit fairness, demo, validate,
/// simulate, replay): the file is compiled the way every command compiles it; when it has errors they are printed on
/// standard error, each with its file, line and column, and the command stops with exit code 2.
/// </summary>
internal static class ProtocolCommandSupport
{
    /// <summary>The compiled protocol, or a <see cref="UserFacingException"/> after its errors were printed.</summary>
    /// <param name="path">The .protocol file.</param>
    /// <param name="console">Where the errors go (standard error).</param>
    public static CompiledProtocol CompileOrReport(string path, CliConsole console)
    {
        if (Directory.Exists(path)) throw new UserFacingException($"{path} is a folder; name a .protocol file (protocol check {path} checks every protocol in it).");
        if (!File.Exists(path) && new FileInfo(path).LinkTarget is null) throw new UserFacingException($"No such protocol file: {path}");
        var compiled = ProtocolLoader.Shipped.Load(path);
        if (!compiled.HasErrors) return compiled;
        var errors = compiled.Diagnostics.Where(d => d.IsError).ToList();
        foreach (var d in errors) console.Error.Write(DiagnosticRenderer.ToText(d));
        throw new UserFacingException($"{path} has {errors.Count} error{(errors.Count == 1 ? "" : "s")} and cannot run; `protocol check {path}` lists them.");
    }
}
