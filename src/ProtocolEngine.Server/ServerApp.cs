using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using NodaTime;
using ProtocolEngine.Server.Endpoints;
using ProtocolEngine.Server.Events;
using ProtocolEngine.Server.Hosting;
using ProtocolEngine.Server.Problems;
using ProtocolEngine.Server.Protocols;
using ProtocolEngine.Server.Screening;
using ProtocolEngine.Server.Security;
using ProtocolEngine.Server.Studies;
using ProtocolEngine.Server.Tasks;
using ProtocolEngine.Server.Validation;
using ProtocolEngine.Storage.Server;
using Scalar.AspNetCore;

namespace ProtocolEngine.Server;

/// <summary>
/// The server's composition: services, authentication (session cookie, API tokens, optional JWT bearer), the access
/// check, problem details, the OpenAPI document and its page, health, the web app's static files, and every endpoint.
/// Services read <see cref="ServerOptions"/> from the container, so tests can replace it.
/// </summary>
internal static class ServerApp
{
    /// <summary>The rate-limit policy of the sign-in endpoint.</summary>
    public const string LoginRateLimit = "login";

    /// <summary>The header the antiforgery token travels in.</summary>
    public const string CsrfHeader = "X-CSRF-TOKEN";

    private const string SmartScheme = "ProtocolEngine";

    /// <summary>Builds the application for <paramref name="options"/> (or the options the command line and configuration give).</summary>
    public static WebApplication Build(string[] args, ServerOptions? options = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var initial = options ?? FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(initial);
        if (options is not null) builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        ConfigureLogging(builder, initial);
        ConfigureServices(builder.Services);
        var app = builder.Build();
        Configure(app);
        return app;
    }

