namespace ProtocolEngine.Cli.Tests.Commands.Screening;

/// <summary>
/// The demo reused its cached synthetic population even after some of its datasets were deleted. The cache now has
/// a manifest (file names, sizes, SHA-256): a population that does not match it is generated again, and the demo
/// says why.
/// </summary>
public sealed class DemoCacheTests
{
    [Fact]
    public void ADeletedOrEditedDataset_RegeneratesThePopulation_AndSaysWhy()
    {
        var output = Directory.CreateTempSubdirectory("pe-demo-cache-").FullName;
        string[] Demo() => ["demo", "--no-serve", "--subjects", "60", "--out", output, "--protocols", Path.Combine(CliRunner.Root, "protocols")];
        var population = Path.Combine(output, "population-60-seed1");

        var (code, _, error) = CliRunner.Run(Demo());
        Assert.True(code == 0, error);
        Assert.Contains("Generated 60 subjects", error);
        Assert.True(File.Exists(Path.Combine(population, "population.manifest")));

        (code, _, error) = CliRunner.Run(Demo());
        Assert.True(code == 0, error);
        Assert.Contains("Reusing the population", error);

        File.Delete(Path.Combine(population, "ae.xpt"));
        (code, _, error) = CliRunner.Run(Demo());
        Assert.True(code == 0, error);
        Assert.Contains("generated again: ae.xpt is missing", error);
        Assert.True(File.Exists(Path.Combine(population, "ae.xpt")));

        var lb = Path.Combine(population, "lb.xpt");
        var bytes = File.ReadAllBytes(lb);
        bytes[^100] ^= 0x20;
        File.WriteAllBytes(lb, bytes);
        (code, _, error) = CliRunner.Run(Demo());
        Assert.True(code == 0, error);
        Assert.Contains("lb.xpt has changed", error);
        Assert.NotEqual(bytes, File.ReadAllBytes(lb));
    }
}
