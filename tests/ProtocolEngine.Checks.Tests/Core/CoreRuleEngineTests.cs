using ProtocolEngine.Checks.Core;
using ProtocolEngine.Checks.Tests.Infrastructure;

namespace ProtocolEngine.Checks.Tests.Core;

/// <summary>CORE rules read from their YAML and evaluated on small studies written for the test.</summary>
public sealed class CoreRuleEngineTests
{
    private const string IeRule = """
        Authorities:
          - Organization: CDISC
            Standards:
              - Name: SDTMIG
                Version: "3.4"
                References:
                  - Rule Identifier:
                      Id: CG0176
        Check:
          all:
            - name: IECAT
              operator: equal_to
              value: INCLUSION
            - name: --ORRES
              operator: not_equal_to
              value: N
        Core:
          Id: CORE-TEST01
        Outcome:
          Message: IEORRES is not N for an inclusion criterion.
          Output Variables:
            - IEORRES
        Rule Type: Record Data
        Scope:
          Classes:
            Include:
              - FINDINGS
          Domains:
            Include:
              - IE
        Sensitivity: Record
        """;

    private static CoreRule Rule(string yaml) => CoreRuleReader.Read(new StringReader(yaml), "test.yml");

    private static CoreStudy Study(params (string Name, string Csv)[] datasets)
    {
        var folder = Paths.NewTempFolder();
        try
        {
            foreach (var (name, csv) in datasets) File.WriteAllText(Path.Combine(folder, name.ToLowerInvariant() + ".csv"), csv);
            return CoreCaseReader.Read(folder);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void A_pattern_that_would_backtrack_for_ever_is_matched_in_linear_time_like_python_re_match()
    {
        // (a+)+$ over 40 a's and a b takes the backtracking engine 2^40 steps; the rules' patterns run on the linear one.
        var hostile = new string('a', 40) + "b";
        Assert.False(CoreValues.MatchesAtStart(hostile, "(a+)+$"));
        Assert.True(CoreValues.MatchesAtStart(new string('a', 40), "(a+)+$"));
        // re.match anchors at the start only: a match at the start need not reach the end.
        Assert.True(CoreValues.MatchesAtStart("2024-01-05T10:00", @"\d{4}-\d{2}-\d{2}"));
        Assert.False(CoreValues.MatchesAtStart("x2024-01-05", @"\d{4}"));
        // A pattern the linear engine cannot run (a look-ahead) still runs.
        Assert.True(CoreValues.MatchesAtStart("AB", "A(?=B)"));
    }

    [Fact]
    public void A_rule_file_gives_its_ids_scope_and_check()
    {
        var rule = Rule(IeRule);
        Assert.Equal("CORE-TEST01", rule.Id);
        Assert.Equal(["CG0176"], rule.RuleIds);
        Assert.Equal(["CG"], rule.Families);
        Assert.Equal(["SDTMIG 3.4"], rule.Standards);
        Assert.Equal(["IE"], rule.Scope.IncludeDomains);
        var all = Assert.IsType<CoreAll>(rule.Check);
        Assert.Equal(2, all.Conditions.Count);
        var leaf = Assert.IsType<CoreLeaf>(all.Conditions[1]);
        Assert.Equal(("--ORRES", "not_equal_to", (object?)"N", false), (leaf.Name, leaf.Operator, leaf.Value, leaf.ValueIsLiteral));
        Assert.Empty(rule.Unsupported);
    }

    [Fact]
    public void A_record_rule_names_the_failing_records_by_their_row_in_the_file_and_resolves_prefixed_names()
    {
        var study = Study(("IE", "STUDYID,DOMAIN,USUBJID,IECAT,IEORRES\nS,IE,1,INCLUSION,N\nS,IE,2,INCLUSION,Y\nS,IE,3,EXCLUSION,Y\nS,IE,4,INCLUSION,\n"));
        var result = CoreRuleEngine.Run(Rule(IeRule), study);
        // Row 4 has no IEORRES: not_equal_to a populated value is true for a missing one, as in CORE.
        Assert.Equal([2, 4], result.Issues.Select(i => i.Record!.Value));
        Assert.Equal(new KeyValuePair<string, string?>("IEORRES", "Y"), Assert.Single(result.Issues[0].Variables));
    }

    [Fact]
    public void Datasets_outside_the_scope_are_not_checked()
    {
        var study = Study(("IE", "DOMAIN,IECAT,IEORRES\nIE,INCLUSION,Y\n"), ("LB", "DOMAIN,LBCAT,LBORRES\nLB,INCLUSION,Y\n"));
        var result = CoreRuleEngine.Run(Rule(IeRule), study);
        Assert.Equal(["IE"], result.DatasetsChecked);
        Assert.All(result.Issues, i => Assert.Equal("IE", i.Dataset));
    }

    [Fact]
    public void A_dataset_without_any_variable_the_check_reads_is_not_evaluable_and_raises_no_issue()
    {
        var study = Study(("IE", "DOMAIN,USUBJID\nIE,1\n"));
        var result = CoreRuleEngine.Run(Rule(IeRule), study);
        Assert.Empty(result.Issues);
        Assert.Contains(result.NotEvaluable, n => n.StartsWith("IE:", StringComparison.Ordinal) && n.Contains("IECAT", StringComparison.Ordinal));
    }

    [Fact]
    public void A_dataset_sensitive_rule_raises_one_issue_for_the_dataset()
    {
        var yaml = IeRule.Replace("Sensitivity: Record", "Sensitivity: Dataset", StringComparison.Ordinal);
        var study = Study(("IE", "DOMAIN,IECAT,IEORRES\nIE,INCLUSION,Y\nIE,INCLUSION,Y\n"));
        var issue = Assert.Single(CoreRuleEngine.Run(Rule(yaml), study).Issues);
        Assert.Null(issue.Record);
    }

    [Fact]
    public void Uniqueness_matched_datasets_and_operations_are_evaluated()
    {
        var unique = Rule("""
            Core: { Id: CORE-TEST02 }
            Rule Type: Record Data
            Sensitivity: Record
            Scope: { Classes: { Include: [ALL] }, Domains: { Include: [AE] } }
            Check:
              all:
                - name: --SEQ
                  operator: is_not_unique_set
                  value: USUBJID
            Outcome: { Message: duplicate }
            """);
        var study = Study(("AE", "DOMAIN,USUBJID,AESEQ,AESTDTC,AESTDY\nAE,1,1,2020-01-05,5\nAE,1,1,2020-01-01,1\nAE,2,1,2020-01-03,2\n"),
            ("DM", "DOMAIN,USUBJID,RFSTDTC\nDM,1,2020-01-01\nDM,2,2020-01-03\n"));
        Assert.Equal([1, 2], CoreRuleEngine.Run(unique, study).Issues.Select(i => i.Record!.Value));

        var studyDay = Rule("""
            Core: { Id: CORE-TEST03 }
            Rule Type: Record Data
            Sensitivity: Record
            Scope: { Classes: { Include: [ALL] }, Domains: { Include: [AE] } }
            Match Datasets:
              - Name: DM
                Keys: [USUBJID]
            Operations:
              - id: $val_stdy
                name: --STDTC
                operator: dy
            Check:
              all:
                - name: --STDTC
                  operator: is_complete_date
                - name: --STDY
                  operator: not_equal_to
                  value: $val_stdy
            Outcome: { Message: study day }
            """);
        // 2020-01-05 from 2020-01-01 is day 5; 2020-01-03 from 2020-01-03 is day 1, not 2.
        Assert.Equal([3], CoreRuleEngine.Run(studyDay, study).Issues.Select(i => i.Record!.Value));
    }

    [Fact]
    public void A_dataset_lacking_one_variable_the_check_compares_is_not_evaluable_even_when_it_has_the_others()
    {
        // IECAT is present, IEORRES is not: CORE cannot evaluate the check there, and neither a pass nor an issue is reported.
        var result = CoreRuleEngine.Run(Rule(IeRule), Study(("IE", "DOMAIN,USUBJID,IECAT\nIE,1,INCLUSION\n")));
        Assert.Empty(result.Issues);
        Assert.Contains(result.NotEvaluable, n => n.StartsWith("IE:", StringComparison.Ordinal) && n.Contains("IEORRES", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rule_that_evaluates_no_record_because_a_variable_is_absent_is_not_evaluable_never_a_success()
    {
        var folder = Paths.NewTempFolder();
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "CORE-TEST01"));
            File.WriteAllText(Path.Combine(folder, "CORE-TEST01", "rule.yml"), IeRule);
            var rules = CoreRuleSet.Read(folder);
            var lacking = Assert.Single(rules.Run(Study(("IE", "DOMAIN,USUBJID,IECAT\nIE,1,INCLUSION\n"))));
            Assert.Equal(("not evaluable", 0L), (lacking.Status, lacking.RecordsEvaluated));
            var complete = Assert.Single(rules.Run(Study(("IE", "DOMAIN,USUBJID,IECAT,IEORRES\nIE,1,INCLUSION,N\n"))));
            Assert.Equal(("success", 1L), (complete.Status, complete.RecordsEvaluated));
            var other = Assert.Single(rules.Run(Study(("LB", "DOMAIN,USUBJID\nLB,1\n"))));
            Assert.Equal("not applicable", other.Status);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Related_records_are_read_through_RELREC_with_the_domain_prefix_replaced_by_the_wildcard()
    {
        var rule = Rule("""
            Core: { Id: CORE-TEST04 }
            Rule Type: Record Data
            Sensitivity: Record
            Scope: { Classes: { Include: [ALL] }, Domains: { Include: [FA] } }
            Match Datasets:
              - Name: RELREC
            Check:
              all:
                - name: FAOBJ
                  operator: not_equal_to
                  value: RELREC.**TERM
            Outcome: { Message: FAOBJ is not the related AETERM }
            """);
        // Dataset-level relation: FALNKGRP values meet AELNKID values; FA record 3 relates to nothing and is not checked.
        var study = Study(
            ("RELREC", "STUDYID,RDOMAIN,USUBJID,IDVAR,IDVARVAL,RELTYPE,RELID\nS,AE,,AELNKID,,ONE,R1\nS,FA,,FALNKGRP,,MANY,R1\n"),
            ("AE", "STUDYID,DOMAIN,USUBJID,AESEQ,AETERM,AELNKID\nS,AE,1,1,HEADACHE,L1\nS,AE,1,2,NAUSEA,L2\n"),
            ("FA", "STUDYID,DOMAIN,USUBJID,FASEQ,FAOBJ,FALNKGRP\nS,FA,1,1,HEADACHE,L1\nS,FA,1,2,HEADACHE,L2\nS,FA,1,3,RASH,L9\n"));
        Assert.Equal([2], CoreRuleEngine.Run(rule, study).Issues.Select(i => i.Record!.Value));

        // Record-level relation: FA record 1 (FASEQ 1) relates to AE record 2 (AESEQ 2) only.
        var byRecord = Study(
            ("RELREC", "STUDYID,RDOMAIN,USUBJID,IDVAR,IDVARVAL,RELTYPE,RELID\nS,AE,1,AESEQ,2,,R1\nS,FA,1,FASEQ,1,,R1\n"),
            ("AE", "STUDYID,DOMAIN,USUBJID,AESEQ,AETERM\nS,AE,1,1,HEADACHE\nS,AE,1,2,NAUSEA\n"),
            ("FA", "STUDYID,DOMAIN,USUBJID,FASEQ,FAOBJ\nS,FA,1,1,HEADACHE\nS,FA,1,2,HEADACHE\n"));
        Assert.Equal([1], CoreRuleEngine.Run(rule, byRecord).Issues.Select(i => i.Record!.Value));
    }

    [Fact]
    public void Supplemental_qualifiers_become_variables_of_the_record_they_qualify()
    {
        var rule = Rule("""
            Core: { Id: CORE-TEST05 }
            Rule Type: Record Data
            Sensitivity: Record
            Scope: { Classes: { Include: [ALL] }, Domains: { Include: [AE] } }
            Match Datasets:
              - Name: SUPPAE
                Keys: [USUBJID]
            Check:
              all:
                - name: AESOSP
                  operator: non_empty
                - name: AESMIE
                  operator: not_equal_to
                  value: Y
            Outcome: { Message: other medically important event not flagged }
            """);
        var study = Study(
            ("AE", "STUDYID,DOMAIN,USUBJID,AESEQ,AESMIE\nS,AE,1,1,Y\nS,AE,1,2,N\nS,AE,1,3,N\n"),
            ("SUPPAE", "STUDYID,RDOMAIN,USUBJID,IDVAR,IDVARVAL,QNAM,QVAL\nS,AE,1,AESEQ,1,AESOSP,X\nS,AE,1,AESEQ,2,AESOSP,Y\n"));
        Assert.Equal([2], CoreRuleEngine.Run(rule, study).Issues.Select(i => i.Record!.Value));
    }

    [Fact]
    public void A_group_sensitive_rule_raises_one_issue_per_group_on_its_first_record()
    {
        var rule = Rule("""
            Core: { Id: CORE-TEST06 }
            Rule Type: Record Data
            Sensitivity: Group
            Scope: { Classes: { Include: [ALL] }, Domains: { Include: [TX] } }
            Operations:
              - id: $parms
                domain: TX
                name: TXPARMCD
                operator: distinct
                group: [SETCD]
            Check:
              all:
                - name: $parms
                  operator: does_not_contain
                  value: PLANFSUB
            Outcome: { Message: no PLANFSUB for the set }
            """);
        var study = Study(("TX", "STUDYID,DOMAIN,SETCD,TXSEQ,TXPARMCD\nS,TX,A,1,ARMCD\nS,TX,A,2,PLANFSUB\nS,TX,B,1,ARMCD\nS,TX,B,2,SPGRPCD\n"));
        Assert.Equal([3], CoreRuleEngine.Run(rule, study).Issues.Select(i => i.Record!.Value));
    }

    [Fact]
    public void A_construct_not_evaluated_yet_is_named_never_dropped()
    {
        var rule = Rule(IeRule.Replace("operator: equal_to", "operator: no_such_operator", StringComparison.Ordinal));
        Assert.Contains("operator no_such_operator", rule.Unsupported);
        var e = Assert.Throws<CoreNotEvaluableException>(() => CoreRuleEngine.Run(rule, Study(("IE", "DOMAIN\nIE\n"))));
        Assert.Contains("no_such_operator", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_rule_file_is_refused_with_its_name()
    {
        var e = Assert.Throws<CoreRuleFormatException>(() => Rule("Check: [unclosed"));
        Assert.Contains("test.yml", e.Message, StringComparison.Ordinal);
        Assert.Throws<CoreRuleFormatException>(() => Rule("Check: {}\n"));
    }
}

/// <summary>Containment in a long list (indexed once per list) answers exactly as comparing with each item does.</summary>
public sealed class CoreContainmentTests
{
    [Fact]
    public void Containment_in_a_long_list_agrees_with_equality_item_by_item()
    {
        var items = new List<object?> { "CDISC-001", "cdisc-002", 12.0, "7", "7.50", -0.0, true, "", null, " ", "FALSE", double.NaN };
        items.AddRange(Enumerable.Range(100, 40).Select(i => (object?)$"S-{i}"));
        var probes = new object?[] { "CDISC-001", "CDISC-002", "cdisc-001", 12.0, "12", "12.000", 7.0, "7", 7.5, "7.5", 0.0, "0", "-0",
            true, false, "true", "True", "false", " ", "", null, double.NaN, "S-120", "s-120", "S-99", 1e300, "x" };
        foreach (var ignoreCase in new[] { false, true })
            foreach (var probe in probes)
                Assert.True(items.Any(x => CoreValues.Equal(probe, x, ignoreCase)) == CoreValues.ContainedIn(probe, items, ignoreCase),
                    $"{probe ?? "null"} (ignore case {ignoreCase})");
    }
}
