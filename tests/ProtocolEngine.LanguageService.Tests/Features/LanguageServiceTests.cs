using ProtocolEngine.LanguageService.Features;
using ProtocolEngine.LanguageService.Tests.Infrastructure;
using ProtocolEngine.LanguageService.Text;
using ProtocolEngine.LanguageService.Workspace;

namespace ProtocolEngine.LanguageService.Tests.Features;

public sealed class LanguageServiceTests
{
    private const string Trial = """
        protocol T version "1"
          data SDTM "3.4"

        import std.ctcae5

        define Adult: DM.AGE >= 18
        define function Lab(code String): First(LB L where L.LBTESTCD = code)

        criteria
          inclusion I1 "Adults."
            Adult and Lab('ALT').LBSTRESN < 3 * Lab('ALT').LBSTNRHI
          exclusion E1 "High ALT grade."
            TransaminaseIncreased(Lab('ALT').LBSTRESN / Lab('ALT').LBSTNRHI) >= 3
        """;

    private static (ProtocolLanguageService Service, string Path) Open(string text, IStudyVocabulary? study = null)
    {
        var path = Path.Combine(Repo.Protocols, "trial-under-test.protocol");
        var workspace = new LanguageWorkspace(Repo.Resolver) { Study = study };
        workspace.Open(path, text);
        return (new ProtocolLanguageService(workspace), path);
    }

    private static LinePosition At(string text, string marker, int delta = 0)
    {
        int offset = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(offset >= 0, marker);
        return new LineMap(text).PositionOf(offset + delta);
    }

    [Fact]
    public void A_misspelt_variable_is_a_diagnostic_whose_quick_fix_removes_it()
    {
        var text = Trial.Replace("DM.AGE >= 18", "DM.AGEE >= 18", StringComparison.Ordinal);
        var (service, path) = Open(text);
        var diagnostic = Assert.Single(service.Diagnostics(path), d => d.Code == "PE1004");
        Assert.Equal(At(text, "AGEE"), diagnostic.Range.Start);
        var fix = Assert.IsType<QuickFix>(diagnostic.Fix);
        Assert.Equal("AGE", fix.Edit.NewText);
        var fixedText = TextEdit.Apply(text, [fix.Edit]);
        Assert.Equal(Trial, fixedText);
        service.Workspace.Open(path, fixedText, 2);
        Assert.DoesNotContain(service.Diagnostics(path), d => d.IsError());
    }

    [Fact]
    public void Completion_offers_variables_with_labels_after_a_domain_or_an_alias()
    {
        var text = Trial.Replace("DM.AGE >= 18", "DM.", StringComparison.Ordinal);
        var (service, path) = Open(text);
        var items = service.Completion(path, At(text, "DM.", 3)).Items;
        var age = Assert.Single(items, i => i.Label == "AGE");
        Assert.Equal(CompletionKind.Variable, age.Kind);
        Assert.Contains("Age", age.Detail);
        Assert.DoesNotContain(items, i => i.Label == "LBTESTCD");

        var (service2, path2) = Open(Trial);
        var alias = service2.Completion(path2, At(Trial, "L.LBTESTCD", 2)).Items;
        Assert.Contains(alias, i => i.Label == "LBTESTCD" && i.Detail!.Contains("Lab Test or Examination Short Name", StringComparison.Ordinal));
    }

    [Fact]
    public void Completion_offers_definitions_domains_keywords_and_library_names_in_a_rule()
    {
        var (service, path) = Open(Trial);
        var items = service.Completion(path, At(Trial, "Adult and", 0)).Items;
        Assert.Contains(items, i => i.Label == "Adult" && i.Kind == CompletionKind.Definition);
        Assert.Contains(items, i => i.Label == "Lab" && i.Kind == CompletionKind.Function);
        Assert.Contains(items, i => i.Label == "TransaminaseIncreased" && i.Kind == CompletionKind.Function && i.Detail!.Contains("std.ctcae5", StringComparison.Ordinal));
        Assert.Contains(items, i => i.Label == "LB" && i.Kind == CompletionKind.Domain && i.Detail == "Laboratory Test Results");
        Assert.Contains(items, i => i.Label == "exists" && i.Kind == CompletionKind.Keyword);
    }

