using System.Data.Common;
using System.Globalization;
using Dapper;
using NodaTime;
using ProtocolEngine.Storage.Schema;
using ProtocolEngine.Storage.Workflows;
using ProtocolEngine.Workflows.Journal;
using ProtocolEngine.Storage.Connections;

namespace ProtocolEngine.Storage.Server;

/// <summary>
/// The server's own tables on Dapper, in the same database and through the same connections as a workflow store
/// (SQLite file, PostgreSQL or SQL Server): users, memberships, API tokens, protocol versions, server signatures,
/// studies, screening runs, attestations, the event inbox, allocations, idempotent answers, the audit chain and
/// validation runs. Every write is one transaction; nothing is half-written.
/// </summary>
public sealed class ServerStore
{
    private readonly DapperWorkflowStore _db;

    /// <summary>Creates the store over the connections of <paramref name="database"/> (its workflow tables are not used).</summary>
    public ServerStore(DapperWorkflowStore database) => _db = database;

    /// <summary>The provider name (sqlite, postgresql, sqlserver).</summary>
    public string Provider => _db.Provider;

    /// <summary>True when the exception is a lost race worth retrying.</summary>
    public bool IsTransient(Exception exception) => _db.IsTransient(exception);

    private Task<DbConnection> OpenAsync(CancellationToken ct) => _db.OpenAsync(ct);

    private static long Ms(Instant i) => i.ToUnixTimeMilliseconds();

    private static Instant At(object v) => Instant.FromUnixTimeMilliseconds(Convert.ToInt64(v, CultureInfo.InvariantCulture));

    private static Instant? AtOrNull(object? v) => v is null or DBNull ? null : At(v);

    private static string S(IDictionary<string, object> r, string c) => r[c] is string s ? s : Convert.ToString(r[c], CultureInfo.InvariantCulture) ?? "";

    private static string? SN(IDictionary<string, object> r, string c) => r[c] is null or DBNull ? null : S(r, c);

    private static long L(IDictionary<string, object> r, string c) => Convert.ToInt64(r[c], CultureInfo.InvariantCulture);

    private static IEnumerable<IDictionary<string, object>> Rows(IEnumerable<dynamic> rows) => rows.Cast<IDictionary<string, object>>();

