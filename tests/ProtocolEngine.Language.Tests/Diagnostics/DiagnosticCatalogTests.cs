using System.Text.RegularExpressions;
using ProtocolEngine.Language.Diagnostics;
using ProtocolEngine.Language.Tests.Infrastructure;

namespace ProtocolEngine.Language.Tests.Diagnostics;

public sealed class DiagnosticCatalogTests
{
    [Fact]
    public void Codes_are_unique()
    {
        var entries = DiagnosticCatalog.Entries().ToList();
        var duplicates = entries.GroupBy(e => e.Code).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Name))}").ToList();
        Assert.True(duplicates.Count == 0, "Codes used by more than one catalog entry: " + string.Join("; ", duplicates));
    }

    [Fact]
    public void Codes_follow_the_ranges()
    {
        foreach (var e in DiagnosticCatalog.Entries())
            Assert.Matches(new Regex("^PE[012349][0-9]{3}$"), e.Code);
    }

    [Fact]
    public void Messages_end_with_punctuation_and_mention_no_internal_types()
    {
        foreach (var e in DiagnosticCatalog.Entries())
        {
            Assert.True(e.SampleMessage.TrimEnd().EndsWith('.') || e.SampleMessage.TrimEnd().EndsWith('?') || e.Code == "PE9004",
                $"{e.Code} message does not end a sentence: {e.SampleMessage}");
            Assert.DoesNotContain("Exception", e.SampleMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_compile_time_code_has_a_baseline_case()
    {
        var baselines = Directory.GetFiles(Path.Combine(RepositoryPaths.LanguageTests, "Baselines"), "main.diagnostics.txt", SearchOption.AllDirectories)
            .Select(File.ReadAllText).ToList();
        // PE9xxx are runtime codes; PE3xxx come from protocol verify and fit, PE4xxx from the SQL backend: their baselines are the verification and SQL tests'.
        var missing = DiagnosticCatalog.Entries().Select(e => e.Code).Where(c => !c.StartsWith("PE9", StringComparison.Ordinal) && !c.StartsWith("PE3", StringComparison.Ordinal) && !c.StartsWith("PE4", StringComparison.Ordinal))
            .Where(code => !baselines.Any(b => b.Contains("[" + code + " ", StringComparison.Ordinal))).Order().ToList();
        Assert.True(missing.Count == 0, "Codes without a baseline case: " + string.Join(", ", missing));
    }
}

public sealed class DiagnosticsDocumentTests
{
    /// <summary>docs/diagnostics.md is generated from the catalog; this keeps it in step (PROTOCOLENGINE_UPDATE_BASELINES=1 rewrites it).</summary>
    [Fact]
    public void Diagnostics_document_lists_every_code()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("# Diagnostics\n\n");
        sb.Append("Every problem the compiler or the runtime reports has a stable code. Codes are never reused or renumbered.\n");
        sb.Append("PE0xxx are syntax errors, PE1xxx names and types, PE2xxx workflows and safety rules, PE3xxx findings of static verification\n");
        sb.Append("and data fit (`protocol verify`, `protocol fit`; see verification.md), PE4xxx backends (`protocol sql`, `protocol screen --backend`;\n");
        sb.Append("see backends.md), PE9xxx problems while a rule runs.\n");
        sb.Append("The example message shows the wording with placeholder names in place of the real ones.\n\n");
        sb.Append("This file is generated from `DiagnosticCatalog` by `DiagnosticsDocumentTests`.\n\n");
        sb.Append("| code | name | severity | example message |\n|---|---|---|---|\n");
        foreach (var e in ProtocolEngine.Language.Diagnostics.DiagnosticCatalog.Entries().OrderBy(e => e.Code, StringComparer.Ordinal))
            sb.Append($"| {e.Code} | {e.Name} | {e.Severity.ToString().ToLowerInvariant()} | {e.SampleMessage.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        Baseline.AssertMatches(Path.Combine(RepositoryPaths.Root, "docs", "diagnostics.md"), sb.ToString());
    }
}
