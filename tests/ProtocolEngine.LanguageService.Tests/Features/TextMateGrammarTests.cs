using System.Text.Json;
using System.Text.RegularExpressions;
using ProtocolEngine.Language.Parsing;
using ProtocolEngine.LanguageService.Tests.Infrastructure;

namespace ProtocolEngine.LanguageService.Tests.Features;

/// <summary>The VS Code extension's TextMate grammar knows every word of the language's grammar.</summary>
public sealed class TextMateGrammarTests
{
    private static readonly string GrammarPath = Path.Combine(Repo.Root, "designer", "editors", "vscode", "syntaxes", "protocol.tmLanguage.json");

    [Fact]
    public void Every_keyword_of_the_grammar_is_highlighted()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(GrammarPath));
        var repository = json.RootElement.GetProperty("repository");
        var patterns = new[] { "keywords", "literals" }
            .SelectMany(k => repository.GetProperty(k).GetProperty("patterns").EnumerateArray())
            .Select(p => new Regex(p.GetProperty("match").GetString()!.TrimStart('^').Replace(@"\s*", "", StringComparison.Ordinal)))
            .ToList();
        var missing = ProtocolTokenizer.Keywords.Where(k => !patterns.Any(p => p.IsMatch(k) && p.Match(k).Length == k.Length)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "Not highlighted: " + string.Join(", ", missing));
        Assert.True(ProtocolTokenizer.Keywords.Count > 150);
    }

    [Fact]
    public void Comments_strings_and_dates_have_their_scopes()
    {
        var text = File.ReadAllText(GrammarPath);
        Assert.Contains("comment.line.double-slash.protocol", text);
        Assert.Contains("string.quoted.double.protocol", text);
        Assert.Contains("constant.other.datetime.protocol", text);
        Assert.Equal("source.protocol", JsonDocument.Parse(text).RootElement.GetProperty("scopeName").GetString());
    }
}
