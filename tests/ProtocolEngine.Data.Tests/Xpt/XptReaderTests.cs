using ProtocolEngine.Data.Xpt;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Tests.Xpt;

public class XptReaderTests
{
    public static TheoryData<string> AllXptFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(TestData.Root, "*.xpt", SearchOption.AllDirectories).Order())
            data.Add(Path.GetRelativePath(TestData.Root, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(AllXptFiles))]
    public void EverySharedXptFile_Loads(string relative)
    {
        var tables = XptReader.Read(Path.Combine(TestData.Root, relative), TestData.ReadOptions(relative));
        var table = Assert.Single(tables);
        Assert.Equal(Path.GetFileNameWithoutExtension(relative).ToUpperInvariant(), table.Name);
        Assert.True(table.RowCount > 0);
        Assert.All(table.Columns, c => Assert.Equal(table.RowCount, c.Count));
    }

    [Fact]
    public void PilotDm_Has306Subjects_WithTypedValues()
    {
        var dm = XptReader.Read(Path.Combine(TestData.Pilot, "dm.xpt")).Single();
        Assert.Equal(306, dm.RowCount);
        var ids = (TextColumn)dm.GetColumn("USUBJID")!;
        Assert.Equal("01-701-1015", ids.GetString(0));
        Assert.Equal(306, ids.Dictionary.Count);
        var age = (NumberColumn)dm.GetColumn("AGE")!;
        Assert.Equal(63, age.GetDouble(0));
        var rfstdtc = (TextColumn)dm.GetColumn("RFSTDTC")!;
        Assert.Equal(ColumnKind.DateTime, rfstdtc.Kind);
        Assert.Equal(2014, rfstdtc.GetDateTime(0)!.Year);
        Assert.Equal("Age", age.Label);
    }

    [Fact]
    public void PilotAe_Has1191Records()
    {
        var ae = XptReader.Read(Path.Combine(TestData.Pilot, "ae.xpt")).Single();
        Assert.Equal(1191, ae.RowCount);
        var seq = (NumberColumn)ae.GetColumn("AESEQ")!;
        Assert.All(Enumerable.Range(0, ae.RowCount), r => Assert.NotNull(seq.GetDouble(r)));
    }

    [Fact]
    public void AdamDateFormats_AreRecognisedAsSasDates()
    {
        var adsl = XptReader.Read(Path.Combine(TestData.MsgAdam, "adsl.xpt")).Single();
        var trtsdt = (NumberColumn)adsl.GetColumn("TRTSDT")!;
        Assert.Equal("date", trtsdt.Metadata.DataType);
        Assert.Equal("integer", trtsdt.Metadata.TargetDataType);
        Assert.Equal("DATE9.", trtsdt.Metadata.DisplayFormat);
    }

    [Theory]
    [InlineData(1.0), InlineData(-2.5), InlineData(0.1), InlineData(3.9), InlineData(1e-70), InlineData(123456789.123456789),
     InlineData(double.Epsilon), InlineData(7.2e75), InlineData(-0.000123), InlineData(19358), InlineData(1.7976931348623157e-300)]
    public void IbmFloat_RoundTripsExactly(double value)
    {
        Span<byte> bytes = stackalloc byte[8];
        IbmFloat.Encode(value, bytes);
        double back = IbmFloat.Decode(bytes, out char missing);
        Assert.Equal('\0', missing);
        if (Math.Abs(value) < 5.4e-79) Assert.Equal(0.0, back); // below IBM's smallest magnitude
        else Assert.Equal(value, back);
    }

    [Fact]
    public void IbmFloat_KnownEncodings()
    {
        Span<byte> bytes = stackalloc byte[8];
        IbmFloat.Encode(1.0, bytes);
        Assert.Equal(new byte[] { 0x41, 0x10, 0, 0, 0, 0, 0, 0 }, bytes.ToArray());
        IbmFloat.Encode(-118.625, bytes);
        Assert.Equal(new byte[] { 0xC2, 0x76, 0xA0, 0, 0, 0, 0, 0 }, bytes.ToArray());
        Assert.Equal(-118.625, IbmFloat.Decode(new byte[] { 0xC2, 0x76, 0xA0 }, out _));
        foreach (var kind in "._ABZ")
        {
            IbmFloat.Encode(double.NaN, bytes, kind);
            Assert.True(double.IsNaN(IbmFloat.Decode(bytes, out char k)));
            Assert.Equal(kind, k);
        }
    }

    [Fact]
    public void TruncatedFile_NamesTheRecordAndByteOffset()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.Pilot, "dm.xpt"));
        var path = Path.Combine(TestData.NewTempFolder(), "dm.xpt");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2 + 7)]);
        var ex = Assert.Throws<DataFormatException>(() => XptReader.Read(path));
        Assert.Equal(path, ex.File);
        Assert.NotNull(ex.Record);
        Assert.NotNull(ex.ByteOffset);
        Assert.Contains("ends inside observation", ex.Message);

        File.WriteAllBytes(path, bytes[..700]);
        ex = Assert.Throws<DataFormatException>(() => XptReader.Read(path));
        Assert.Contains("variable descriptors", ex.Message);
        Assert.Equal(640, ex.ByteOffset);
    }

    [Fact]
    public void NotAnXptFile_IsRefusedAtByteZero()
    {
        var path = Path.Combine(TestData.NewTempFolder(), "x.xpt");
        File.WriteAllText(path, new string('x', 400));
        var ex = Assert.Throws<DataFormatException>(() => XptReader.Read(path));
        Assert.Equal(0, ex.ByteOffset);
    }
}
