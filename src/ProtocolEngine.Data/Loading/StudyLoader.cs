using System.Collections.Concurrent;
using ProtocolEngine.Data.Csv;
using ProtocolEngine.Data.DatasetJson;
using ProtocolEngine.Data.Define;
using ProtocolEngine.Data.Xpt;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Loading;

/// <summary>The datasets of a study as read, in file order, before supplemental qualifiers are merged and rows indexed by subject.</summary>
/// <param name="Tables">The datasets, ordered by name.</param>
/// <param name="Model">The model refined by define.xml.</param>
/// <param name="Define">The define.xml found, if any.</param>
/// <param name="Sources">Which file each dataset came from.</param>
/// <param name="Notes">What the loader chose or noticed.</param>
internal sealed record RawStudy(IReadOnlyList<DomainTable> Tables, SdtmModel Model, DefineDocument? Define, IReadOnlyList<DatasetSource> Sources, IReadOnlyList<LoadNote> Notes);

/// <summary>
/// Loads a study from a folder or a file: .xpt, .json, .ndjson and .csv datasets (by extension), with the
/// folder's define.xml when present. When a folder holds one dataset in several formats, one is chosen in
/// the order of <see cref="DataFileFormats.Preference"/> and the others are reported as ignored. A load is
/// all or nothing: the first bad file, value or date fails it with a <see cref="DataFormatException"/>.
/// </summary>
public static class StudyLoader
{
    /// <summary>
    /// Loads a study: reads, validates, checks what rules need to give right answers (a DM with one record per
    /// subject, USUBJID and the key variables on every subject-level dataset), merges SUPP-- datasets and builds
    /// the per-subject view.
    /// </summary>
    /// <exception cref="DataFormatException">A file is unreadable or holds bad data; nothing is loaded.</exception>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    public static LoadedStudy Load(string path, StudyLoadOptions? options = null)
    {
        options ??= new StudyLoadOptions();
        var raw = ReadRaw(path, options);
        var notes = raw.Notes.ToList();
        SubjectRequirements.Check(raw, path, options, notes);
        var tables = raw.Tables.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        var model = raw.Model;

        if (options.MergeSupplementalQualifiers)
        {
            var addedByDomain = new Dictionary<string, List<VariableSchema>>(StringComparer.OrdinalIgnoreCase);
            foreach (var supp in raw.Tables.Where(t => t.Name.StartsWith("SUPP", StringComparison.OrdinalIgnoreCase) && t.Name.Length > 4))
            {
                var parentName = supp.Name[4..];
                if (!tables.TryGetValue(parentName, out var parent))
                {
                    notes.Add(new(supp.Name, $"{supp.Name} was not merged: the study has no {parentName} dataset."));
                    continue;
                }
                var added = new List<VariableSchema>();
                tables[parentName] = SuppQualMerger.Merge(parent, supp, SourceOf(raw, supp.Name), notes, added);
                if (!addedByDomain.TryGetValue(parentName, out var list)) addedByDomain[parentName] = list = [];
                list.AddRange(added);
            }
            if (addedByDomain.Count > 0)
            {
                var refinements = addedByDomain.Select(kv => (model.FindDomain(kv.Key) ?? new DomainSchema(kv.Key, kv.Key, DomainClass.Findings, DomainStructure.ManyPerSubject, [])) with { Variables = kv.Value });
                model = model.Refine(refinements);
            }
        }

        // Split datasets (QSPH, QSSL with DOMAIN = QS) are joined into their domain; the parts stay available by their own names.
        foreach (var group in raw.Tables.Select(t => (Table: tables[t.Name], Domain: SplitDatasetMerger.SplitOf(tables[t.Name])))
                     .Where(x => x.Domain is not null).GroupBy(x => x.Domain!, StringComparer.OrdinalIgnoreCase))
        {
            var parts = group.Select(x => x.Table).ToList();
            if (tables.TryGetValue(group.Key, out var existing)) parts.Insert(0, existing);
            tables[group.Key] = SplitDatasetMerger.Concatenate(group.Key, parts);
            notes.Add(new(group.Key, $"Split datasets {string.Join(", ", group.Select(x => x.Table.Name))} joined into {group.Key} ({tables[group.Key].RowCount} records)."));
        }

        var builder = new StudyDataBuilder { Source = Path.GetFullPath(path) };
        foreach (var t in raw.Tables) builder.Add(tables[t.Name]);
        foreach (var name in tables.Keys.Where(k => !raw.Tables.Any(t => string.Equals(t.Name, k, StringComparison.OrdinalIgnoreCase))))
            builder.Add(tables[name]);
        var data = builder.Build();
        return new LoadedStudy(data, model, raw.Define, raw.Sources, notes);
    }