    [Fact]
    public void Completion_at_the_start_of_a_criteria_line_offers_the_block_words()
    {
        var text = Trial + "\n  ";
        var (service, path) = Open(text);
        var items = service.Completion(path, new LineMap(text).PositionOf(text.Length)).Items;
        Assert.Contains(items, i => i.Label == "inclusion");
        Assert.Contains(items, i => i.Label == "exclusion");
        Assert.Contains(items, i => i.Label == "workflow");
    }

    [Fact]
    public void Completion_in_a_string_offers_the_codes_the_linked_study_holds()
    {
        var text = Trial.Replace("L.LBTESTCD = code", "L.LBTESTCD = 'AL'", StringComparison.Ordinal);
        var study = new FakeStudy(("LB", "LBTESTCD", [new StudyValue("ALT", "Alanine Aminotransferase", 120), new StudyValue("ALB", "Albumin", 80)]));
        var (service, path) = Open(text, study);
        var items = service.Completion(path, At(text, "'AL'", 3)).Items;
        Assert.Equal(["ALT", "ALB"], items.Select(i => i.Label));
        Assert.Contains("Alanine Aminotransferase", items[0].Detail);
        Assert.All(items, i => Assert.Equal(CompletionKind.Value, i.Kind));
    }

    [Fact]
    public void Hover_shows_a_variables_label_and_a_definitions_text_type_and_rule_hash()
    {
        var (service, path) = Open(Trial);
        var variable = service.Hover(path, At(Trial, "AGE"))!;
        Assert.Contains("DM.AGE", variable.Markdown);
        Assert.Contains("Decimal", variable.Markdown);
        Assert.Contains("Age", variable.Markdown);

        var definition = service.Hover(path, At(Trial, "Adult and", 1))!;
        var rule = service.Workspace.Analyze(path).Compiled.Rules["definition:Adult"];
        Assert.Contains("define Adult: DM.AGE >= 18", definition.Markdown);
        Assert.Contains("Boolean", definition.Markdown);
        Assert.Contains(rule.Hash, definition.Markdown);

        var criterion = service.Hover(path, At(Trial, "I1 ", 0))!;
        Assert.Contains(service.Workspace.Analyze(path).Compiled.Rules["criterion:I1"].Hash, criterion.Markdown);
    }

    [Fact]
    public void Definition_goes_to_the_declaration_in_an_imported_library()
    {
        var (service, path) = Open(Trial);
        var location = Assert.Single(service.Definition(path, At(Trial, "TransaminaseIncreased(", 2)));
        Assert.Equal(Path.Combine(Repo.Protocols, "std", "ctcae5.protocol"), location.Path);
        var library = File.ReadAllText(location.Path);
        Assert.Equal("TransaminaseIncreased", library.Substring(location.Span.Start, location.Span.Length));
        Assert.Equal(new LineMap(library).PositionOf(library.IndexOf("table TransaminaseIncreased ", StringComparison.Ordinal) + 6), location.Range.Start);

        var local = Assert.Single(service.Definition(path, At(Trial, "Lab('ALT').LBSTRESN <", 0)));
        Assert.Equal(path, local.Path);
        Assert.Equal(At(Trial, "Lab(code"), local.Range.Start);
    }

    [Fact]
    public void References_find_every_use_of_a_definition()
    {
        var (service, path) = Open(Trial);
        var references = service.References(path, At(Trial, "Lab(code"));
        Assert.Equal(5, references.Length);
        Assert.Equal(4, service.References(path, At(Trial, "Lab(code"), includeDeclaration: false).Length);
    }

