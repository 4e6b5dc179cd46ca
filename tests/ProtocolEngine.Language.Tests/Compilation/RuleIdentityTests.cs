using ProtocolEngine.Language.Binding;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Tests.Infrastructure;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Tests.Compilation;

public sealed class RuleIdentityTests
{
    private const string Protocol = """
        protocol IDS version "1"
          data SDTM "3.4"

        parameter MinimumAge: Integer default 18

        arms
          A "A" ratio 1
          B "B" ratio 1
          randomize permuted blocks of 4 stratified by AgeGroup

        // A comment between declarations.
        define Adult: DM.AGE >= MinimumAge
        define AgeGroup: if DM.AGE >= 65 then 'old' else 'young'
        define function Doubled(x Integer) returns Integer: x * 2

        table Band "Age band"
          input age: Decimal
          | age > 60 | 'high' |
          | otherwise | 'low' |

        criteria
          inclusion INCL01 "Adults."
            Adult
          inclusion INCL02 "Young enough."
            DM.AGE < 90
          exclusion EXCL01 "Old band."
            Band(DM.AGE) = 'high' and Doubled(1) = 2

        check DM01 "AGE present" for each DM D
          expect D.AGE is not null

        safety
          rule SeriousAE "Serious" for each AE A when A.AESER = 'Y'
            notify Sponsor within 24 hours of awareness

        workflow Triage per AE A when A.AESEV = 'SEVERE'
          state Reported initial
          state Serious final
          state Routine final
          Reported -> Serious when A.AESER = 'Y'
          Reported -> Routine when (A.AESER = 'N' and event Reviewed) or (A.AEOUT = 'FATAL' and event Reviewed)
          Reported -> Routine when event Closed
        """;

    private static CompiledProtocol Compile(string text)
    {
        var compiled = ProtocolCompiler.Standalone.CompileFresh(new SourceText(text, "ids.protocol"));
        Assert.False(compiled.HasErrors, string.Join("\n", compiled.Diagnostics.Where(d => d.IsError)));
        return compiled;
    }

    private static string Hash(CompiledProtocol p, string id) => p.Rules[id].Hash;