    /// <summary>Reads and validates every dataset of a folder or file, without merging or indexing (what conversion needs).</summary>
    /// <exception cref="DataFormatException">A file is unreadable or holds bad data.</exception>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    internal static RawStudy ReadRaw(string path, StudyLoadOptions? options = null)
    {
        options ??= new StudyLoadOptions();
        var (files, definePath, sources, notes) = Plan(path);
        DefineDocument? define = definePath is null ? null : DefineXmlReader.Read(definePath);
        var model = define is null ? options.Model : options.Model.Refine(define.ToDomainSchemas());
        if (define is not null) notes.Add(new(null, $"define.xml read: {define.Datasets.Count} dataset(s) describe the study's variables and types."));
        var readOptions = new DatasetReadOptions { Model = model, Define = define, Pool = new StringPool(), Encoding = options.Encoding };

        // FHIR bundles are mapped together onto SDTM datasets (one patient may span several bundles).
        var fhirFiles = files.Where(f => f.Format == DataFileFormat.Fhir).Select(f => f.Path).ToList();
        files = [.. files.Where(f => f.Format != DataFileFormat.Fhir)];
        var results = new ConcurrentBag<(int Index, IReadOnlyList<DomainTable> Tables)>();
        int done = 0;
        // Parquet files are read together, a column at a time across all of them (ParquetDatasetReader.ReadMany): the
        // threads share one queue of columns instead of nesting a loop over a file's columns in a loop over files.
        var parquet = files.Select((f, i) => (f, i)).Where(x => x.f.Format == DataFileFormat.Parquet).ToList();
        if (parquet.Count > 0)
        {
            var read = Parquet.ParquetDatasetReader.ReadMany([.. parquet.Select(x => x.f.Path)], readOptions, Math.Max(1, options.MaxParallelism),
                k => options.Progress?.Report((Interlocked.Increment(ref done), files.Count, parquet[k].f.Path)));
            for (int k = 0; k < read.Length; k++) results.Add((parquet[k].i, [read[k]]));
        }
        try
        {
            Parallel.ForEach(files.Select((f, i) => (f, i)).Where(x => x.f.Format != DataFileFormat.Parquet), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxParallelism) }, item =>
            {
                results.Add((item.i, ReadFile(item.f.Path, item.f.Format, readOptions)));
                options.Progress?.Report((Interlocked.Increment(ref done), files.Count, item.f.Path));
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Any(e => e is DataFormatException or IOException or UnauthorizedAccessException))
        {
            // Report the first failing file in plan order, so the message does not depend on thread timing.
            throw ex.InnerExceptions.First(e => e is DataFormatException or IOException or UnauthorizedAccessException);
        }

        var tables = new List<DomainTable>();
        var datasetFiles = new Dictionary<string, (string File, DataFileFormat Format)>(StringComparer.OrdinalIgnoreCase);
        if (fhirFiles.Count > 0)
        {
            var fhir = Fhir.FhirImporter.Import(fhirFiles.Select(f => (f, File.ReadAllText(f))), new Fhir.FhirImportOptions { ReferenceDate = options.ReferenceDate });
            var label = fhirFiles.Count == 1 ? fhirFiles[0] : $"{fhirFiles.Count} FHIR bundles in {Path.GetDirectoryName(fhirFiles[0])}";
            foreach (var t in fhir.Tables.Where(t => t.RowCount > 0))
            {
                tables.Add(t);
                datasetFiles[t.Name] = (label, DataFileFormat.Fhir);
            }
            notes.Add(new(null, $"FHIR mapped: {string.Join(", ", fhir.Mapped.Where(m => m.Value > 0).Select(m => $"{m.Key} {m.Value}"))}" +
                (fhir.Unmapped.Count > 0 ? $"; not mapped: {string.Join(", ", fhir.Unmapped.Select(u => $"{u.Value} {u.Key}"))}" : "") + "."));
            // Every issue, however many: what was not mapped is part of the data a person must be able to check.
            foreach (var issue in fhir.Issues) notes.Add(new(null, $"{Path.GetFileName(issue.File)} {issue.Resource}: {issue.Message}."));
        }
        foreach (var (index, read) in results.OrderBy(r => r.Index))
        {
            var file = files[index];
            foreach (var table in read)
            {
                if (datasetFiles.TryGetValue(table.Name, out var other))
                    throw new DataFormatException(file.Path, $"dataset {table.Name} is also in {other.File}", "each dataset in one file only");
                datasetFiles[table.Name] = (file.Path, file.Format);
                tables.Add(table);
            }
        }
        var allSources = datasetFiles.Select(kv => new DatasetSource(kv.Key, kv.Value.File, kv.Value.Format,
                sources.TryGetValue(kv.Value.File, out var ignored) ? ignored : [])).OrderBy(s => s.Dataset, StringComparer.Ordinal).ToList();
        foreach (var s in allSources.Where(s => s.Ignored.Count > 0))
            notes.Add(new(s.Dataset, $"{s.Dataset} read from {Path.GetFileName(s.File)}; also present and not read: {string.Join(", ", s.Ignored.Select(Path.GetFileName))}."));

        foreach (var table in tables) Validate(table, datasetFiles[table.Name], model, options, notes);
        var labelled = tables.Select(t => WithLabels(t, define, model)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        return new RawStudy(labelled, model, define, allSources, notes);
    }

    /// <summary>Reads one file in a given format (XPT files may hold several datasets).</summary>
    /// <exception cref="DataFormatException">The file is not valid in that format.</exception>
    public static IReadOnlyList<DomainTable> ReadFile(string path, DataFileFormat format, DatasetReadOptions? options = null) => format switch
    {
        DataFileFormat.Xpt => XptReader.Read(path, options),
        DataFileFormat.Json or DataFileFormat.Ndjson => [DatasetJsonReader.Read(path, options)],
        DataFileFormat.Fhir => Fhir.FhirImporter.Import(path).Tables,
        DataFileFormat.Parquet => [Parquet.ParquetDatasetReader.Read(path, options)],
        _ => [CsvDatasetReader.Read(path, options)],
    };

    private static (List<(string Path, DataFileFormat Format)> Files, string? Define, Dictionary<string, IReadOnlyList<string>> Ignored, List<LoadNote> Notes) Plan(string path)
    {
        var notes = new List<LoadNote>();
        var ignored = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            RequireRegularFile(path);
            var format = DataFileFormats.FromPath(path)
                ?? throw new DataFormatException(path, "the file extension is not a dataset format", ".xpt, .json, .ndjson, .parquet or .csv");
            if (DataFileFormats.IsFhirJson(path)) format = DataFileFormat.Fhir;
            var folderDefine = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "define.xml");
            return ([(path, format)], File.Exists(folderDefine) ? folderDefine : null, ignored, notes);
        }
        if (!Directory.Exists(path)) throw new FileNotFoundException($"No such file or folder: {path}", path);