    [Fact]
    public void Rename_of_a_library_definition_changes_the_library_and_every_file_that_reads_it()
    {
        var folder = Repo.TempFolder();
        try
        {
            var libraryPath = Path.Combine(folder, "mylib.protocol");
            var library = "library mylib version \"1\"\n  data SDTM \"3.4\"\ndefine Old: DM.AGE > 60\ndefine Older: Old and DM.AGE > 70\n";
            File.WriteAllText(libraryPath, library);
            var firstPath = Path.Combine(folder, "first.protocol");
            var first = "protocol A version \"1\"\n  data SDTM \"3.4\"\nimport mylib\ncriteria\n  inclusion I1 \"x\"\n    Old\n";
            var secondPath = Path.Combine(folder, "second.protocol");
            var second = "protocol B version \"1\"\n  data SDTM \"3.4\"\nimport mylib\ncriteria\n  exclusion E1 \"y\"\n    mylib.Old or Older\n";
            var workspace = new LanguageWorkspace(Repo.Resolver);
            workspace.Open(firstPath, first);
            workspace.AddFile(secondPath, second);
            var service = new ProtocolLanguageService(workspace);

            Assert.NotNull(service.PrepareRename(firstPath, At(first, "Old\n")));
            var edit = service.Rename(firstPath, At(first, "Old\n"), "Elderly");
            Assert.Equal([firstPath, libraryPath, secondPath], edit.Changes.Keys.Order(StringComparer.Ordinal).ToArray().Order(StringComparer.Ordinal));
            Assert.Equal(first.Replace("    Old", "    Elderly", StringComparison.Ordinal), TextEdit.Apply(first, edit.Changes[firstPath]));
            Assert.Equal(library.Replace("define Old:", "define Elderly:", StringComparison.Ordinal).Replace("Old and", "Elderly and", StringComparison.Ordinal),
                TextEdit.Apply(library, edit.Changes[libraryPath]));
            Assert.Equal(second.Replace("mylib.Old", "mylib.Elderly", StringComparison.Ordinal), TextEdit.Apply(second, edit.Changes[secondPath]));
            Assert.Throws<ArgumentException>(() => service.Rename(firstPath, At(first, "Old\n"), "not a name"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Document_symbols_outline_the_declarations()
    {
        var (service, path) = Open(Trial);
        var symbols = service.DocumentSymbols(path);
        Assert.Equal(["T", "std.ctcae5", "Adult", "Lab", "criteria"], symbols.Select(s => s.Name));
        Assert.Equal(["I1", "E1"], symbols[^1].Children.Select(c => c.Name));
        Assert.Equal(DocumentSymbolKind.Function, symbols[3].Kind);
    }

    [Fact]
    public void Semantic_tokens_colour_names_by_what_they_are()
    {
        var (service, path) = Open(Trial);
        var tokens = service.SemanticTokens(path);
        SemanticToken At2(string marker)
        {
            var p = At(Trial, marker);
            return Assert.Single(tokens, t => t.Line == p.Line && t.Character == p.Character);
        }
        Assert.Equal(SemanticTokenType.Class, At2("DM.AGE").Type);
        Assert.Equal(SemanticTokenType.Property, At2("AGE").Type);
        Assert.Equal(SemanticTokenType.Keyword, At2("criteria").Type);
        Assert.Equal(SemanticTokenType.Function, At2("TransaminaseIncreased").Type);
        var declaration = At2("Adult:");
        Assert.Equal(SemanticTokenType.Variable, declaration.Type);
        Assert.True(declaration.Modifiers.HasFlag(SemanticTokenModifiers.Declaration));
        Assert.Equal(SemanticTokenType.String, At2("'ALT'").Type);
    }

    [Fact]
    public void A_study_vocabulary_reads_test_codes_with_their_names()
    {
        var loaded = ProtocolEngine.Data.Loading.StudyLoader.Load(Path.Combine(Repo.Shared, "data", "sdtm", "cdiscpilot01-pharmaverse"),
            new ProtocolEngine.Data.Loading.StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") });
        var study = new StudyVocabulary(loaded.Data, "pilot");
        var alt = Assert.Single(study.ValuesOf("LB", "LBTESTCD"), v => v.Value == "ALT");
        Assert.Equal("Alanine Aminotransferase", alt.Label);
        Assert.True(alt.Count > 100);
        Assert.Empty(study.ValuesOf("LB", "NOSUCH"));
    }

    private sealed class FakeStudy(params (string Domain, string Variable, StudyValue[] Values)[] values) : IStudyVocabulary
    {
        public string Name => "fake";

        public IReadOnlyList<StudyValue> ValuesOf(string domain, string variable) =>
            values.FirstOrDefault(v => v.Domain == domain && v.Variable == variable).Values ?? [];
    }
}

internal static class DiagnosticExtensions
{
    public static bool IsError(this DocumentDiagnostic d) => d.Severity == ProtocolEngine.Language.Diagnostics.DiagnosticSeverity.Error;
}
