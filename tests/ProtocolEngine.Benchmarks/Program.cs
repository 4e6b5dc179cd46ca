using BenchmarkDotNet.Running;

// Runs the benchmarks named on the command line, for example:
//   dotnet run -c Release --project tests/ProtocolEngine.Benchmarks -- --filter '*Compile*'
// Each area keeps its benchmark classes in its own folder (Language/, Runtime/, Data/, Screening/, Workflows/).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>The entry point type, named so BenchmarkDotNet can find this assembly.</summary>
public partial class Program;
