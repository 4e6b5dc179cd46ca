using ProtocolEngine.Cli.Commands.Data;
using Spectre.Console.Cli;

namespace ProtocolEngine.Cli;

/// <summary>Where every command is registered, one block per area, so the help lists them in a stable order.</summary>
internal static class CommandRegistry
{
    public static void Register(IConfigurator config)
    {
        // Language (issue 2): check.
        config.AddCommand<Commands.Language.CheckCommand>("check")
            .WithExample("check", "protocols")
            .WithExample("check", "trial.protocol", "--format", "sarif");
        // Verification (issue 20): verify, fit.
        config.AddCommand<Commands.Verification.VerifyCommand>("verify")
            .WithExample("verify", "protocols/cdiscpilot01.protocol", "--witness", "/tmp/witness")
            .WithExample("verify", "protocols/cdiscpilot01-amendment1.protocol", "--against", "protocols/cdiscpilot01.protocol");
        config.AddCommand<Commands.Verification.FitCommand>("fit")
            .WithExample("fit", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/datasetjson/msg/sdtm");
        // Authoring (issue 21): format, lsp.
        config.AddCommand<Commands.Language.FormatCommand>("format")
            .WithExample("format", "protocols")
            .WithExample("format", "--check", "protocols");
        config.AddCommand<Commands.Language.LspCommand>("lsp")
            .WithExample("lsp");
        config.AddCommand<Commands.Authoring.UsdmCommand>("usdm").WithExample("usdm", "import", "../shared/data/usdm/CDISC_Pilot_Study.json", "--out", "/tmp/usdm").WithExample("usdm", "export", "/tmp/usdm/H2Q_MC_LZZT.protocol");
        // Runtime (issue 3): conformance.
        config.AddBranch("conformance", conformance =>
        {
            conformance.SetDescription("Run conformance suites against the engine.");
            conformance.AddCommand<Commands.Runtime.ConformanceCqlCommand>("cql")
                .WithExample("conformance", "cql", "../shared/conformance/cql", "--min-pass", "90");
            // Issue 17: CDISC CORE rules on their own test cases.
            conformance.AddCommand<Commands.Runtime.ConformanceCoreCommand>("core")
                .WithExample("conformance", "core", "../shared/conformance/core", "--family", "CG,FB,SEND");
        });
        // Issue 17: CDISC CORE rules run natively over a study.
        config.AddBranch("core", core =>
        {
            core.SetDescription("Run CDISC CORE rules natively, or translate them into checks.");
            core.AddCommand<Commands.Core.CoreRunCommand>("run")
                .WithExample("core", "run", "../shared/data/sdtm/cdiscpilot01", "--rules", "../shared/conformance/core");
            core.AddCommand<Commands.Core.CoreImportCommand>("import")
                .WithExample("core", "import", "../shared/conformance/core", "--out", "core-checks", "--report", "core-import.md");
        });
        // Data (issue 4): data convert, data inspect, synth.
        config.AddBranch("data", data =>
        {
            data.SetDescription("Read, inspect and convert clinical datasets: SDTM as SAS XPT, Dataset-JSON, NDJSON and CSV.");
            data.AddCommand<DataInspectCommand>("inspect")
                .WithDescription("List a study's datasets with records, subjects, variables and missing values.")
                .WithExample("data", "inspect", "../shared/data/sdtm/cdiscpilot01");
            // Issue 19: a study's datasets as PostgreSQL tables, or split over a ClickHouse cluster's shards, for screen --backend postgres|clickhouse.
            data.AddCommand<Commands.Sql.DataLoadCommand>("load")
                .WithDescription("Write every dataset of a study as a PostgreSQL table (typed as the engine reads them), for protocol screen --backend postgres; "
                    + "or as ClickHouse tables on every shard of a cluster (records split by USUBJID) with a Distributed table over each, for --backend clickhouse.")
                .WithExample("data", "load", "../shared/data/sdtm/cdiscpilot01", "--encoding", "windows-1252", "--pg-env", "PROTOCOLENGINE_PG", "--schema", "pilot")
                .WithExample("data", "load", "../shared/data/sdtm/cdiscpilot01", "--encoding", "windows-1252", "--ch-env", "PROTOCOLENGINE_CH", "--schema", "pilot");
            data.AddCommand<DataConvertCommand>("convert")
                .WithDescription("Convert every dataset of a study to XPT, Dataset-JSON, NDJSON or CSV.")
                .WithExample("data", "convert", "../shared/data/sdtm/cdiscpilot01", "--to", "json", "--out", "/tmp/pilot-json");
        });
        config.AddCommand<SynthCommand>("synth")
            .WithDescription("Generate a synthetic SDTM population (deterministic for a seed).")
            .WithExample("synth", "--subjects", "10000", "--seed", "42", "--out", "/tmp/synth", "--to", "xpt");
        // Screening (issue 5): screen, explain, audit fairness.
        config.AddCommand<Commands.Screening.ScreenCommand>("screen")
            .WithExample("screen", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/sdtm/cdiscpilot01", "--encoding", "windows-1252", "--out", "report.html")
            .WithExample("screen", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/datasetjson/msg/sdtm", "--format", "json")
            .WithExample("screen", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/datasetjson/msg/sdtm", "--backend", "auto");
        // Issue 19: the SQL a database screens with.
        config.AddCommand<Commands.Sql.SqlCommand>("sql")
            .WithExample("sql", "protocols/cdiscpilot01.protocol", "--dialect", "postgres")
            .WithExample("sql", "protocols/cdiscpilot01.protocol", "--dialect", "spark", "--data", "../shared/data/sdtm/cdiscpilot01");
        config.AddCommand<Commands.Screening.DemoCommand>("demo")
            .WithExample("demo")
            .WithExample("demo", "--subjects", "100000", "--seed", "42")
            .WithExample("demo", "--no-serve");
        config.AddCommand<Commands.Screening.ExplainCommand>("explain")
            .WithExample("explain", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/datasetjson/msg/sdtm", "--subject", "CDISC015");
        // Issue 19: the criteria taken elsewhere (Microsoft RulesEngine).
        config.AddBranch("export", export =>
        {
            export.SetDescription("Write a protocol's criteria for another rules engine.");
            export.AddCommand<Commands.Interop.RulesEngineExportCommand>("rulesengine")
                .WithExample("export", "rulesengine", "protocols/cdiscpilot01.protocol", "--out", "/tmp/cdiscpilot01.rules.json");
        });
        config.AddBranch("audit", audit =>
        {
            audit.SetDescription("Audit a protocol's criteria.");
            audit.AddCommand<Commands.Screening.AuditFairnessCommand>("fairness")
                .WithExample("audit", "fairness", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/sdtm/cdiscpilot01-pharmaverse", "--encoding", "windows-1252", "--by", "SEX,RACE,AGEGROUP");
        });
        // Workflows (issue 6): simulate, journal.
        config.AddCommand<Commands.Workflows.SimulateCommand>("simulate")
            .WithDescription("Run a scenario of events on a virtual clock against workflows; print the timeline and final states.");
        config.AddBranch("journal", journal =>
        {
            journal.SetDescription("The workflow audit journal.");
            journal.AddCommand<Commands.Workflows.JournalVerifyCommand>("verify")
                .WithDescription("Verify every instance's journal hash chain; name the first edited, missing or reordered entry.");
        });
        // Safety (issue 7): grade.
        config.AddCommand<Commands.Safety.GradeCommand>("grade")
            .WithExample("grade", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/sdtm/cdiscpilot01-pharmaverse", "--encoding", "windows-1252")
            .WithExample("grade", "--data", "../shared/data/sdtm/cdiscpilot01-pharmaverse", "--encoding", "windows-1252", "--records", "grades.csv");
        // Checks (issue 8): validate.
        config.AddCommand<Commands.Checks.ValidateCommand>("validate")
            .WithExample("validate", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/sdtm/cdiscpilot01", "--encoding", "windows-1252", "--format", "json")
            .WithExample("validate", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/sdtm/cdiscpilot01", "--encoding", "windows-1252", "--out", "report.html")
            .WithExample("validate", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/sdtm/cdiscpilot01", "--encoding", "windows-1252", "--db", "queries.db");
        config.AddBranch("queries", queries =>
        {
            queries.SetDescription("Data queries that protocol validate routed to roles.");
            queries.AddCommand<Commands.Checks.QueriesListCommand>("list")
                .WithExample("queries", "list", "--db", "queries.db");
        });
        // Evidence (issue 15): evidence.
        config.AddCommand<Commands.Evidence.EvidenceCommand>("evidence")
            .WithExample("evidence", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/sdtm/cdiscpilot01", "--encoding", "windows-1252", "--as-of", "2014-01-01", "--out", "pilot-evidence.zip")
            .WithExample("evidence", "protocols/cdiscpilot01.protocol", "--data", "../shared/data/sdtm/cdiscpilot01", "--encoding", "windows-1252", "--conformance", "../shared/conformance/cql", "--out", "pack.zip");
        // Server (issue 14): serve.
        config.AddCommand<Commands.Server.ServeCommand>("serve")
            .WithExample("serve")
            .WithExample("serve", "--data-dir", "/var/lib/protocol", "--urls", "http://127.0.0.1:8080")
            .WithExample("serve", "--pg-env", "PROTOCOL_PG");
    }
}
