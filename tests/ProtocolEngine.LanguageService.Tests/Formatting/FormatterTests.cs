using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;
using ProtocolEngine.LanguageService.Formatting;
using ProtocolEngine.LanguageService.Tests.Infrastructure;

namespace ProtocolEngine.LanguageService.Tests.Formatting;

public sealed class FormatterTests
{
    private static string Baselines => Path.Combine(Repo.Tests, "Formatting", "Baselines");

    public static TheoryData<string> Inputs() => [.. Directory.GetFiles(Baselines, "*.input.protocol").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Shipped() => [.. Repo.ShippedProtocols.Select(p => Path.GetRelativePath(Repo.Protocols, p))];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Baseline_input_formats_to_its_expected_output(string input)
    {
        var text = File.ReadAllText(Path.Combine(Baselines, input));
        var formatted = Format(text);
        var expectedPath = Path.Combine(Baselines, input.Replace(".input.", ".expected.", StringComparison.Ordinal));
        if (Environment.GetEnvironmentVariable("PROTOCOLENGINE_UPDATE_BASELINES") == "1") File.WriteAllText(expectedPath, formatted);
        var expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath) : "";
        if (expected != formatted)
        {
            var actualPath = Path.ChangeExtension(expectedPath, ".actual.protocol");
            File.WriteAllText(actualPath, formatted);
            Assert.Fail($"{input} formats differently from its baseline. Review, then accept with:\n  cp \"{actualPath}\" \"{expectedPath}\"\nor PROTOCOLENGINE_UPDATE_BASELINES=1 dotnet test.");
        }
        Assert.Equal(expected, Format(expected));
        AssertSameRules(text, formatted, Path.Combine(Baselines, input));
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void A_shipped_protocol_is_formatted_and_formatting_changes_no_rule_hash(string relative)
    {
        var path = Path.Combine(Repo.Protocols, relative);
        var text = File.ReadAllText(path);
        var once = Format(text);
        Assert.Equal(once, Format(once));
        Assert.True(once == text, $"{relative} is not formatted: run `protocol format {Path.Combine("protocols", relative)}`.");
        // A deliberately disordered copy (indentation changed, blank lines added) formats back to the same rule hashes too.
        var messy = string.Join('\n', text.Split('\n').Select((line, i) => (i % 3 == 0 ? "   " : "") + line + (i % 7 == 0 ? "\n" : "")));
        if (ProtocolFormatter.Format(messy).Text is { } tidied) AssertSameRules(messy, tidied, path);
        AssertSameRules(text, once, path);
    }

    [Fact]
    public void A_text_with_syntax_errors_is_not_formatted()
    {
        var result = ProtocolFormatter.Format("protocol P version \"1\"\ndefine X: (1 +\n");
        Assert.False(result.Succeeded);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Comments_stay_where_they_are()
    {
        var text = "protocol P version \"1\"\n  data SDTM \"3.4\"\n// first\ndefine A: 1 // trailing\n  /* block */ + 2\n\n\n// last\n";
        var formatted = Format(text);
        Assert.Equal("protocol P version \"1\"\n  data SDTM \"3.4\"\n// first\ndefine A: 1  // trailing\n  /* block */ + 2\n\n// last\n", formatted);
    }

    private static string Format(string text)
    {
        var result = ProtocolFormatter.Format(text);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Text!;
    }

    private static void AssertSameRules(string before, string after, string path)
    {
        var compiler = new ProtocolCompiler(Repo.Resolver);
        var a = compiler.CompileFresh(new SourceText(before, path));
        var b = compiler.CompileFresh(new SourceText(after, path));
        Assert.Equal(a.Rules.Keys.Order(StringComparer.Ordinal), b.Rules.Keys.Order(StringComparer.Ordinal));
        Assert.NotEmpty(a.Rules);
        Assert.All(a.Rules, r => Assert.True(r.Value.Hash == b.Rules[r.Key].Hash, $"{r.Key} changed its hash"));
    }
}
