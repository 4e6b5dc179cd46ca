using ProtocolEngine.LanguageServer;
using ProtocolEngine.Runtime.Hosting;

namespace ProtocolEngine.Cli.Commands.Language;

/// <summary><c>protocol lsp</c>: the Language Server Protocol over stdio, for editors (docs/editors.md).</summary>
[Description("Run the language server over stdin/stdout for editors (VS Code, Neovim, ...): diagnostics as you type, completion, hover, go to definition, references, rename, formatting, semantic tokens. See docs/editors.md.")]
[ExitCode(CliApp.Success, "the editor asked the server to exit")]
internal sealed class LspCommand : AsyncCommand<LspCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--stdio")]
        [Description("Talk over stdin/stdout (the default; accepted because editors pass it).")]
        public bool Stdio { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        LspServer.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(), new LanguageServerOptions([FileSourceResolver.ShippedLibraryRoot]), cancellationToken);
}
