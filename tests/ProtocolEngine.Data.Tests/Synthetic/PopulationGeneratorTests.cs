using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests.Synthetic;

public class PopulationGeneratorTests
{
    private static readonly DateTime _stamp = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    private static string Generate(int subjects, ulong seed, DataFileFormat format, int parallelism = 2, int blockSize = 128)
    {
        var folder = TestData.NewTempFolder();
        PopulationGenerator.Generate(folder, new SynthOptions { Subjects = subjects, Seed = seed, Format = format, Timestamp = _stamp, Parallelism = parallelism, BlockSize = blockSize });
        return folder;
    }

    [Fact]
    public void SameSeed_GivesByteIdenticalFiles_WhateverTheThreadsAndBlocks()
    {
        var a = Generate(300, 42, DataFileFormat.Xpt, parallelism: 1, blockSize: 1000);
        var b = Generate(300, 42, DataFileFormat.Xpt, parallelism: 3, blockSize: 17);
        var files = Directory.EnumerateFiles(a).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(11, files.Count);
        Assert.Equal(files, Directory.EnumerateFiles(b).Select(Path.GetFileName).Order());
        foreach (var f in files) Assert.True(File.ReadAllBytes(Path.Combine(a, f!)).SequenceEqual(File.ReadAllBytes(Path.Combine(b, f!))), f);
        var c = Generate(300, 43, DataFileFormat.Xpt);
        Assert.False(File.ReadAllBytes(Path.Combine(a, "lb.xpt")).SequenceEqual(File.ReadAllBytes(Path.Combine(c, "lb.xpt"))));
    }

    [Fact]
    public void EveryFormat_ReadsBackToTheSamePopulation()
    {
        var xpt = StudyLoader.ReadRaw(Generate(250, 9, DataFileFormat.Xpt));
        foreach (var format in new[] { DataFileFormat.Json, DataFileFormat.Ndjson, DataFileFormat.Csv })
        {
            var other = StudyLoader.ReadRaw(Generate(250, 9, format));
            Assert.Equal(xpt.Tables.Select(t => t.Name), other.Tables.Select(t => t.Name));
            for (int i = 0; i < xpt.Tables.Count; i++)
                TableAssert.Equal(xpt.Tables[i], other.Tables[i]);
        }
    }

    [Fact]
    public void SyntheticStudy_LoadsAsAConsistentSubjectView()
    {
        var study = StudyLoader.Load(Generate(400, 5, DataFileFormat.Xpt));
        var data = study.Data;
        Assert.Equal(400, data.SubjectCount);
        foreach (var name in new[] { "DM", "SV", "DS", "MH", "CM", "EX", "AE", "LB", "VS", "EG", "QS" })
        {
            var table = data.GetDomain(name);
            Assert.NotNull(table);
            Assert.Equal(0, table!.OrphanRows.Count);
            Assert.True(table.RowCount > 0, name);
        }
        // Every subject consented, and has screening labs with one baseline record per test.
        var ds = data.GetDomain("DS")!;
        var decod = (TextColumn)ds.GetColumn("DSDECOD")!;
        var lb = data.GetDomain("LB")!;
        var blfl = (TextColumn)lb.GetColumn("LBBLFL")!;
        var testcd = (TextColumn)lb.GetColumn("LBTESTCD")!;
        for (int s = 0; s < data.SubjectCount; s++)
        {
            var (start, count) = ds.RowsOf(s);
            Assert.Equal("INFORMED CONSENT OBTAINED", decod.GetString(start));
            var (ls, lc) = lb.RowsOf(s);
            var baselineTests = Enumerable.Range(ls, lc).Where(r => blfl.GetString(r) == "Y").Select(testcd.GetString).ToList();
            // 14 tests at every lab visit and 4 at screening only (folate, B12, TSH, RPR).
            Assert.Equal(18, baselineTests.Count);
            Assert.Equal(18, baselineTests.Distinct().Count());
        }
        Assert.Contains("HBA1C", testcd.Dictionary);
        Assert.Contains("EGFR", testcd.Dictionary);
        Assert.Contains("DONEPEZIL", ((TextColumn)data.GetDomain("CM")!.GetColumn("CMDECOD")!).Dictionary);
        Assert.Contains("N06DA02", ((TextColumn)data.GetDomain("CM")!.GetColumn("CMCLASCD")!).Dictionary);
        Assert.Contains("MMSETOT", ((TextColumn)data.GetDomain("QS")!.GetColumn("QSTESTCD")!).Dictionary);
    }

    [Fact]
    public void Distributions_AreRealistic()
    {
        var study = StudyLoader.Load(Generate(3000, 11, DataFileFormat.Csv));
        var dm = study.Data.GetDomain("DM")!;
        var age = (NumberColumn)dm.GetColumn("AGE")!;
        var ages = Enumerable.Range(0, dm.RowCount).Select(age.GetDouble).OfType<double>().ToList();
        Assert.InRange(ages.Average(), 59, 65);
        Assert.InRange(dm.RowCount - ages.Count, 5, 80); // about 1% missing
        Assert.InRange(ages.Min(), 18, 30);
        var sex = (TextColumn)dm.GetColumn("SEX")!;
        double female = Enumerable.Range(0, dm.RowCount).Count(r => sex.GetString(r) == "F") / (double)dm.RowCount;
        Assert.InRange(female, 0.48, 0.56);
        var arm = (TextColumn)dm.GetColumn("ARMCD")!;
        double screenFail = Enumerable.Range(0, dm.RowCount).Count(r => arm.GetString(r) == "Scrnfail") / (double)dm.RowCount;
        Assert.InRange(screenFail, 0.17, 0.23);
        var brth = (TextColumn)dm.GetColumn("BRTHDTC")!;
        Assert.Contains(Enumerable.Range(0, dm.RowCount), r => brth.GetString(r) is { Length: 7 }); // partial dates occur

        var ae = study.Data.GetDomain("AE")!;
        var ser = (TextColumn)ae.GetColumn("AESER")!;
        double serious = Enumerable.Range(0, ae.RowCount).Count(r => ser.GetString(r) == "Y") / (double)ae.RowCount;
        Assert.InRange(serious, 0.015, 0.06);
        var mh = (TextColumn)study.Data.GetDomain("MH")!.GetColumn("MHDECOD")!;
        Assert.Contains("Postmenopausal", mh.Dictionary);
        Assert.Contains("Myocardial infarction", mh.Dictionary);
    }
}
