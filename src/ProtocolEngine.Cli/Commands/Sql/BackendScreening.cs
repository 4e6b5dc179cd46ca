using System.Text;
using System.Text.Json;
using ProtocolEngine.Cli.Commands.Data;
using ProtocolEngine.Cli.Commands.Screening;
using ProtocolEngine.Runtime.Eligibility;
using ProtocolEngine.Screening;
using ProtocolEngine.Screening.Reports;
using ProtocolEngine.Data.Loading;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Runtime.Values;
using ProtocolEngine.Sql;
using ProtocolEngine.Sql.Backends;

namespace ProtocolEngine.Cli.Commands.Sql;

/// <summary><c>protocol screen --backend duckdb|postgres|clickhouse|auto</c>: the population screened by a database, with the criteria it cannot decide run natively under auto.</summary>
internal static class BackendScreening
{
    public static int Run(ScreenSettings settings, CliConsole console, CancellationToken cancellationToken)
    {
        // Evidence from a database only when asked for (--evidence full): the query stays as fast without it.
        var result = Screen(settings, settings.Backend, settings.Evidence == "full", null, settings.Threads, console, cancellationToken);
        if (settings.Format == OutputFormats.Json) WriteJson(console, result);
        else WriteText(console, result);
        return CliApp.Success;
    }

