using BenchmarkDotNet.Running;

// Runs the benchmarks named on the command line, for example:
//   dotnet run -c Release --project tests/ProtocolEngine.Benchmarks -- --filter '*Compile*'
// Each area keeps its benchmark classes in its own folder (Language/, Runtime/, Data/, Screening/, Workflows/).
// Database workloads run as commands: `-- workflows [--pg CONNSTR]` (see Workflows/WorkflowBench.cs); screening
// runs as `-- screening-rules` (eight rules vs RulesEngine vs hand-written C#), `-- screening-pilot` (1M subjects, from XPT
// or `--format parquet`) and `-- screening-differential` (every shipped protocol with and without the code indexes);
// simulation as `-- simulate [--events 100000]` (see Workflows/SimulationBench.cs); the server as `-- server [--pg CONNSTR]`
// (inbox reads under wrk, durable event ingestion, screening through the API; see Server/ServerBench.cs); `-- lsp` times
// keystroke to diagnostics through `protocol lsp` over stdio (see Language/LspRoundTripBench.cs); `-- protocol-size` times
// compiling generated protocols of 1, 5 and 10 MB (see Language/ProtocolSizeBench.cs); `-- designer` times the designer's
// keystroke to diagnostics and criteria preview at the server (see Server/DesignerBench.cs); `-- core [--subjects 100000]`
// runs the SDTMIG CORE rules natively over the pilot and a synthetic study (see Checks/CoreRulesBench.cs); `-- verify`
// times `protocol verify` over the largest shipped protocol, with the solver's time per query (see Verification/VerifyBench.cs);
// `-- sql [--subjects 100000]` screens the pilot protocol's pushed-down criteria natively, in DuckDB and in PostgreSQL (see Sql/SqlBench.cs);
// `-- load-view [--subjects 100000] [--format xpt] [--columns]` loads a screening population into the subject view and reports
// its time and memory, per column with --columns (see Data/LoadViewBench.cs).
if (args.Length > 0 && args[0] is "screening-rules" or "screening-pilot" or "screening-differential") return await ProtocolEngine.Benchmarks.Screening.ScreeningBench.RunAsync(args[0], args[1..]);
if (args.Length > 0 && args[0] == "load-view") return ProtocolEngine.Benchmarks.Data.LoadViewBench.Run(args[1..]);
if (args.Length > 0 && args[0] == "core") return ProtocolEngine.Benchmarks.Checks.CoreRulesBench.Run(args[1..]);
if (args.Length > 0 && args[0] == "protocol-size") return ProtocolEngine.Benchmarks.Language.ProtocolSizeBench.Run(args[1..]);
if (args.Length > 0 && args[0] == "lsp") return await ProtocolEngine.Benchmarks.Language.LspRoundTripBench.RunAsync();
if (args.Length > 0 && args[0] == "workflows") return await ProtocolEngine.Benchmarks.Workflows.WorkflowBench.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "simulate") return await ProtocolEngine.Benchmarks.Workflows.SimulationBench.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "designer") return await ProtocolEngine.Benchmarks.Server.DesignerBench.RunAsync();
if (args.Length > 0 && args[0] == "sql") return ProtocolEngine.Benchmarks.Sql.SqlBench.Run(args[1..]);
if (args.Length > 0 && args[0] == "verify") return ProtocolEngine.Benchmarks.Verification.VerifyBench.Run(args[1..]);
if (args.Length > 0 && args[0] == "server") return await ProtocolEngine.Benchmarks.Server.ServerBench.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(ProtocolEngine.Benchmarks.BenchmarkPaths).Assembly).Run(args);
return 0;

/// <summary>The entry point type, named so BenchmarkDotNet can find this assembly.</summary>
public partial class Program;