    private static List<string> Split(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    // ---------------------------------------------------------------------------------------------
    // Schema
    // ---------------------------------------------------------------------------------------------

    /// <summary>Applies pending migrations of the server schema; safe from several processes at once.</summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await _db.BeginTransactionAsync(conn, ct);
        var applied = await SchemaMigrator.ApplyAsync(conn, tx, _db.Dialect, ServerSchema.VersionTable, ServerSchema.Migrations,
            version => version == 1 ? ServerSql.AuditAppendOnly(Provider) : [], ct);
        if (applied.Contains(1))
        {
            await conn.ExecuteAsync(ct, "INSERT INTO srv_audit_head (id, seq, hash) VALUES ('server', 0, '')", transaction: tx);
            foreach (var name in new[] { "randomization", "protocols" })
                await conn.ExecuteAsync(ct, "INSERT INTO srv_locks (name, at) VALUES (@name, 0)", new { name }, tx);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The server schema versions applied (empty for a database the server never used).</summary>
    public async Task<IReadOnlyList<long>> AppliedVersionsAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        try
        {
            return (await conn.QueryAsync<long>(ct, $"SELECT version FROM {ServerSchema.VersionTable} ORDER BY version")).ToList();
        }
        catch (DbException)
        {
            return [];
        }
    }

    /// <summary>True when the database answers a trivial query (readiness).</summary>
    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: ct)) == 1;
    }

    /// <summary>Creates a PostgreSQL schema if it does not exist (each study's workflow tables live in their own).</summary>
    public async Task CreateSchemaAsync(string schema, CancellationToken ct = default)
    {
        if (Provider != "postgresql") throw new InvalidOperationException("Schemas per study exist on PostgreSQL only.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(schema, "^[a-z_][a-z0-9_]{0,62}$")) throw new ArgumentException($"Not a schema name: {schema}", nameof(schema));
        await using var conn = await OpenAsync(ct);
        try
        {
            await conn.ExecuteAsync(ct, $"CREATE SCHEMA IF NOT EXISTS {schema}");
        }
        catch (DbException)
        {
            // Two processes creating the same schema at once: the loser's unique violation means it exists.
            if (await conn.ExecuteScalarAsync<long>(ct, "SELECT COUNT(*) FROM pg_namespace WHERE nspname = @schema", new { schema }) != 1) throw;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Users, memberships, tokens
    // ---------------------------------------------------------------------------------------------

    private static UserRecord User(IDictionary<string, object> r) =>
        new(S(r, "id"), S(r, "user_name"), S(r, "display_name"), S(r, "password_hash"), S(r, "kind"), At(r["created_at"]), AtOrNull(r["disabled_at"]));

    /// <summary>Creates a user; false when the user name is taken.</summary>
    public async Task<bool> CreateUserAsync(UserRecord user, IReadOnlyList<MembershipRecord> memberships, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await _db.BeginTransactionAsync(conn, ct);
        try
        {
            await conn.ExecuteAsync(ct, "INSERT INTO srv_users (id, user_name, display_name, password_hash, kind, created_at, disabled_at) VALUES (@id, @name, @display, @hash, @kind, @at, NULL)",
                new { id = user.Id, name = user.UserName, display = user.DisplayName, hash = user.PasswordHash, kind = user.Kind, at = Ms(user.CreatedAt) }, tx);
            foreach (var m in memberships) await InsertMembershipAsync(conn, tx, m, ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (Exception ex) when (_db.IsUniqueViolation(ex))
        {
            return false;
        }
    }

    private static Task InsertMembershipAsync(DbConnection conn, DbTransaction tx, MembershipRecord m, CancellationToken ct) =>
        conn.ExecuteAsync(ct, "INSERT INTO srv_memberships (id, user_id, study_id, role, sites) VALUES (@id, @user, @study, @role, @sites)",
            new { id = Guid.CreateVersion7().ToString("N"), user = m.UserId, study = m.StudyId, role = m.Role, sites = string.Join(',', m.Sites) }, tx);

    /// <summary>A user by login name.</summary>
    public async Task<UserRecord?> FindUserByNameAsync(string userName, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_users WHERE user_name = @name", new { name = userName })).Select(User).FirstOrDefault();
    }

    /// <summary>A user by id.</summary>
    public async Task<UserRecord?> GetUserAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_users WHERE id = @id", new { id })).Select(User).FirstOrDefault();
    }

    /// <summary>Every user, by login name.</summary>
    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_users ORDER BY user_name")).Select(User).ToList();
    }

    /// <summary>Disables a user (they can neither sign in nor sign); false when there is no such user.</summary>
    public async Task<bool> DisableUserAsync(string id, Instant at, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteAsync(ct, "UPDATE srv_users SET disabled_at = @at WHERE id = @id AND disabled_at IS NULL", new { id, at = Ms(at) }) == 1;
    }

    /// <summary>Replaces a user's password hash.</summary>
    public async Task<bool> SetPasswordAsync(string id, string passwordHash, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteAsync(ct, "UPDATE srv_users SET password_hash = @hash WHERE id = @id", new { id, hash = passwordHash }) == 1;
    }

    /// <summary>A user's roles in every study.</summary>
    public async Task<IReadOnlyList<MembershipRecord>> ListMembershipsAsync(string userId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_memberships WHERE user_id = @userId ORDER BY study_id, role", new { userId }))
            .Select(r => new MembershipRecord(S(r, "user_id"), S(r, "study_id"), S(r, "role"), Split(S(r, "sites")))).ToList();
    }

    /// <summary>Replaces a user's roles in one study (an empty list removes them from it).</summary>
    public async Task SetMembershipsAsync(string userId, string studyId, IReadOnlyList<MembershipRecord> memberships, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await _db.BeginTransactionAsync(conn, ct);
        await conn.ExecuteAsync(ct, "DELETE FROM srv_memberships WHERE user_id = @userId AND study_id = @studyId", new { userId, studyId }, tx);
        foreach (var m in memberships) await InsertMembershipAsync(conn, tx, m, ct);
        await tx.CommitAsync(ct);
    }

    private static TokenRecord Token(IDictionary<string, object> r) =>
        new(S(r, "id"), S(r, "user_id"), S(r, "name"), S(r, "token_hash"), [.. S(r, "scopes").Split(' ', StringSplitOptions.RemoveEmptyEntries)],
            SN(r, "study_id"), At(r["created_at"]), AtOrNull(r["expires_at"]), AtOrNull(r["revoked_at"]));

    /// <summary>Stores a token (its hash only).</summary>
    public async Task CreateTokenAsync(TokenRecord token, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync(ct, "INSERT INTO srv_tokens (id, user_id, name, token_hash, scopes, study_id, created_at, expires_at, revoked_at) " +
            "VALUES (@id, @user, @name, @hash, @scopes, @study, @at, @expires, NULL)",
            new { id = token.Id, user = token.UserId, name = token.Name, hash = token.TokenHash, scopes = string.Join(' ', token.Scopes), study = token.StudyId,
                at = Ms(token.CreatedAt), expires = token.ExpiresAt is { } e ? Ms(e) : (long?)null });
    }

    /// <summary>A token by the hash of its text.</summary>
    public async Task<TokenRecord?> FindTokenAsync(string tokenHash, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_tokens WHERE token_hash = @tokenHash", new { tokenHash })).Select(Token).FirstOrDefault();
    }

    /// <summary>A user's tokens (never their text).</summary>
    public async Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string userId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_tokens WHERE user_id = @userId ORDER BY created_at, id", new { userId })).Select(Token).ToList();
    }

    /// <summary>A token by id.</summary>
    public async Task<TokenRecord?> GetTokenAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_tokens WHERE id = @id", new { id })).Select(Token).FirstOrDefault();
    }

    /// <summary>Revokes a token; false when it was already revoked or does not exist.</summary>
    public async Task<bool> RevokeTokenAsync(string id, Instant at, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteAsync(ct, "UPDATE srv_tokens SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", new { id, at = Ms(at) }) == 1;
    }

    // ---------------------------------------------------------------------------------------------
    // Protocol versions and server signatures
    // ---------------------------------------------------------------------------------------------

    private static ProtocolVersionRecord Protocol(IDictionary<string, object> r) =>
        new(S(r, "id"), S(r, "name"), L(r, "number"), SN(r, "label"), S(r, "content_hash"), SN(r, "title"), S(r, "sources"), S(r, "author"),
            At(r["published_at"]), SN(r, "signature_id"));

    /// <summary>
    /// Publishes a protocol version with the next number for its name, and its signature, in one transaction. When the
    /// same content was published before, nothing is written and that version is returned with <c>Created = false</c>;
    /// when that version is a draft (unsigned) and a signature comes, the draft becomes the published version (signed).
    /// </summary>
    /// <param name="name">The protocol name.</param>
    /// <param name="build">Makes the version (and its signature) from the id and number it gets.</param>
    /// <param name="contentHash">The content hash (a version with the same hash is the same version).</param>
    /// <param name="ct">Cancels.</param>
    public async Task<(ProtocolVersionRecord Version, bool Created)> PublishProtocolAsync(string name, string contentHash,
        Func<string, long, (ProtocolVersionRecord Version, ServerSignatureRecord? Signature)> build, CancellationToken ct = default)
    {
        var (version, created, _) = await AddProtocolVersionAsync(name, contentHash, false, null, build, ct);
        return (version!, created);
    }

    /// <summary>
    /// Saves a protocol version on the condition that the protocol's latest version is still <paramref name="baseVersionId"/>
    /// (null: the protocol has no version yet), checked and written in one transaction under the numbering lock, so two
    /// people saving on the same base get one new version and one conflict, never a silent overwrite. On a conflict nothing
    /// is written and the latest version (null when there is none) comes back with <c>Conflict = true</c>. The same content
    /// as an existing version writes nothing and returns that version.
    /// </summary>
    /// <param name="name">The protocol name.</param>
    /// <param name="contentHash">The content hash.</param>
    /// <param name="baseVersionId">The version the text was edited from, or null for a new protocol.</param>
    /// <param name="build">Makes the version (and a signature, or none for a draft) from the id and number it gets.</param>
    /// <param name="ct">Cancels.</param>
    public Task<(ProtocolVersionRecord? Version, bool Created, bool Conflict)> SaveProtocolVersionAsync(string name, string contentHash, string? baseVersionId,
        Func<string, long, (ProtocolVersionRecord Version, ServerSignatureRecord? Signature)> build, CancellationToken ct = default) =>
        AddProtocolVersionAsync(name, contentHash, true, baseVersionId, build, ct);

    private async Task<(ProtocolVersionRecord? Version, bool Created, bool Conflict)> AddProtocolVersionAsync(string name, string contentHash, bool checkBase, string? baseVersionId,
        Func<string, long, (ProtocolVersionRecord Version, ServerSignatureRecord? Signature)> build, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await _db.BeginTransactionAsync(conn, ct);
        // Numbers are given out under a lock, so two publications at once get 1 and 2, never both 1.
        await conn.ExecuteAsync(ct, ServerSql.LockRow(Provider), new { name = "protocols" }, tx);
        if (checkBase)
        {
            var latest = Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_protocols WHERE name = @name AND number = (SELECT MAX(number) FROM srv_protocols WHERE name = @name)", new { name }, tx))
                .Select(Protocol).FirstOrDefault();
            if (latest?.Id != baseVersionId) return (latest, false, true);
        }
        var existing = Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_protocols WHERE name = @name AND content_hash = @contentHash", new { name, contentHash }, tx))
            .Select(Protocol).FirstOrDefault();
        if (existing is not null)
        {
            if (existing.SignatureId is not null) return (existing, false, false);
            var (_, signature) = build(existing.Id, existing.Number);
            if (signature is null) return (existing, false, false);
            // A draft signed: the same content, now published with its author's signature.
            await InsertSignatureAsync(conn, tx, signature, ct);
            await conn.ExecuteAsync(ct, "UPDATE srv_protocols SET signature_id = @sig WHERE id = @id", new { sig = signature.Id, id = existing.Id }, tx);
            await tx.CommitAsync(ct);
            return (existing with { SignatureId = signature.Id }, true, false);
        }
        long number = await conn.ExecuteScalarAsync<long>(ct, "SELECT COALESCE(MAX(number), 0) + 1 FROM srv_protocols WHERE name = @name", new { name }, tx);
        var (v, sig) = build($"{name}@{number.ToString(CultureInfo.InvariantCulture)}", number);
        if (sig is not null) await InsertSignatureAsync(conn, tx, sig, ct);
        await conn.ExecuteAsync(ct, "INSERT INTO srv_protocols (id, name, number, label, content_hash, title, sources, author, published_at, signature_id) " +
            "VALUES (@id, @name, @number, @label, @hash, @title, @sources, @author, @at, @sig)",
            new { id = v.Id, name = v.Name, number = v.Number, label = v.Label, hash = v.ContentHash, title = v.Title, sources = v.Sources, author = v.Author,
                at = Ms(v.PublishedAt), sig = v.SignatureId }, tx);
        await tx.CommitAsync(ct);
        return (v, true, false);
    }

    /// <summary>A protocol version by id (name@number).</summary>
    public async Task<ProtocolVersionRecord?> GetProtocolAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_protocols WHERE id = @id", new { id })).Select(Protocol).FirstOrDefault();
    }

    /// <summary>Published versions, of one protocol or all, in name and number order (without their texts when <paramref name="withSources"/> is false).</summary>
    public async Task<IReadOnlyList<ProtocolVersionRecord>> ListProtocolsAsync(string? name = null, bool withSources = false, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var columns = withSources ? "*" : "id, name, number, label, content_hash, title, '' AS sources, author, published_at, signature_id";
        var sql = $"SELECT {columns} FROM srv_protocols" + (name is null ? "" : " WHERE name = @name") + " ORDER BY name, number";
        return Rows(await conn.QueryAsync(ct, sql, new { name })).Select(Protocol).ToList();
    }

    private static Task InsertSignatureAsync(DbConnection conn, DbTransaction tx, ServerSignatureRecord s, CancellationToken ct) =>
        conn.ExecuteAsync(ct, "INSERT INTO srv_signatures (id, record_kind, record_id, record_hash, signer_id, printed_name, meaning, signed_at, signature_hash) " +
            "VALUES (@id, @kind, @record, @recordHash, @signer, @name, @meaning, @at, @hash)",
            new { id = s.Id, kind = s.RecordKind, record = s.RecordId, recordHash = s.RecordHash, signer = s.SignerId, name = s.PrintedName, meaning = s.Meaning,
                at = Ms(s.SignedAt), hash = s.SignatureHash }, tx);

    private static ServerSignatureRecord Signature(IDictionary<string, object> r) =>
        new(S(r, "id"), S(r, "record_kind"), S(r, "record_id"), S(r, "record_hash"), S(r, "signer_id"), S(r, "printed_name"), S(r, "meaning"),
            At(r["signed_at"]), S(r, "signature_hash"));

    /// <summary>The signatures of a record.</summary>
    public async Task<IReadOnlyList<ServerSignatureRecord>> ListSignaturesAsync(string recordKind, string recordId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_signatures WHERE record_kind = @recordKind AND record_id = @recordId ORDER BY signed_at",
            new { recordKind, recordId })).Select(Signature).ToList();
    }

    /// <summary>Every server signature, in time order (the signature manifest).</summary>
    public async Task<IReadOnlyList<ServerSignatureRecord>> ListAllSignaturesAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_signatures ORDER BY signed_at, id")).Select(Signature).ToList();
    }

    /// <summary>A server signature by id.</summary>
    public async Task<ServerSignatureRecord?> GetSignatureAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_signatures WHERE id = @id", new { id })).Select(Signature).FirstOrDefault();
    }

    // ---------------------------------------------------------------------------------------------
    // Studies and subjects
    // ---------------------------------------------------------------------------------------------

    private static StudyRecord Study(IDictionary<string, object> r) =>
        new(S(r, "id"), S(r, "title"), S(r, "protocol_id"), S(r, "data_path"), S(r, "data_source"), S(r, "created_by"), At(r["created_at"]),
            L(r, "subjects"), Split(S(r, "sites")), S(r, "randomization_seed"), SN(r, "encoding"));

    /// <summary>Registers a study with its subjects and their sites; false when the id is taken.</summary>
    public async Task<bool> CreateStudyAsync(StudyRecord study, IReadOnlyList<SubjectSite> subjects, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await _db.BeginTransactionAsync(conn, ct);
        try
        {
            await conn.ExecuteAsync(ct, "INSERT INTO srv_studies (id, title, protocol_id, data_path, data_source, created_by, created_at, subjects, sites, randomization_seed, encoding) " +
                "VALUES (@id, @title, @protocol, @path, @source, @by, @at, @subjects, @sites, @seed, @encoding)",
                new { id = study.Id, title = study.Title, protocol = study.ProtocolId, path = study.DataPath, source = study.DataSource, by = study.CreatedBy,
                    at = Ms(study.CreatedAt), subjects = study.Subjects, sites = string.Join(',', study.Sites), seed = study.RandomizationSeed, encoding = study.Encoding }, tx);
            await conn.ExecuteAsync(ct, "INSERT INTO srv_subjects (study_id, subject_id, site_id) VALUES (@study, @subject, @site)",
                subjects.Select(s => new { study = study.Id, subject = s.SubjectId, site = s.SiteId }), tx);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (Exception ex) when (_db.IsUniqueViolation(ex))
        {
            return false;
        }
    }

    /// <summary>A study by id.</summary>
    public async Task<StudyRecord?> GetStudyAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_studies WHERE id = @id", new { id })).Select(Study).FirstOrDefault();
    }

    /// <summary>Every study.</summary>
    public async Task<IReadOnlyList<StudyRecord>> ListStudiesAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_studies ORDER BY id")).Select(Study).ToList();
    }

    /// <summary>Moves a study to another protocol version.</summary>
    public async Task<bool> SetStudyProtocolAsync(string studyId, string protocolId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteAsync(ct, "UPDATE srv_studies SET protocol_id = @protocolId WHERE id = @studyId", new { studyId, protocolId }) == 1;
    }

    /// <summary>The subjects of a study and their sites.</summary>
    public async Task<IReadOnlyList<SubjectSite>> ListSubjectsAsync(string studyId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT subject_id, site_id FROM srv_subjects WHERE study_id = @studyId ORDER BY subject_id", new { studyId }))
            .Select(r => new SubjectSite(S(r, "subject_id"), SN(r, "site_id"))).ToList();
    }

    // ---------------------------------------------------------------------------------------------
    // Screening runs
    // ---------------------------------------------------------------------------------------------

    private static ScreeningRunRecord Run(IDictionary<string, object> r) =>
        new(S(r, "id"), S(r, "study_id"), S(r, "protocol_id"), S(r, "status"), S(r, "as_of"), SN(r, "phase"), S(r, "started_by"), At(r["started_at"]),
            AtOrNull(r["finished_at"]), L(r, "done"), L(r, "total"), SN(r, "summary"), SN(r, "error"));

    /// <summary>Records a run that starts.</summary>
    public async Task InsertScreeningRunAsync(ScreeningRunRecord run, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync(ct, "INSERT INTO srv_screening_runs (id, study_id, protocol_id, status, as_of, phase, started_by, started_at, finished_at, done, total, summary, error) " +
            "VALUES (@id, @study, @protocol, @status, @asOf, @phase, @by, @at, NULL, 0, @total, NULL, NULL)",
            new { id = run.Id, study = run.StudyId, protocol = run.ProtocolId, status = run.Status, asOf = run.AsOf, phase = run.Phase, by = run.StartedBy,
                at = Ms(run.StartedAt), total = run.Total });
    }

    /// <summary>Records a running screening's progress.</summary>
    public async Task SetScreeningProgressAsync(string runId, long done, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync(ct, "UPDATE srv_screening_runs SET done = @done WHERE id = @runId AND status = 'running'", new { runId, done });
    }

    /// <summary>Completes a run: its summary and every subject's result in one transaction.</summary>
    public async Task CompleteScreeningRunAsync(string runId, string summary, IReadOnlyList<ScreeningSubjectRecord> subjects, Instant at, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await _db.BeginTransactionAsync(conn, ct);
        await conn.ExecuteAsync(ct, "INSERT INTO srv_screening_subjects (run_id, subject_id, site_id, status, result) VALUES (@run, @subject, @site, @status, @result)",
            subjects.Select(s => new { run = runId, subject = s.SubjectId, site = s.SiteId, status = s.Status, result = s.Result }), tx);
        await conn.ExecuteAsync(ct, "UPDATE srv_screening_runs SET status = 'completed', summary = @summary, finished_at = @at, done = total WHERE id = @runId",
            new { runId, summary, at = Ms(at) }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>Marks a run failed, with why.</summary>
    public async Task FailScreeningRunAsync(string runId, string error, Instant at, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync(ct, "UPDATE srv_screening_runs SET status = 'failed', error = @error, finished_at = @at WHERE id = @runId", new { runId, error, at = Ms(at) });
    }

    /// <summary>A run by id.</summary>
    public async Task<ScreeningRunRecord?> GetScreeningRunAsync(string runId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_screening_runs WHERE id = @runId", new { runId })).Select(Run).FirstOrDefault();
    }

    /// <summary>A study's runs, newest first (without their summaries).</summary>
    public async Task<IReadOnlyList<ScreeningRunRecord>> ListScreeningRunsAsync(string studyId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT id, study_id, protocol_id, status, as_of, phase, started_by, started_at, finished_at, done, total, NULL AS summary, error " +
            "FROM srv_screening_runs WHERE study_id = @studyId ORDER BY started_at DESC, id DESC", new { studyId })).Select(Run).ToList();
    }

    /// <summary>
    /// A page of a run's subjects, optionally of one status and of some sites only (an investigator's), in subject
    /// order, with the total that matched.
    /// </summary>
    public async Task<(IReadOnlyList<ScreeningSubjectRecord> Page, long Total)> ListScreeningSubjectsAsync(string runId, string? status, IReadOnlyList<string>? sites,
        int offset, int limit, bool withResults, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var where = "run_id = @runId" + (status is null ? "" : " AND status = @status") + (sites is null ? "" : " AND " + ServerSql.InList(Provider, "site_id", "sites"));
        var args = new { runId, status, sites = sites?.ToArray(), offset = (long)offset, limit = (long)limit };
        long total = await conn.ExecuteScalarAsync<long>(ct, "SELECT COUNT(*) FROM srv_screening_subjects WHERE " + where, args);
        var columns = withResults ? "*" : "run_id, subject_id, site_id, status, '' AS result";
        var page = Rows(await conn.QueryAsync(ct, $"SELECT {columns} FROM srv_screening_subjects WHERE {where} ORDER BY subject_id" + ServerSql.Page(Provider), args))
            .Select(r => new ScreeningSubjectRecord(S(r, "subject_id"), SN(r, "site_id"), S(r, "status"), S(r, "result"))).ToList();
        return (page, total);
    }

    /// <summary>One subject's result in a run.</summary>
    public async Task<ScreeningSubjectRecord?> GetScreeningSubjectAsync(string runId, string subjectId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_screening_subjects WHERE run_id = @runId AND subject_id = @subjectId", new { runId, subjectId }))
            .Select(r => new ScreeningSubjectRecord(S(r, "subject_id"), SN(r, "site_id"), S(r, "status"), S(r, "result"))).FirstOrDefault();
    }

    // ---------------------------------------------------------------------------------------------
    // Attestations
    // ---------------------------------------------------------------------------------------------

    /// <summary>Stores an attestation and its signature together.</summary>
    public async Task InsertAttestationAsync(AttestationRecord attestation, ServerSignatureRecord signature, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await _db.BeginTransactionAsync(conn, ct);
        await InsertSignatureAsync(conn, tx, signature, ct);
        await conn.ExecuteAsync(ct, "INSERT INTO srv_attestations (id, study_id, subject_id, criterion_id, criterion_hash, outcome, reason, signature_id, created_at) " +
            "VALUES (@id, @study, @subject, @criterion, @hash, @outcome, @reason, @sig, @at)",
            new { id = attestation.Id, study = attestation.StudyId, subject = attestation.SubjectId, criterion = attestation.CriterionId, hash = attestation.CriterionHash,
                outcome = attestation.Outcome, reason = attestation.Reason, sig = attestation.SignatureId, at = Ms(attestation.CreatedAt) }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>A study's attestations (of one subject, when named), oldest first.</summary>
    public async Task<IReadOnlyList<AttestationRecord>> ListAttestationsAsync(string studyId, string? subjectId = null, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var sql = "SELECT * FROM srv_attestations WHERE study_id = @studyId" + (subjectId is null ? "" : " AND subject_id = @subjectId") + " ORDER BY created_at, id";
        return Rows(await conn.QueryAsync(ct, sql, new { studyId, subjectId })).Select(r => new AttestationRecord(S(r, "id"), S(r, "study_id"), S(r, "subject_id"),
            S(r, "criterion_id"), S(r, "criterion_hash"), S(r, "outcome"), S(r, "reason"), S(r, "signature_id"), At(r["created_at"]))).ToList();
    }

    // ---------------------------------------------------------------------------------------------
    // The event inbox
    // ---------------------------------------------------------------------------------------------

    private static EventRecord Event(IDictionary<string, object> r) =>
        new(S(r, "id"), L(r, "seq"), S(r, "study_id"), S(r, "subject_id"), S(r, "name"), SN(r, "domain"), SN(r, "record_id"), S(r, "payload"),
            S(r, "idempotency_key"), S(r, "status"), L(r, "attempts"), At(r["received_at"]), AtOrNull(r["processed_at"]), SN(r, "result"), SN(r, "error"),
            S(r, "actor"), SN(r, "correlation_id"));

    /// <summary>
    /// Keeps an event durably (committed before this returns). An event whose idempotency key the study has seen is the
    /// same event: nothing is written and the stored one is returned with <c>Created = false</c>.
    /// </summary>
    public async Task<(EventRecord Event, bool Created)> InsertEventAsync(EventRecord ev, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        try
        {
            await conn.ExecuteAsync(new CommandDefinition(
                "INSERT INTO srv_events (id, seq, study_id, subject_id, name, domain, record_id, payload, idempotency_key, status, attempts, lease_owner, lease_until, received_at, processed_at, result, error, actor, correlation_id) " +
                "VALUES (@id, @seq, @study, @subject, @name, @domain, @record, @payload, @key, 'pending', 0, NULL, NULL, @at, NULL, NULL, NULL, @actor, @correlation)",
                new { id = ev.Id, seq = ev.Seq, study = ev.StudyId, subject = ev.SubjectId, name = ev.Name, domain = ev.Domain, record = ev.RecordId, payload = ev.Payload,
                    key = ev.IdempotencyKey, at = Ms(ev.ReceivedAt), actor = ev.Actor, correlation = ev.CorrelationId }, cancellationToken: ct));
            return (ev, true);
        }
        catch (Exception ex) when (_db.IsUniqueViolation(ex))
        {
            var stored = Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_events WHERE study_id = @study AND idempotency_key = @key", new { study = ev.StudyId, key = ev.IdempotencyKey }))
                .Select(Event).First();
            return (stored, false);
        }
    }

    /// <summary>Claims up to <paramref name="max"/> events for a worker, with a lease; a subject's events come in order of arrival.</summary>
    public async Task<IReadOnlyList<EventRecord>> ClaimEventsAsync(string owner, Instant now, Duration lease, int max, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await _db.BeginTransactionAsync(conn, ct);
        var rows = Rows(await conn.QueryAsync(ct, ServerSql.ClaimEvents(Provider), new { owner, now = Ms(now), until = Ms(now + lease), max = (long)max }, tx))
            .Select(Event).OrderBy(e => e.Seq).ToList();
        await tx.CommitAsync(ct);
        return rows;
    }

    /// <summary>Records what an event did (the worker stays named in lease_owner); false when another worker's lease took it over meanwhile.</summary>
    public async Task<bool> CompleteEventAsync(string id, string owner, string status, string? result, string? error, Instant at, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        // The lease owner stays: it names the process that took the event (operations, and the two-process test).
        return await conn.ExecuteAsync(ct, "UPDATE srv_events SET status = @status, result = @result, error = @error, processed_at = @at, lease_until = NULL " +
            "WHERE id = @id AND lease_owner = @owner AND status = 'processing'", new { id, owner, status, result, error, at = Ms(at) }) == 1;
    }

    /// <summary>An event by id.</summary>
    public async Task<EventRecord?> GetEventAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_events WHERE id = @id", new { id })).Select(Event).FirstOrDefault();
    }

    /// <summary>How many events each worker processed (lease_owner of processed events).</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountEventsByWorkerAsync(string studyId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT lease_owner AS owner, COUNT(*) AS n FROM srv_events WHERE study_id = @studyId AND status = 'processed' GROUP BY lease_owner", new { studyId }))
            .ToDictionary(r => SN(r, "owner") ?? "", r => L(r, "n"), StringComparer.Ordinal);
    }

    /// <summary>How many events of a study (or all studies) are in each status.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountEventsAsync(string? studyId = null, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var sql = "SELECT status, COUNT(*) AS n FROM srv_events" + (studyId is null ? "" : " WHERE study_id = @studyId") + " GROUP BY status";
        return Rows(await conn.QueryAsync(ct, sql, new { studyId })).ToDictionary(r => S(r, "status"), r => L(r, "n"), StringComparer.Ordinal);
    }

    /// <summary>A page of a study's events, newest first.</summary>
    public async Task<IReadOnlyList<EventRecord>> ListEventsAsync(string studyId, string? subjectId, int offset, int limit, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var sql = "SELECT * FROM srv_events WHERE study_id = @studyId" + (subjectId is null ? "" : " AND subject_id = @subjectId") + " ORDER BY seq DESC" + ServerSql.Page(Provider);
        return Rows(await conn.QueryAsync(ct, sql, new { studyId, subjectId, offset = (long)offset, limit = (long)limit })).Select(Event).ToList();
    }

    // ---------------------------------------------------------------------------------------------
    // Randomisation allocations
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Allocates an arm under a lock every process shares: <paramref name="allocate"/> gets the study's allocations so
    /// far (in order) and returns the subject's; it is stored before the lock is released. A subject allocated before
    /// keeps its stored allocation (<paramref name="allocate"/> still runs, with that allocation among the previous ones).
    /// </summary>
    public async Task<AllocationRecord> AllocateAsync(string studyId, string subjectId, Func<IReadOnlyList<AllocationRecord>, (string Stratum, string Arm)> allocate,
        Instant at, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await using var tx = await _db.BeginTransactionAsync(conn, ct);
        await conn.ExecuteAsync(ct, ServerSql.LockRow(Provider), new { name = "randomization" }, tx);
        var previous = Rows(await conn.QueryAsync(ct, "SELECT seq, subject_id, stratum, arm FROM srv_allocations WHERE study_id = @studyId ORDER BY seq", new { studyId }, tx))
            .Select(r => new AllocationRecord(L(r, "seq"), S(r, "subject_id"), S(r, "stratum"), S(r, "arm"))).ToList();
        var (stratum, arm) = allocate(previous);
        if (previous.FirstOrDefault(a => a.SubjectId == subjectId) is { } done) return done;
        var record = new AllocationRecord(previous.Count + 1, subjectId, stratum, arm);
        await conn.ExecuteAsync(ct, "INSERT INTO srv_allocations (study_id, seq, subject_id, stratum, arm, at) VALUES (@studyId, @seq, @subjectId, @stratum, @arm, @at)",
            new { studyId, seq = record.Seq, subjectId, stratum, arm, at = Ms(at) }, tx);
        await tx.CommitAsync(ct);
        return record;
    }

    // ---------------------------------------------------------------------------------------------
    // Idempotent answers
    // ---------------------------------------------------------------------------------------------

    /// <summary>The stored answer to a user's earlier request with this key.</summary>
    public async Task<IdempotentResponse?> FindIdempotentAsync(string userId, string key, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_idempotency WHERE user_id = @userId AND idempotency_key = @key", new { userId, key }))
            .Select(r => new IdempotentResponse((int)L(r, "status"), S(r, "body"), S(r, "method"), S(r, "path"))).FirstOrDefault();
    }

    /// <summary>Stores the answer to a request with an idempotency key; false when another request with the key stored first.</summary>
    public async Task<bool> SaveIdempotentAsync(string userId, string key, IdempotentResponse response, Instant at, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        try
        {
            await conn.ExecuteAsync(ct, "INSERT INTO srv_idempotency (user_id, idempotency_key, method, path, status, body, created_at) VALUES (@userId, @key, @method, @path, @status, @body, @at)",
                new { userId, key, method = response.Method, path = response.Path, status = (long)response.Status, body = response.Body, at = Ms(at) });
            return true;
        }
        catch (Exception ex) when (_db.IsUniqueViolation(ex))
        {
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The audit chain
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Appends an entry to the server's audit chain (sign-ins, failed sign-ins, tokens, users, publications,
    /// registrations, attestations): one hash chain, the same canonical form and hash as the workflow journal, the
    /// target in the instance field.
    /// </summary>
    public async Task<JournalEntry> AppendAuditAsync(string actor, string action, string target, string? oldValue, string? newValue, string? detail,
        string? correlationId, Instant at, CancellationToken ct = default)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await using var conn = await OpenAsync(ct);
                await using var tx = await _db.BeginTransactionAsync(conn, ct);
                var head = Rows(await conn.QueryAsync(ct, ServerSql.LockAuditHead(Provider), transaction: tx)).Single();
                var entry = JournalHasher.Create(target, L(head, "seq") + 1, at, actor, action, oldValue, newValue, null, detail, S(head, "hash"), correlationId);
                await conn.ExecuteAsync(ct, "INSERT INTO srv_audit (seq, at, actor, action, target, old_value, new_value, detail, correlation_id, prev_hash, hash) " +
                    "VALUES (@Sequence, @at, @Actor, @Action, @InstanceId, @OldValue, @NewValue, @Detail, @CorrelationId, @PreviousHash, @Hash)",
                    new { entry.Sequence, at = Ms(entry.At), entry.Actor, entry.Action, entry.InstanceId, entry.OldValue, entry.NewValue, entry.Detail, entry.CorrelationId,
                        entry.PreviousHash, entry.Hash }, tx);
                await conn.ExecuteAsync(ct, "UPDATE srv_audit_head SET seq = @seq, hash = @hash WHERE id = 'server'", new { seq = entry.Sequence, hash = entry.Hash }, tx);
                await tx.CommitAsync(ct);
                return entry;
            }
            catch (Exception ex) when (attempt < 8 && (_db.IsTransient(ex) || _db.IsUniqueViolation(ex)))
            {
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), ct);
            }
        }
    }

    private static JournalEntry Audit(IDictionary<string, object> r) =>
        new(S(r, "target"), L(r, "seq"), At(r["at"]), S(r, "actor"), S(r, "action"), SN(r, "old_value"), SN(r, "new_value"), null, SN(r, "detail"),
            S(r, "prev_hash"), S(r, "hash"), SN(r, "correlation_id"));

    /// <summary>A page of the audit chain after sequence <paramref name="afterSeq"/>, in order.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ListAuditAsync(long afterSeq, int limit, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_audit WHERE seq > @afterSeq ORDER BY seq" + ServerSql.Page(Provider),
            new { afterSeq, offset = 0L, limit = (long)limit })).Select(Audit).ToList();
    }

    /// <summary>Audit entries caused by one request (its correlation id).</summary>
    public async Task<IReadOnlyList<JournalEntry>> ListAuditByCorrelationAsync(string correlationId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_audit WHERE correlation_id = @correlationId ORDER BY seq", new { correlationId })).Select(Audit).ToList();
    }

    /// <summary>How many entries of an action on a target were written since a time (failed sign-ins, for the rate limit).</summary>
    public async Task<long> CountAuditAsync(string action, string target, Instant since, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>(ct, "SELECT COUNT(*) FROM srv_audit WHERE action = @action AND target = @target AND at >= @since",
            new { action, target, since = Ms(since) });
    }

    /// <summary>Verifies the whole audit chain: every hash, every link, and the head.</summary>
    public async Task<(long Entries, JournalProblem? Problem)> VerifyAuditAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        var head = Rows(await conn.QueryAsync(ct, "SELECT seq, hash FROM srv_audit_head WHERE id = 'server'")).Single();
        var entries = Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_audit ORDER BY seq")).Select(Audit).ToList();
        // The verifier names the chain in its messages; the entries keep their own targets.
        var problem = JournalVerifier.Verify("server audit", entries, L(head, "seq"), S(head, "hash"));
        return (entries.Count, problem);
    }

    // ---------------------------------------------------------------------------------------------
    // Data-protection keys (session cookies and antiforgery tokens of every server process)
    // ---------------------------------------------------------------------------------------------

    /// <summary>Every stored key (XML as the data-protection system writes it).</summary>
    public async Task<IReadOnlyList<string>> ListKeysAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return (await conn.QueryAsync<string>(ct, "SELECT xml FROM srv_keys ORDER BY created_at, id")).ToList();
    }

    /// <summary>Stores a key.</summary>
    public async Task InsertKeyAsync(string id, string xml, Instant at, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync(ct, "INSERT INTO srv_keys (id, xml, created_at) VALUES (@id, @xml, @at)", new { id, xml, at = Ms(at) });
    }

    // ---------------------------------------------------------------------------------------------
    // Validation runs
    // ---------------------------------------------------------------------------------------------

    private static ValidationRunRecord Validation(IDictionary<string, object> r) =>
        new(S(r, "id"), S(r, "study_id"), S(r, "protocol_id"), S(r, "status"), S(r, "started_by"), At(r["started_at"]), AtOrNull(r["finished_at"]),
            SN(r, "summary"), SN(r, "report"), SN(r, "error"));

    /// <summary>Records a validation run that starts.</summary>
    public async Task InsertValidationRunAsync(ValidationRunRecord run, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync(ct, "INSERT INTO srv_validation_runs (id, study_id, protocol_id, status, started_by, started_at, finished_at, summary, report, error) " +
            "VALUES (@id, @study, @protocol, 'running', @by, @at, NULL, NULL, NULL, NULL)",
            new { id = run.Id, study = run.StudyId, protocol = run.ProtocolId, by = run.StartedBy, at = Ms(run.StartedAt) });
    }

    /// <summary>Completes or fails a validation run.</summary>
    public async Task FinishValidationRunAsync(string id, string status, string? summary, string? report, string? error, Instant at, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        await conn.ExecuteAsync(ct, "UPDATE srv_validation_runs SET status = @status, summary = @summary, report = @report, error = @error, finished_at = @at WHERE id = @id",
            new { id, status, summary, report, error, at = Ms(at) });
    }

    /// <summary>A validation run by id.</summary>
    public async Task<ValidationRunRecord?> GetValidationRunAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT * FROM srv_validation_runs WHERE id = @id", new { id })).Select(Validation).FirstOrDefault();
    }

    /// <summary>A study's validation runs, newest first (without their reports).</summary>
    public async Task<IReadOnlyList<ValidationRunRecord>> ListValidationRunsAsync(string studyId, CancellationToken ct = default)
    {
        await using var conn = await OpenAsync(ct);
        return Rows(await conn.QueryAsync(ct, "SELECT id, study_id, protocol_id, status, started_by, started_at, finished_at, summary, NULL AS report, error " +
            "FROM srv_validation_runs WHERE study_id = @studyId ORDER BY started_at DESC, id DESC", new { studyId })).Select(Validation).ToList();
    }
}