    // The server executable's settings (ProtocolEngine__X environment variables or --ProtocolEngine:X=...); people use `protocol serve`.
    private static ServerOptions FromConfiguration(IConfiguration c)
    {
        var o = new ServerOptions();
        static int? Int(string? text) => int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
        return o with
        {
            DataDir = c["ProtocolEngine:DataDir"] ?? o.DataDir,
            Postgres = c["ProtocolEngine:Postgres"],
            RunWorkers = !string.Equals(c["ProtocolEngine:RunWorkers"], "false", StringComparison.OrdinalIgnoreCase),
            LogFormat = c["ProtocolEngine:LogFormat"] ?? o.LogFormat,
            InstanceName = c["ProtocolEngine:InstanceName"] ?? o.InstanceName,
            EventLease = Int(c["ProtocolEngine:EventLeaseSeconds"]) is { } lease ? TimeSpan.FromSeconds(lease) : o.EventLease,
            IdleTimeout = Int(c["ProtocolEngine:IdleTimeoutMinutes"]) is { } idle ? TimeSpan.FromMinutes(idle) : o.IdleTimeout,
        };
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, ServerOptions options)
    {
        builder.Logging.ClearProviders();
        if (options.LogFormat == "json") builder.Logging.AddJsonConsole(o => { o.IncludeScopes = true; o.UseUtcTimestamp = true; });
        else builder.Logging.AddSimpleConsole(o => { o.IncludeScopes = true; o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);
        // Framework warnings and errors only (the banner says where the server listens; the host's start lines would repeat it).
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // Keys are kept in the server's database, whose access is the boundary: the unencrypted-key warning says nothing new.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
    }

    private static void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IClock>(sp => sp.GetRequiredService<ServerOptions>().Clock);
        services.AddSingleton(sp => new ServerDatabase(sp.GetRequiredService<ServerOptions>()));
        services.AddSingleton(sp => sp.GetRequiredService<ServerDatabase>().Store);
        services.AddSingleton<ServerState>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<IdentityService>();
        services.AddSingleton<ServerSigners>();
        services.AddSingleton<SignatureService>();
        services.AddSingleton<ProtocolService>();
        services.AddSingleton<StudyRegistry>();
        services.AddSingleton<StudyService>();
        services.AddSingleton<EventService>();
        services.AddSingleton<TaskService>();
        services.AddSingleton<ScreeningService>();
        services.AddSingleton<ValidationService>();
        services.AddSingleton<Demo.DemoSeeder>();
        services.AddSingleton<Workbench.AdverseEventQueue>();
        services.AddSingleton<Workbench.AmendmentImpactService>();
        services.AddSingleton<Workbench.EvidenceService>();
        services.AddSingleton<Designer.DesignerService>();
        services.AddHostedService<WorkflowHostedService>();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemResults.Customize);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new InstantJsonConverter());
            // Task statuses, kinds and signature meanings read as their stored words (open, gate, approval).
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
        });
        services.AddOpenApi("v1", o =>
        {
            // Answers built as anonymous objects are described in place rather than under generated type names.
            o.CreateSchemaReferenceId = t => t.Type.Name.Contains("AnonymousType", StringComparison.Ordinal) ? null : Microsoft.AspNetCore.OpenApi.OpenApiOptions.CreateDefaultSchemaReferenceId(t);
            o.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(Instant) || context.JsonTypeInfo.Type == typeof(Instant?))
                {
                    schema.Type = Microsoft.OpenApi.JsonSchemaType.String;
                    schema.Format = "date-time";
                    schema.Properties?.Clear();
                }
                return Task.CompletedTask;
            });
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info = new() { Title = "ProtocolEngine", Version = "v1", Description = "The API people and systems work through: protocols, studies, screening, events, tasks and signatures, the journal, data queries. docs/server.md explains it." };
                doc.Servers?.Clear();
                return Task.CompletedTask;
            });
        });

        services.AddDataProtection().SetApplicationName("ProtocolEngine");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new DatabaseKeyRepository(sp.GetRequiredService<ServerStore>(), sp.GetRequiredService<IClock>())));
        services.AddAntiforgery(o =>
        {
            o.HeaderName = CsrfHeader;
            o.Cookie.Name = "pe_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddAuthentication(SmartScheme)
            .AddPolicyScheme(SmartScheme, "Session cookie, API token or JWT", o => o.ForwardDefaultSelector = ctx =>
            {
                var header = ctx.Request.Headers.Authorization.ToString();
                if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    var jwt = ctx.RequestServices.GetRequiredService<ServerOptions>().Jwt is not null;
                    return header["Bearer ".Length..].TrimStart().StartsWith(ApiTokenHandler.Prefix, StringComparison.Ordinal) || !jwt ? ApiTokenHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme;
                }
                return CookieAuthenticationDefaults.AuthenticationScheme;
            })
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "pe_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                // An API answers 401/403 instead of redirecting to a login page.
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = 401; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = 403; return Task.CompletedTask; };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, _ => { })
            .AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, _ => { });
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>>(sp => new PostConfigureOptions<CookieAuthenticationOptions>(
            CookieAuthenticationDefaults.AuthenticationScheme, o => o.ExpireTimeSpan = sp.GetRequiredService<ServerOptions>().IdleTimeout));
        services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>>(sp => new PostConfigureOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            var jwt = sp.GetRequiredService<ServerOptions>().Jwt;
            o.MapInboundClaims = false;
            o.TokenValidationParameters = jwt is null
                ? new TokenValidationParameters { ValidateIssuer = true, ValidIssuer = "(not configured)", IssuerSigningKey = new SymmetricSecurityKey(new byte[32]) }
                : new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = new SymmetricSecurityKey(jwt.SigningKey),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = TimeSpan.FromMinutes(1),
                };
            o.Events = new JwtBearerEvents { OnTokenValidated = JwtUsers.MapAsync };
        }));
        services.AddAuthorization();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = 429;
            o.OnRejected = async (ctx, ct) => await ProblemResults.Of(ApiErrors.TooManyAttempts, "Too many sign-in attempts from this address; wait a minute.").ExecuteAsync(ctx.HttpContext);
            // Per client address; a request without one (an in-process host) is limited by the per-user count only.
            o.AddPolicy(LoginRateLimit, ctx => ctx.Connection.RemoteIpAddress is { } ip
                ? RateLimitPartition.GetFixedWindowLimiter(ip.ToString(), _ => new FixedWindowRateLimiterOptions { PermitLimit = 30, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("in-process"));
        });
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>>(sp => new ConfigureOptions<KestrelServerOptions>(o =>
        {
            // The per-request limit is set by the BodyLimit middleware (uploads take more than JSON).
            o.Limits.MaxRequestBodySize = sp.GetRequiredService<ServerOptions>().UploadLimit;
            o.AddServerHeader = false;
        }));
        services.AddHealthChecks();
    }

    private static void Configure(WebApplication app)
    {
        var options = app.Services.GetRequiredService<ServerOptions>();
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = ProblemResults.HandleAsync, SuppressDiagnosticsCallback = _ => true });
        app.UseStatusCodePages();
        app.UseMiddleware<Correlation>();
        app.UseMiddleware<BodyLimit>();
        if (options.StaticRoot is { } root && Directory.Exists(root))
        {
            // The web app (designer/dist, built by the next issue's workbench) is served at / when it exists.
            var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetFullPath(root));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseMiddleware<AccessMiddleware>();

        app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" })).WithTags("Operations").WithSummary("The process answers.");
        app.MapGet("/health/ready", async (ServerStore store, ServerState state, HttpContext ctx) =>
        {
            bool db;
            try { db = await store.PingAsync(ctx.RequestAborted); }
            catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException) { db = false; }
            var body = new { status = db && state.Restored ? "ready" : "not ready", database = db ? "reachable" : "unreachable", studiesRestored = state.Restored };
            return db && state.Restored ? Results.Ok(body) : Results.Json(body, statusCode: 503);
        }).WithTags("Operations").WithSummary("Ready when the database answers and every study was restored.");
        app.MapOpenApi();
        app.MapScalarApiReference(o => o.WithTitle("ProtocolEngine API"));

        var api = app.MapGroup("/api");
        AuthEndpoints.Map(api);
        ProtocolEndpoints.Map(api);
        StudyEndpoints.Map(api);
        WorkEndpoints.Map(api);
        RunEndpoints.Map(api);
        WorkbenchEndpoints.Map(api);
        DesignerEndpoints.Map(api);
    }
}
