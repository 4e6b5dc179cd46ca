using DuckDB.NET.Data;
using ProtocolEngine.Data;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Data.Synthetic;
using ProtocolEngine.Data.Writing;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Screening;
using ProtocolEngine.Sql.Backends;
using ProtocolEngine.Sql.Tests.Support;

namespace ProtocolEngine.Sql.Tests;

/// <summary>
/// DuckDB over Parquet files in place (<see cref="DuckDbParquet"/>): every shipped protocol over the pilot, the MSG study
/// and synthetic subjects converted to Parquet decides, outcome by outcome, what DuckDB over the appended study and the
/// native screener decide; hostile folders are clear errors naming the file.
/// </summary>
public sealed class ParquetTests
{
    private static readonly CqlDateTime AsOf = EligibilityEvaluator.AsOfDate(new DateTime(2024, 6, 1));
    private static readonly Dictionary<string, string> Folders = [];

    public static readonly string[] StudyNames = ["pilot-xpt", "pilot-csv", "msg", "synthetic"];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var protocol in Studies.ShippedProtocols())
            foreach (var study in StudyNames)
                data.Add(protocol, study);
        return data;
    }

    /// <summary>The study converted to Parquet by the converter <c>protocol data convert --to parquet</c> runs, once per run.</summary>
    private static string Parquet(string name)
    {
        lock (Folders)
        {
            if (Folders.TryGetValue(name, out var folder)) return folder;
            var pilot = new StudyLoadOptions { Encoding = ProtocolEngine.Data.Text.TextEncodings.Parse("windows-1252") };
            folder = Directory.CreateTempSubdirectory("pe-sql-parquet-").FullName;
            switch (name)
            {
                case "pilot-xpt": StudyConverter.Convert(Path.Combine(Studies.Data, "sdtm", "cdiscpilot01"), DataFileFormat.Parquet, folder, pilot); break;
                case "pilot-csv": StudyConverter.Convert(Path.Combine(Studies.Data, "sdtm", "cdiscpilot01-pharmaverse"), DataFileFormat.Parquet, folder, pilot); break;
                case "msg": StudyConverter.Convert(Path.Combine(Studies.Data, "datasetjson", "msg", "sdtm"), DataFileFormat.Parquet, folder); break;
                default:
                    var xpt = Directory.CreateTempSubdirectory("pe-sql-parquet-synth-").FullName;
                    PopulationGenerator.Generate(xpt, new SynthOptions { Subjects = 10_000, Seed = 19, Parallelism = 1 });
                    StudyConverter.Convert(xpt, DataFileFormat.Parquet, folder);
                    Directory.Delete(xpt, recursive: true);
                    break;
            }
            return Folders[name] = folder;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DuckDb_over_Parquet_decides_as_DuckDb_appended_and_native(string protocolPath, string studyName)
    {
        var protocol = Studies.Compile(protocolPath);
        if (protocol.Criteria.IsEmpty) return; // DifferentialTests asserts the refusal
        var folder = Parquet(studyName);
        var study = StudyLoader.Load(folder).Data;
        var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 });
        var appended = DuckDbBackend.Screen(protocol, study);
        using (var connection = new DuckDBConnection("Data Source=:memory:"))
        {
            connection.Open();
            if (ParquetTables.Open(connection, folder, protocol.DataModel ?? ProtocolEngine.Language.DataModel.SdtmModel.Sdtmig34).WhyNotInPlace(protocol) is { } why)
            {
                // Refused only when the query reads what the loader merges in: then the appended study is the way.
                Assert.True(why.Contains("supplemental qualifier", StringComparison.Ordinal) || why.Contains("split datasets", StringComparison.Ordinal), why);
                var refused = Assert.Throws<NotSupportedException>(() => DuckDbParquet.Screen(protocol, folder, out _));
                Assert.Contains(folder, refused.Message, StringComparison.Ordinal);
                DifferentialTests.Compare(native, appended);
                return;
            }
        }
        var inPlace = DuckDbParquet.Screen(protocol, folder, out _);
        Assert.Equal(appended.Query.Text, inPlace.Query.Text);
        DifferentialTests.Compare(native, appended);
        DifferentialTests.Compare(native, inPlace);
    }

    [Fact]
    public void The_pilot_protocol_runs_in_place_over_the_converted_pilot()
    {
        // The case that matters most must not pass by refusal.
        var protocol = Studies.Compile("cdiscpilot01.protocol");
        var folder = Parquet("pilot-xpt");
        var outcomes = DuckDbParquet.Screen(protocol, folder, out _);
        Assert.Equal(306, outcomes.SubjectIds.Count);
    }

    [Fact]
    public void Values_that_take_the_slow_paths_convert_as_the_loader_converts()
    {
        // Numbers beyond 15 significant digits or with exponents, dates with offsets, seconds, partial and malformed dates,
        // empty strings: what the fast SQL paths do not take goes through the loader's own conversions.
        var folder = Directory.CreateTempSubdirectory("pe-sql-parquet-odd-").FullName;
        try
        {
            using (var c = new DuckDBConnection("Data Source=:memory:"))
            {
                c.Open();
                Exec(c, $"COPY (SELECT * FROM (VALUES ('S1', 'F', '1950-02-03'), ('S2', '', '1950-02'), ('S3', 'M', '1950-02-30'), ('S4', 'M', '1950')) t(USUBJID, SEX, BRTHDTC)) TO '{folder}/dm.parquet' (FORMAT parquet)");
                Exec(c, $"COPY (SELECT USUBJID, CAST(LBSEQ AS DOUBLE) AS LBSEQ, CAST(LBSTRESN AS DOUBLE) AS LBSTRESN, LBDTC, LBTESTCD FROM (VALUES " +
                        "('S1', 1.0, 12345.678, '2014-01-02T10:30+01:00', 'HGB'), ('S1', 2.0, 0.30000000000000004, '2014-01-02T10:30:15', 'HGB'), ('S1', NULL, 1.5e-13, '2014-01-02T10:30:15.5', 'HGB'), " +
                        "('S2', 3.0, 1e20, '2014-1-2', 'ALT'), ('S2', 3.0, 123456789012.345678, '', 'ALT'), ('S3', 4.0, -0.0, '2014-02-29', ''), ('S3', 5.0, CAST('NaN' AS DOUBLE), '2016-02-29T24:00', 'HGB')" +
                        $") t(USUBJID, LBSEQ, LBSTRESN, LBDTC, LBTESTCD)) TO '{folder}/lb.parquet' (FORMAT parquet)");
            }
            var study = StudyLoader.Load(folder, new StudyLoadOptions { AllowMalformedDates = true }).Data;
            using var appended = new DuckDBConnection("Data Source=:memory:");
            appended.Open();
            DuckDbBackend.Load(appended, study, ProtocolEngine.Language.DataModel.SdtmModel.Sdtmig34);
            using var inPlace = new DuckDBConnection("Data Source=:memory:");
            inPlace.Open();
            ParquetTables.Open(inPlace, folder, ProtocolEngine.Language.DataModel.SdtmModel.Sdtmig34, allowMalformedDates: true);
            foreach (var (table, columns) in new[] { ("DM", "USUBJID, SEX, BRTHDTC"), ("LB", "USUBJID, LBSEQ, LBSTRESN, LBDTC, LBTESTCD") })
            {
                // Rows compared by subject and the order the engine gives them (PE_ROW within a subject).
                string order = table == "DM" ? "ORDER BY USUBJID" : "ORDER BY USUBJID, PE_ROW";
                string rank = table == "DM" ? "" : ", row_number() OVER (PARTITION BY USUBJID ORDER BY PE_ROW) AS K";
                var expected = Rows(appended, $"SELECT {columns}{rank} FROM {table} {order}");
                var actual = Rows(inPlace, $"SELECT {columns}{rank} FROM {ParquetTables.ViewPrefix}{table} {order}");
                Assert.Equal(expected, actual);
            }
            Assert.Equal(Rows(appended, "SELECT USUBJID, PE_ROW FROM PE_SUBJECT ORDER BY PE_ROW"), Rows(inPlace, $"SELECT USUBJID, PE_ROW FROM {ParquetTables.ViewPrefix}PE_SUBJECT ORDER BY PE_ROW"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_domain_the_folder_lacks_is_unknown_as_natively()
    {
        var protocol = Studies.Compile("cdiscpilot01.protocol");
        var folder = Copy(Parquet("synthetic"), except: "lb.parquet");
        try
        {
            var study = StudyLoader.Load(folder).Data;
            var native = Screener.Screen(protocol, study, new ScreeningOptions { AsOf = AsOf, RecordEvidence = false, MaxDegreeOfParallelism = 1 });
            var inPlace = DuckDbParquet.Screen(protocol, folder, out _);
            DifferentialTests.Compare(native, inPlace);
            Assert.Contains(inPlace.Query.Criteria, c => c.IsPushedDown && Enumerable.Range(0, inPlace.SubjectIds.Count).Any(i => inPlace.Outcome(i, c.Index) == CriterionOutcome.Unknown));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Hostile_folders_are_clear_errors_naming_the_file()
    {
        var protocol = Studies.Compile("cdiscpilot01.protocol");
        var source = Parquet("synthetic");

        var missing = Path.Combine(Path.GetTempPath(), "pe-no-such-folder-" + Guid.NewGuid().ToString("N"));
        Assert.Contains(missing, Assert.Throws<InvalidDataException>(() => DuckDbParquet.Screen(protocol, missing, out _)).Message, StringComparison.Ordinal);

        var folder = Copy(source, except: "dm.parquet");
        try
        {
            Assert.Contains("no DM dataset", Assert.Throws<InvalidDataException>(() => DuckDbParquet.Screen(protocol, folder, out _)).Message, StringComparison.Ordinal);

            // A file that is not Parquet at all.
            File.Copy(Path.Combine(source, "dm.parquet"), Path.Combine(folder, "dm.parquet"));
            var corrupt = Path.Combine(folder, "mh.parquet");
            File.WriteAllText(corrupt, "not a parquet file");
            Assert.Contains(corrupt, Assert.Throws<InvalidDataException>(() => DuckDbParquet.Screen(protocol, folder, out _)).Message, StringComparison.Ordinal);

            // Truncated: the footer is gone.
            var bytes = File.ReadAllBytes(Path.Combine(source, "mh.parquet"));
            File.WriteAllBytes(corrupt, bytes[..(bytes.Length / 2)]);
            Assert.Contains(corrupt, Assert.Throws<InvalidDataException>(() => DuckDbParquet.Screen(protocol, folder, out _)).Message, StringComparison.Ordinal);

            // A column of a type the loader does not read (a Boolean, a date).
            using (var c = new DuckDBConnection("Data Source=:memory:"))
            {
                c.Open();
                Exec(c, $"COPY (SELECT 'S1' AS USUBJID, true AS MHOCCUR) TO '{corrupt}' (FORMAT parquet)");
            }
            var wrongType = Assert.Throws<InvalidDataException>(() => DuckDbParquet.Screen(protocol, folder, out _));
            Assert.Contains(corrupt, wrongType.Message, StringComparison.Ordinal);
            Assert.Contains("MHOCCUR", wrongType.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("dm", "SELECT * FROM (VALUES ('S1', 'F'), ('', 'M')) t(USUBJID, SEX)", "record 2", "USUBJID is empty")]
    [InlineData("dm", "SELECT * FROM (VALUES ('S1', 'F'), ('S2', 'M'), (chr(9) || chr(160) || chr(12288), 'M')) t(USUBJID, SEX)", "record 3", "USUBJID is empty")]
    [InlineData("dm", "SELECT * FROM (VALUES ('S1', 'F'), ('S2', 'M'), ('S1', 'M')) t(USUBJID, SEX)", "record 3", "also on an earlier record")]
    [InlineData("lb", "SELECT * FROM (VALUES ('S1', 'HGB', '2014-01-02'), ('S1', 'HGB', '2014-13-45')) t(USUBJID, LBTESTCD, LBDTC)", "record 2", "LBDTC is not an ISO 8601")]
    [InlineData("lb", "SELECT * FROM (VALUES ('S1', 'HGB', '2014-01-02'), (NULL, 'HGB', '2014-01-03')) t(USUBJID, LBTESTCD, LBDTC)", "record 2", "USUBJID is empty")]
    public void What_the_loader_refuses_reading_in_place_refuses(string dataset, string records, string record, string problem)
    {
        // Reading in place must never answer where loading the same files stops: a DM record without USUBJID would be a
        // subject silently not screened.
        var folder = Directory.CreateTempSubdirectory("pe-sql-parquet-refused-").FullName;
        try
        {
            using (var c = new DuckDBConnection("Data Source=:memory:"))
            {
                c.Open();
                if (dataset != "dm") Exec(c, $"COPY (SELECT * FROM (VALUES ('S1', 'F')) t(USUBJID, SEX)) TO '{folder}/dm.parquet' (FORMAT parquet)");
                Exec(c, $"COPY ({records}) TO '{folder}/{dataset}.parquet' (FORMAT parquet)");
            }
            var file = Path.Combine(folder, dataset + ".parquet");
            Assert.Throws<DataFormatException>(() => StudyLoader.Load(folder));
            using var inPlace = new DuckDBConnection("Data Source=:memory:");
            inPlace.Open();
            var refused = Assert.Throws<InvalidDataException>(() => ParquetTables.Open(inPlace, folder, ProtocolEngine.Language.DataModel.SdtmModel.Sdtmig34));
            Assert.Contains(file, refused.Message, StringComparison.Ordinal);
            Assert.Contains(record, refused.Message, StringComparison.Ordinal);
            Assert.Contains(problem, refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Copy(string source, string except)
    {
        var folder = Directory.CreateTempSubdirectory("pe-sql-parquet-copy-").FullName;
        foreach (var file in Directory.GetFiles(source).Where(f => Path.GetFileName(f) != except))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }

    private static void Exec(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> Rows(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }
}