        var candidates = Directory.EnumerateFiles(path)
            .Select(f => (Path: f, Format: DataFileFormats.FromPath(f)))
            .Where(f => f.Format is not null)
            .Select(f => { RequireRegularFile(f.Path); return f; })
            .Select(f => (f.Path, Format: f.Format == DataFileFormat.Json && DataFileFormats.IsFhirJson(f.Path) ? DataFileFormat.Fhir : f.Format!.Value))
            .ToList();
        if (candidates.Count == 0)
            throw new DataFormatException(path, "the folder holds no dataset file", ".xpt, .json, .ndjson, .parquet or .csv files");
        var files = candidates.Where(f => f.Format == DataFileFormat.Fhir).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        candidates = [.. candidates.Where(f => f.Format != DataFileFormat.Fhir)];
        foreach (var group in candidates.GroupBy(f => Path.GetFileNameWithoutExtension(f.Path).ToUpperInvariant()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(f => DataFileFormats.Preference.ToList().IndexOf(f.Format)).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
            files.Add(ordered[0]);
            ignored[ordered[0].Path] = [.. ordered.Skip(1).Select(f => f.Path)];
        }
        var define = Directory.EnumerateFiles(path).FirstOrDefault(f => string.Equals(Path.GetFileName(f), "define.xml", StringComparison.OrdinalIgnoreCase));
        return (files, define, ignored, notes);
    }

    // A named pipe or device would block the read forever or stream without end; a dangling link reads as nothing.
    private static void RequireRegularFile(string path)
    {
        var kind = Runtime.Hosting.OutputFiles.KindOfTarget(path);
        if (kind != Runtime.Hosting.PathKind.File)
            throw new DataFormatException(path, $"it is {Runtime.Hosting.OutputFiles.Describe(kind)}, not a file that can be read", "a regular dataset file");
    }

