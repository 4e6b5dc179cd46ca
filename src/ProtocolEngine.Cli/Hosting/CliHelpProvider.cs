using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace ProtocolEngine.Cli.Hosting;

/// <summary>Spectre's help, with the command's exit codes at the end (from its <see cref="ExitCodeAttribute"/>s).</summary>
internal sealed class CliHelpProvider(ICommandAppSettings settings, CommandCatalog catalog) : HelpProvider(settings)
{
    public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command)
    {
        foreach (var renderable in base.GetFooter(model, command)) yield return renderable;
        if (command is null || command.IsBranch || catalog.Find(PathOf(command)) is not { } entry) yield break;
        var grid = new Grid();
        grid.AddColumn(new GridColumn().Padding(4, 0, 2, 0));
        grid.AddColumn(new GridColumn().Padding(0, 0));
        foreach (var code in ExitCodeAttribute.Of(entry.Type)) grid.AddRow(code.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(code.Meaning));
        yield return new Markup(Environment.NewLine + "[yellow]EXIT CODES:[/]" + Environment.NewLine);
        yield return grid;
    }

    private static string PathOf(ICommandInfo command)
    {
        var names = new List<string>();
        for (ICommandInfo? c = command; c is not null; c = c.Parent) names.Add(c.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}