    /// <summary>
    /// Screens in the database <paramref name="settings"/> name (or embedded DuckDB), the criteria it cannot decide
    /// natively under auto; only <paramref name="subjects"/> when given. With <paramref name="onlyCriterion"/> (explain
    /// --criterion) the database must decide that criterion, and the others it cannot decide run natively as under auto
    /// (the subject's status needs them), warned about only for that criterion.
    /// </summary>
    internal static BackendScreeningResult Screen(DatabaseSettings settings, string backendChoice, bool evidence, IReadOnlyList<string>? subjects, int? threads, CliConsole console, CancellationToken cancellationToken, string? onlyCriterion = null)
    {
        bool postgres = backendChoice == "postgres" || backendChoice == "auto" && settings.NamesPostgres;
        bool clickhouse = backendChoice == "clickhouse" || backendChoice == "auto" && settings.NamesClickHouse;
        string backend = postgres ? "postgres" : clickhouse ? "clickhouse" : "duckdb";
        var queryOptions = new SqlQueryOptions { Phase = settings.Phase, Schema = settings.Schema, Evidence = evidence, Subjects = subjects };
        CqlDateTime asOf;
        CompiledProtocol protocol;
        LoadedStudy? study = null;
        // A folder of Parquet datasets is read by DuckDB in place: the study is loaded into .NET only if criteria stay native.
        bool inPlace = !postgres && !clickhouse && IsParquetFolder(settings.Data);
        if (string.IsNullOrWhiteSpace(settings.Data) || inPlace)
        {
            asOf = ScreeningCommandSupport.AsOf(settings.AsOf);
            protocol = ScreeningCommandSupport.Compile(settings.Protocol, console);
        }
        else (protocol, asOf, study) = ScreeningCommandSupport.Prepare(settings, console);

        SqlScreeningOutcomes sql;
        try
        {
            if (postgres)
            {
                using var connection = SqlBackendSupport.OpenPostgres(settings.Pg, settings.PgEnv, settings.PgFile, console);
                sql = console.Progress($"Screening in PostgreSQL with {protocol.Name}", _ => PostgresBackend.Screen(connection, protocol, queryOptions));
            }
            else if (clickhouse)
            {
                using var cluster = SqlBackendSupport.OpenClickHouse(settings.Ch, settings.ChEnv, settings.ChFile, console);
                sql = console.Progress($"Screening on the ClickHouse cluster ({cluster.Shards.Count} shards) with {protocol.Name}", _ => ClickHouseBackend.Screen(cluster, protocol, queryOptions));
            }
            else if (inPlace)
            {
                try
                {
                    sql = console.Progress($"Screening the Parquet files of {settings.Data} in DuckDB with {protocol.Name}", report => DuckDbParquet.Screen(protocol, settings.Data!, out var opened, queryOptions));
                }
                catch (NotSupportedException ex)
                {
                    // Exact first: what the loader would merge in (SUPP--, split datasets) is read through the loaded study.
                    console.Status.MarkupLineInterpolated($"[yellow]{ex.Message}[/] The study is loaded and appended to DuckDB instead.");
                    (_, _, study) = ScreeningCommandSupport.Prepare(settings, console);
                    sql = console.Progress($"Screening {study.Data.SubjectCount:N0} subjects in DuckDB with {protocol.Name}", _ => DuckDbBackend.Screen(protocol, study.Data, queryOptions));
                }
            }
            else
            {
                sql = console.Progress($"Screening {study!.Data.SubjectCount:N0} subjects in DuckDB with {protocol.Name}", _ => DuckDbBackend.Screen(protocol, study.Data, queryOptions));
            }
        }
        catch (InvalidDataException ex) when (inPlace)
        {
            throw new UserFacingException(ex.Message);
        }
        catch (DuckDB.NET.Data.DuckDBException ex)
        {
            throw new UserFacingException($"DuckDB failed: {ex.Message.Split('\n')[0]}");
        }
        catch (ArgumentException ex)
        {
            throw new UserFacingException(ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            throw new UserFacingException(ex.Message);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            throw new UserFacingException($"PostgreSQL failed: {Storage.Connections.ConnectionSettings.MaskSecrets(ex.Message)}");
        }
        catch (ClickHouseException ex)
        {
            throw new UserFacingException($"ClickHouse failed: {ex.Message}");
        }
        catch (InvalidDataException ex)
        {
            throw new UserFacingException($"The database returned what the query cannot have: {ex.Message}");
        }
        var asked = onlyCriterion is null ? null : sql.Query.Criteria.FirstOrDefault(c => string.Equals(c.Criterion.Id, onlyCriterion, StringComparison.OrdinalIgnoreCase))
            ?? throw NoSuchCriterion(onlyCriterion, protocol.Name, settings.Phase, sql.Query.Criteria.Select(c => c.Criterion.Id));
        SqlBackendSupport.ReportNotPushedDown(sql.Query, console, asked?.Criterion);

        BackendScreeningResult result;
        if (sql.Query.IsComplete) result = BackendScreeningResult.FromDatabase(backend, sql);
        else if (backendChoice != "auto" && asked is { IsPushedDown: false })
            throw new UserFacingException($"Criterion {asked.Criterion.Id} cannot be pushed down to {backend}: {asked.Reason}. Explain it with --backend auto or native.");
        else if (backendChoice != "auto" && asked is null)
            throw new UserFacingException($"{sql.Query.Diagnostics.Count} criteria cannot be pushed down to {backend} (named above); run them natively with --backend auto.");
        else
        {
            if (study is null && inPlace) (_, _, study) = ScreeningCommandSupport.Prepare(settings, console);
            if (study is null) throw new UserFacingException("--backend auto runs the criteria the database cannot decide natively: give the study with --data PATH.");
            var natively = sql.Query.Criteria.Where(c => !c.IsPushedDown).Select(c => c.Criterion.Id).ToList();
            var native = ScreeningCommandSupport.Screen(protocol, study, new ScreeningOptions
            {
                AsOf = asOf,
                Phase = settings.Phase,
                Criteria = natively,
                Subjects = subjects,
                RecordEvidence = evidence,
                MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount,
            }, console, cancellationToken);
            try
            {
                result = BackendScreeningResult.Hybrid(backend, sql, native);
            }
            catch (ArgumentException ex)
            {
                throw new UserFacingException($"The database and the study disagree: {ex.Message} Load the same study (protocol data load) that --data names.");
            }
        }
        return result;
    }

    /// <summary>
    /// <c>protocol explain --backend duckdb|postgres|clickhouse|auto</c>: one subject screened where the data are, each
    /// criterion (or the one asked for) with its rule text and hash, outcome, who decided it and the values the database
    /// returned as read (or why it returned none).
    /// </summary>
    private static UserFacingException NoSuchCriterion(string id, string protocol, string? phase, IEnumerable<string> criteria) =>
        new($"Criterion {id} is not in protocol {protocol}{(phase is { } p ? $" (phase {p})" : "")}; its criteria: {string.Join(", ", criteria)}.");

    public static int Explain(ExplainCommand.Settings settings, CliConsole console, CancellationToken cancellationToken)
    {
        var subject = settings.Subject!;
        var result = Screen(settings, settings.Backend, evidence: true, [subject], null, console, cancellationToken, settings.Criterion);
        if (result.SubjectIds.Count == 0)
            throw new UserFacingException($"Subject {subject} is not in the {result.Backend} data{(settings.Schema is { } s ? $" (schema {s})" : "")}: no such USUBJID among the subjects loaded (PE_SUBJECT, from DM).");
        int[] criteria = [.. Enumerable.Range(0, result.Criteria.Count).Where(j => settings.Criterion is null || string.Equals(result.Criteria[j].Id, settings.Criterion, StringComparison.OrdinalIgnoreCase))];
        if (criteria.Length == 0) throw NoSuchCriterion(settings.Criterion!, result.Query.Protocol.Name, settings.Phase, result.Criteria.Select(c => c.Id));
        if (settings.Format == OutputFormats.Json)
        {
            WriteJson(console, result);
            return CliApp.Success;
        }
        var protocol = result.Query.Protocol;
        var w = console.Text;
        int natively = Enumerable.Range(0, result.Criteria.Count).Count(result.RanNatively);
        w.WriteLine($"Subject {result.SubjectIds[0]}: {result.Status(0)} (screened by {result.Backend}{(natively > 0 ? $"; {natively} criteria it cannot decide run natively" : "")})");
        w.WriteLine($"Protocol {protocol.Name} version {protocol.Version ?? "-"} (hash {protocol.ContentHash}){(settings.Phase is { } phase ? $", phase {phase}" : "")}");
        foreach (int j in criteria)
        {
            var c = result.Criteria[j];
            var (rule, outcome) = (result.Rule(0, j), result.Outcome(0, j));
            var heading = new StringBuilder().AppendLine();
            SubjectExplanation.AppendHeading(heading, c, outcome, rule);
            w.Write(heading.ToString());
            w.WriteLine($"  decided by {(result.RanNatively(j) ? "native (not pushed down: " + result.Query.Criteria[j].Reason + ")" : result.Backend)}");
            if (c.Rule is null) continue;
            if (result.Evidence(0, j) is not { } items)
            {
                w.WriteLine($"  values read: not returned by {result.Backend} ({result.Query.EvidenceGap(j) ?? "no evidence kept"})");
                continue;
            }
            var account = new StringBuilder();
            SubjectExplanation.AppendValuesRead(account, items);
            foreach (var e in items.Where(e => e.Kind == ProtocolEngine.Runtime.Evaluation.EvidenceKind.DomainMissing))
                account.AppendLine($"  missing: the data have no {e.Domain} domain");
            SubjectExplanation.AppendSearches(account, items);
            w.Write(account.ToString());
        }
        return CliApp.Success;
    }

    // Only Parquet datasets (a folder the loader would read in another format, or a mix, is loaded as before).
    private static bool IsParquetFolder(string? data)
    {
        if (string.IsNullOrWhiteSpace(data) || !Directory.Exists(data)) return false;
        var datasets = Directory.EnumerateFiles(data).Select(f => Path.GetExtension(f).ToLowerInvariant())
            .Where(e => e is ".parquet" or ".xpt" or ".json" or ".ndjson" or ".csv").ToList();
        return datasets.Count > 0 && datasets.All(e => e == ".parquet");
    }

    private static void WriteText(CliConsole console, BackendScreeningResult result)
    {
        var natively = Enumerable.Range(0, result.Criteria.Count).Where(result.RanNatively).Select(j => result.Criteria[j].Id).ToList();
        var protocol = result.Query.Protocol;
        console.Out.MarkupLine($"[bold]{Markup.Escape(protocol.Name)}[/] version {Markup.Escape(protocol.Version ?? "-")} (hash {protocol.ContentHash[..12]}): " +
                               $"{result.SubjectIds.Count:N0} subjects screened by {result.Backend} in {result.Elapsed.TotalMilliseconds:N0} ms" +
                               (natively.Count == 0 ? ", every criterion pushed down" : $"; run natively (not pushed down): {Markup.Escape(string.Join(", ", natively))}"));
        var table = new AdaptiveTable().Columns("Criterion", "Kind", "Decided by").NumberColumns("Met", "NotMet", "Unknown", "Attested");
        for (int j = 0; j < result.Criteria.Count; j++)
        {
            var counts = new int[5];
            for (int i = 0; i < result.SubjectIds.Count; i++) counts[(int)result.Outcome(i, j)]++;
            table.Row(Markup.Escape(result.Criteria[j].Id), ScreeningJson.Kind(result.Criteria[j].Kind), result.RanNatively(j) ? "native" : result.Backend,
                N(counts[1]), N(counts[2]), N(counts[3]), N(counts[4]));
        }
        table.Write(console.Out);
        var statuses = Enumerable.Range(0, result.SubjectIds.Count).Select(result.Status).ToList();
        console.Out.MarkupLine($"[green]Eligible {statuses.Count(s => s == EligibilityStatus.Eligible):N0}[/] · [red]Ineligible {statuses.Count(s => s == EligibilityStatus.Ineligible):N0}[/] · " +
                               $"[yellow]Needs review {statuses.Count(s => s == EligibilityStatus.NeedsReview):N0}[/]");
    }

    private static string N(int value) => value == 0 ? "[grey]0[/]" : value.ToString("N0");

    /// <summary>A subject's evidence per criterion, written as the native screening JSON writes it; null when none was kept.</summary>
    private static Dictionary<string, JsonElement>? Evidence(BackendScreeningResult result, int subject)
    {
        Dictionary<string, JsonElement>? evidence = null;
        for (int j = 0; j < result.Criteria.Count; j++)
        {
            if (result.Evidence(subject, j) is not { } items) continue;
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartArray();
                foreach (var item in items) ScreeningJson.WriteEvidence(w, item);
                w.WriteEndArray();
            }
            (evidence ??= [])[result.Criteria[j].Id] = JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
        }
        return evidence;
    }

    private static void WriteJson(CliConsole console, BackendScreeningResult result)
    {
        var protocol = result.Query.Protocol;
        var criteria = result.Criteria;
        console.Text.WriteLine(JsonSerializer.Serialize(new
        {
            protocol = protocol.Name,
            version = protocol.Version,
            contentHash = protocol.ContentHash,
            backend = result.Backend,
            criteria = result.Query.Criteria.Select(c => new
            {
                id = c.Criterion.Id,
                kind = ScreeningJson.Kind(c.Criterion.Kind),
                ruleHash = c.Criterion.Hash,
                decidedBy = c.IsPushedDown ? result.Backend : "native",
                notPushedDown = c.Reason,
            }),
            subjects = Enumerable.Range(0, result.SubjectIds.Count).Select(i => new
            {
                usubjid = result.SubjectIds[i],
                status = result.Status(i).ToString(),
                outcomes = Enumerable.Range(0, criteria.Count).ToDictionary(j => criteria[j].Id, j => result.Outcome(i, j).ToString()),
                evidence = Evidence(result, i),
            }),
        }, DataCommandSupport.Json));
    }
}