    [Fact]
    public void Every_kind_of_rule_has_a_stable_id_and_one_hash()
    {
        var p = Compile(Protocol);
        string[] expected =
        [
            "criterion:INCL01", "criterion:INCL02", "criterion:EXCL01", "definition:Adult", "definition:AgeGroup", "function:Doubled",
            "table:Band", "check:DM01", "safety:SeriousAE", "workflow:Triage", "start:Triage", "guard:Triage.Reported->Serious",
            "guard:Triage.Reported->Routine", "guard:Triage.Reported->Routine/2", "randomization",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), p.Rules.Keys.Order(StringComparer.Ordinal));
        Assert.All(p.Rules.Values, r => Assert.Matches("^[0-9a-f]{64}$", r.Hash));
        Assert.Equal(p.FindCriterion("INCL01")!.Hash, Hash(p, "criterion:INCL01"));
        Assert.Equal(p.Randomization!.Identity.Hash, Hash(p, "randomization"));
        Assert.Equal("A.AESER = 'Y'", p.Rules["guard:Triage.Reported->Serious"].Text);
        Assert.Equal("A.AEOUT = 'FATAL'", p.Rules["guard:Triage.Reported->Routine/2"].Text);
    }

    [Fact]
    public void Editing_a_rule_changes_its_hash_and_no_other()
    {
        var before = Compile(Protocol);
        var after = Compile(Protocol.Replace("DM.AGE < 90", "DM.AGE < 85", StringComparison.Ordinal));
        var changed = before.Rules.Keys.Where(id => Hash(before, id) != Hash(after, id)).ToList();
        Assert.Equal(["criterion:INCL02"], changed);
    }

    [Fact]
    public void Editing_what_a_rule_reads_changes_the_rules_that_read_it()
    {
        var before = Compile(Protocol);
        var parameter = Compile(Protocol.Replace("default 18", "default 21", StringComparison.Ordinal));
        Assert.Equal(["criterion:INCL01", "definition:Adult"], Changed(before, parameter));
        var table = Compile(Protocol.Replace("age > 60", "age > 65", StringComparison.Ordinal));
        Assert.Equal(["criterion:EXCL01", "table:Band"], Changed(before, table));
        var strata = Compile(Protocol.Replace("DM.AGE >= 65", "DM.AGE >= 70", StringComparison.Ordinal));
        Assert.Equal(["definition:AgeGroup", "randomization"], Changed(before, strata));
    }

    [Fact]
    public void Comments_layout_and_moves_elsewhere_leave_every_hash_alone()
    {
        var before = Compile(Protocol);
        string[] variants =
        [
            Protocol.Replace("// A comment between declarations.", "// Another comment, longer than the first one.", StringComparison.Ordinal),
            Protocol.Replace("\n", "\r\n", StringComparison.Ordinal),
            Protocol.Replace("    DM.AGE < 90\n", "    DM.AGE < 90   \n\n\n", StringComparison.Ordinal),
            // The criteria block indented as a whole, and moved further down the file by new text above it.
            Protocol.Replace("criteria\n  inclusion INCL01 \"Adults.\"\n    Adult", "criteria\n      inclusion INCL01 \"Adults.\"\n        Adult", StringComparison.Ordinal),
            "// A new first line.\n" + Protocol,
            // Layout inside rules, as the formatter changes it: line breaks, spacing between tokens, table alignment.
            Protocol.Replace("DM.AGE >= MinimumAge", "DM.AGE>=MinimumAge", StringComparison.Ordinal)
                .Replace("Band(DM.AGE) = 'high' and Doubled(1) = 2", "Band( DM.AGE ) = 'high'\n      and Doubled(1) = 2", StringComparison.Ordinal)
                .Replace("| age > 60 | 'high' |", "| age > 60  | 'high' |", StringComparison.Ordinal)
                .Replace("| otherwise | 'low' |", "| otherwise | 'low'  |", StringComparison.Ordinal),
        ];
        foreach (var variant in variants)
        {
            var after = Compile(variant);
            Assert.Empty(Changed(before, after));
            Assert.Equal(before.Rules.Keys.Order(StringComparer.Ordinal), after.Rules.Keys.Order(StringComparer.Ordinal));
        }
        // A comment inside the rule is part of its text.
        var commented = Compile(Protocol.Replace("    DM.AGE < 90", "    // the upper bound\n    DM.AGE < 90", StringComparison.Ordinal));
        Assert.Equal(["criterion:INCL02"], Changed(before, commented));
    }

    [Fact]
    public void A_criterions_decision_hash_is_RuleHashers_and_follows_the_rule_and_what_it_reads_but_not_the_wording()
    {
        var before = Compile(Protocol);
        string Decision(CompiledProtocol p, string id) => p.FindCriterion(id)!.DecisionHash;
        // Computed in one place: for a rule that reads nothing, exactly RuleHasher.DecisionHash of the rule's text; never a rule hash.
        Assert.Equal(RuleHasher.DecisionHash("DM.AGE < 90", []), Decision(before, "INCL02"));
        Assert.DoesNotContain(before.Rules.Values, r => before.Criteria.Any(c => c.DecisionHash == r.Hash));
        // The wording, the kind and the layout: the identity changes (the first two), the decision hash does not.
        var reworded = Compile(Protocol.Replace("\"Young enough.\"", "\"Younger than 90 years.\"", StringComparison.Ordinal)
            .Replace("inclusion INCL02", "exclusion INCL02", StringComparison.Ordinal).Replace("DM.AGE < 90", "DM.AGE<90", StringComparison.Ordinal));
        Assert.NotEqual(Hash(before, "criterion:INCL02"), Hash(reworded, "criterion:INCL02"));
        Assert.Equal(Decision(before, "INCL02"), Decision(reworded, "INCL02"));
        // The rule, or what it reads (a parameter two steps away): both change.
        Assert.NotEqual(Decision(before, "INCL02"), Decision(Compile(Protocol.Replace("DM.AGE < 90", "DM.AGE < 85", StringComparison.Ordinal)), "INCL02"));
        var parameter = Compile(Protocol.Replace("default 18", "default 21", StringComparison.Ordinal));
        Assert.NotEqual(Decision(before, "INCL01"), Decision(parameter, "INCL01"));
        Assert.Equal(Decision(before, "INCL02"), Decision(parameter, "INCL02"));
    }

    [Fact]
    public void An_imports_override_is_part_of_the_hash_of_the_library_rules_that_read_it()
    {
        var resolver = new InMemorySourceResolver(new Dictionary<string, string>
        {
            ["lib"] = """
                library lib version "1"
                  data SDTM "3.4"
                parameter Limit: Integer default 3
                define function Over(x Integer) returns Boolean: x > Limit
                check AE01 "Few AEs" for each subject
                  expect not Over(Count(AE))
                """,
        });
        CompiledProtocol Importing(string with) => new ProtocolCompiler(resolver).CompileFresh(new SourceText(
            $"protocol P version \"1\"\n  data SDTM \"3.4\"\nimport lib{with}\n", "p.protocol"));
        var plain = Importing("");
        var overridden = Importing(" with Limit = 5");
        var same = Importing(" with Limit = 3");
        Assert.False(overridden.HasErrors, string.Join("\n", overridden.Diagnostics));
        Assert.NotEqual(Hash(plain, "check:lib.AE01"), Hash(overridden, "check:lib.AE01"));
        Assert.NotEqual(Hash(plain, "function:lib.Over"), Hash(overridden, "function:lib.Over"));
        Assert.NotEqual(Hash(overridden, "check:lib.AE01"), Hash(Importing(" with Limit = 6"), "check:lib.AE01"));
        Assert.NotNull(same.Rules["check:lib.AE01"]);
    }

    [Fact]
    public void The_canonical_form_keeps_tokens_and_comment_words_but_not_layout()
    {
        Assert.Equal("a < 1 and b = 'x  y'", RuleHasher.Canonical("a<1\r\n      and   b = 'x  y'\n"));
        Assert.Equal("a // note it\nb /*two words*/", RuleHasher.Canonical("a   //   note   it\n b /*two\n   words*/"));
        // A line comment ends at its line: what follows it is not part of the comment.
        Assert.NotEqual(RuleHasher.Canonical("a // c\nb"), RuleHasher.Canonical("a // c b"));
        Assert.NotEqual(RuleHasher.Canonical("x = 'a b'"), RuleHasher.Canonical("x = 'a  b'"));
        Assert.Equal("a\n  b\nc", RuleHasher.Normalize("a  \r\n      b\r\n    c\n\n"));
        Assert.Equal("a\nb", RuleHasher.Normalize("\n\na\n\tb\t\n"));
        Assert.NotEqual(RuleHasher.Hash(RuleKind.Criterion, "a = 1", [], []), RuleHasher.Hash(RuleKind.Check, "a = 1", [], []));
        Assert.NotEqual(RuleHasher.Hash(RuleKind.WorkflowGuard, "A.X = 1", [new("record", "AE A")], []),
            RuleHasher.Hash(RuleKind.WorkflowGuard, "A.X = 1", [new("record", "LB A")], []));
    }

    [Fact]
    public void Shipped_protocols_give_every_rule_a_unique_id()
    {
        var compiler = new ProtocolCompiler(new TestFileResolver());
        foreach (var file in Directory.GetFiles(RepositoryPaths.Protocols, "*.protocol"))
        {
            var p = compiler.Compile(new SourceText(File.ReadAllText(file), file));
            Assert.False(p.HasErrors, file);
            Assert.Equal(p.Criteria.Length, p.Rules.Keys.Count(k => k.StartsWith("criterion:", StringComparison.Ordinal)));
            Assert.All(p.Workflows.SelectMany(w => w.Transitions).SelectMany(t => BoundGuards.Conditions(t.Guard)),
                g => Assert.Same(g.Identity, p.Rules[g.Identity.Id]));
        }
    }

    private static List<string> Changed(CompiledProtocol a, CompiledProtocol b) =>
        [.. a.Rules.Keys.Where(id => !b.Rules.ContainsKey(id) || Hash(a, id) != Hash(b, id)).Order(StringComparer.Ordinal)];
}