    private static void Validate(DomainTable table, (string File, DataFileFormat Format) source, SdtmModel model, StudyLoadOptions options, List<LoadNote> notes)
    {
        // Text formats count lines: the header (CSV) or metadata line (NDJSON) comes first.
        long Record(int row) => source.Format is DataFileFormat.Csv or DataFileFormat.Ndjson ? row + 2 : row + 1;

        bool isSupp = table.Name.StartsWith("SUPP", StringComparison.OrdinalIgnoreCase) && table.Name.Length > 4;
        if (model.FindDomain(table.Name) is null && !isSupp)
        {
            if (options.RequireKnownDomains)
                throw new DataFormatException(source.File, $"dataset {table.Name} is not an SDTMIG 3.4 domain and define.xml does not describe it",
                    "a known domain (or a define.xml that describes the dataset)");
            notes.Add(new(table.Name, $"{table.Name} is not an SDTMIG 3.4 domain and no define.xml describes it; its variables are read as the file types them."));
        }

        // Each check looks at the distinct values first and reads the rows only when one of them is wrong.
        if (table.GetColumn("DOMAIN") is TextColumn domain
            && domain.Dictionary.Any(value => !table.Name.StartsWith(value, StringComparison.OrdinalIgnoreCase) || value.Length < 2))
        {
            for (int r = 0; r < table.RowCount; r++)
            {
                var value = domain.GetString(r);
                if (value is null) continue;
                if (!table.Name.StartsWith(value, StringComparison.OrdinalIgnoreCase) || value.Length < 2)
                    throw new DataFormatException(source.File, $"DOMAIN is '{value}' in dataset {table.Name}",
                        $"DOMAIN {(table.Name.Length >= 2 ? table.Name[..2] : table.Name)}", record: Record(r), variable: "DOMAIN");
            }
        }
        if (isSupp && table.GetColumn("RDOMAIN") is TextColumn rdomain && rdomain.Dictionary.Any(value => !table.Name[4..].StartsWith(value, StringComparison.OrdinalIgnoreCase)))
        {
            var parent = table.Name[4..];
            for (int r = 0; r < table.RowCount; r++)
                if (rdomain.GetString(r) is { } value && !parent.StartsWith(value, StringComparison.OrdinalIgnoreCase))
                    throw new DataFormatException(source.File, $"RDOMAIN is '{value}' in {table.Name}", $"RDOMAIN {parent}", record: Record(r), variable: "RDOMAIN");
        }

        foreach (var column in table.Columns.OfType<TextColumn>().Where(c => c.Kind == ColumnKind.DateTime && c.HasMalformedDateTime))
        {
            int malformed = 0, first = -1;
            for (int r = 0; r < table.RowCount; r++)
                if (column.IsMalformedDateTime(r))
                {
                    malformed++;
                    if (first < 0) first = r;
                }
            if (malformed == 0) continue;
            if (!options.AllowMalformedDates)
                throw new DataFormatException(source.File, $"'{column.GetString(first)}' is not an ISO 8601 date/time",
                    "an ISO 8601 value such as 2014-03-17, 2014-03 or 2014-03-17T10:30 (SDTM partial dates allowed)", record: Record(first), variable: column.Name);
            notes.Add(new(table.Name, $"{table.Name}.{column.Name}: {malformed} value(s) are not ISO 8601 dates (first at record {Record(first)}: '{column.GetString(first)}'); they read as unknown."));
        }
    }

    // Files without labels (many XPT files leave them blank) take them from define.xml, else from the model.
    private static DomainTable WithLabels(DomainTable table, DefineDocument? define, SdtmModel model)
    {
        var defined = define?.FindDataset(table.Name);
        var schema = model.FindDomain(table.Name);
        var label = table.Label ?? defined?.Label ?? (string.IsNullOrEmpty(schema?.Label) ? null : schema.Label);
        bool changed = label != table.Label;
        var columns = new List<Column>(table.Columns.Count);
        foreach (var c in table.Columns)
        {
            if (c.Label is null && (defined?.FindVariable(c.Name)?.Label ?? schema?.FindVariable(c.Name)?.Label) is { Length: > 0 } l)
            {
                columns.Add(c.WithMetadata(c.Metadata with { Label = l }));
                changed = true;
            }
            else columns.Add(c);
        }
        return changed ? new DomainTable(table.Name, label, columns, null, table.Metadata) : table;
    }

    private static string SourceOf(RawStudy raw, string dataset) => raw.Sources.FirstOrDefault(s => s.Dataset == dataset)?.File ?? dataset;
}
