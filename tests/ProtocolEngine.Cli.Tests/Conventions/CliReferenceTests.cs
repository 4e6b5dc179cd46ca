using ProtocolEngine.Cli.Hosting;

namespace ProtocolEngine.Cli.Tests.Conventions;

/// <summary>
/// docs/cli.md is generated from the command definitions (like docs/diagnostics.md from the catalog) and every command
/// follows the same conventions: exit codes declared, --format words, output options that say file or folder.
/// </summary>
public sealed class CliReferenceTests
{
    private static readonly CommandCatalog Catalog = CliApp.Catalog();

    /// <summary>PROTOCOLENGINE_UPDATE_BASELINES=1 rewrites docs/cli.md; otherwise a difference fails with the command that accepts it.</summary>
    [Fact]
    public void CliReference_DocsCliMd_IsGeneratedFromTheCommands()
    {
        var path = Path.Combine(CliRunner.Root, "docs", "cli.md");
        var actual = CliReference.Markdown(Catalog);
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }
        var expected = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : "";
        if (expected == actual) return;
        var actualPath = Path.Combine(Path.GetTempPath(), $"cli-{Guid.NewGuid():N}.md");
        File.WriteAllText(actualPath, actual);
        Assert.Fail($"docs/cli.md is not what the command definitions give. Review the difference, then accept it with:\n  cp \"{actualPath}\" \"{path}\"\n" +
                    "or run PROTOCOLENGINE_UPDATE_BASELINES=1 dotnet test tests/ProtocolEngine.Cli.Tests --filter CliReference");
    }

    [Fact]
    public void CliReference_ListsEveryRegisteredCommand()
    {
        var names = Catalog.Commands.Select(c => c.Path).ToList();
        foreach (var expected in new[] { "check", "format", "lsp", "conformance cql", "data inspect", "data convert", "synth", "screen", "demo", "explain", "audit fairness", "simulate", "journal verify", "grade", "validate", "queries list", "serve", "conformance core", "core run", "usdm" })
            Assert.Contains(expected, names);
        var document = CliReference.Markdown(Catalog);
        foreach (var name in names) Assert.Contains($"\n## protocol {name}\n", document);
    }

    [Fact]
    public void EveryCommand_DeclaresWhatExitCode0Means_AndNoCodeTwice()
    {
        foreach (var command in Catalog.Commands)
        {
            var codes = ExitCodeAttribute.Of(command.Type);
            Assert.True(codes.Any(c => c.Code == CliApp.Success && c.Meaning.Length > 0), $"{command.Path} does not say what exit code 0 means ([ExitCode(CliApp.Success, ...)]).");
            Assert.True(codes.Select(c => c.Code).Distinct().Count() == codes.Count, $"{command.Path} declares an exit code twice.");
            Assert.DoesNotContain("Exit code", CliReference.DescriptionOf(command), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void EveryFormatOption_DefaultsToText_AndOffersOnlyTheSharedWords()
    {
        var words = new[] { "text", "json", "csv", "sarif" };
        int seen = 0;
        foreach (var command in Catalog.Commands)
            foreach (var p in CliReference.Parameters(command.Type).Where(p => p.Option?.LongNames.Any(n => n.EndsWith("format", StringComparison.Ordinal)) == true))
            {
                seen++;
                Assert.True(p.Default == "text", $"{command.Path} --{p.Option!.LongNames[0]} defaults to '{p.Default}', not text.");
                var offered = words.Where(w => p.Description.Contains(w, StringComparison.Ordinal)).ToList();
                Assert.True(offered.Contains("text") && offered.Contains("json"), $"{command.Path} --{p.Option!.LongNames[0]}: '{p.Description}' does not offer text and json.");
                Assert.False(System.Text.RegularExpressions.Regex.IsMatch(p.Description, @"\btable\b"), $"{command.Path}: '{p.Description}' offers 'table'; the tables are the text format.");
            }
        Assert.True(seen >= 10, $"only {seen} --format options found");
    }

    [Fact]
    public void EveryOutputOption_SaysFileOrFolder()
    {
        foreach (var command in Catalog.Commands)
            foreach (var p in CliReference.Parameters(command.Type).Where(p => p.Option?.LongNames.Any(n => n is "out" or "ie" or "records") == true))
                Assert.True(p.Option!.ValueName is "FILE" or "FOLDER"
                            || p.Option.ValueName == "PATH" && p.Description.Contains("folder", StringComparison.Ordinal) && p.Description.Contains("file", StringComparison.Ordinal),
                    $"{command.Path} --{p.Option.LongNames[0]} <{p.Option.ValueName}>: say FILE or FOLDER (or, for a PATH, when it is which).");
    }

    [Theory]
    [InlineData("screen", "x.protocol", "--data", "/nowhere", "--format", "table")]
    [InlineData("audit", "fairness", "x.protocol", "--data", "/nowhere", "--format", "table")]
    [InlineData("grade", "--data", "/nowhere", "--format", "table")]
    [InlineData("data", "inspect", "/nowhere", "--format", "table")]
    public void TheOldTableWord_IsAUsageError_ThatNamesText(params string[] args)
    {
        var (code, output, error) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains("Unknown format 'table'; use text", output + error);
    }

    [Fact]
    public void NoArguments_PrintsTheHelpOnStandardError_AndExits2()
    {
        var (code, output, error) = CliRunner.Run();
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("USAGE:", error);
        Assert.Contains("screen", error);
    }

    /// <summary>Descriptions are rendered as markup: a bracket in one ("[--out FILE]") broke every help page.</summary>
    [Fact]
    public void EveryCommandsHelp_Renders()
    {
        foreach (var command in Catalog.Commands)
        {
            var (code, output, error) = CliRunner.Run([.. command.Path.Split(' '), "--help"]);
            Assert.True(code == 0 && output.Contains("EXIT CODES:", StringComparison.Ordinal), $"protocol {command.Path} --help: exit {code}\n{output}{error}");
        }
    }

    [Fact]
    public void TheHelpOfACommand_ListsItsExitCodes()
    {
        var (code, output, _) = CliRunner.Run("check", "--help");
        Assert.Equal(0, code);
        Assert.Contains("EXIT CODES:", output);
        Assert.Contains("a protocol has errors", output);
        Assert.Contains("cancelled by Ctrl-C", output);
    }
}
