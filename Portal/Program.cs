using Portal.Api;
using Portal.Data;
using Portal.Data.Database;
using Portal.Startup;

// `Portal healthcheck [url]`: the container's health probe, without curl in the image.
if (args is ["healthcheck", ..])
    return await HealthProbe.RunAsync(args.Length > 1 ? args[1] : "http://localhost:8080/health");

var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration["PORTAL_URLS"] is { Length: > 0 } urls)
    builder.WebHost.UseUrls(urls);

// The database comes first: the configured server, or the embedded private cluster under .data/.
using var startupLogs = LoggerFactory.Create(logging => logging.AddConsole());
await using var database = await PortalDatabase.OpenAsync(builder.Configuration, builder.Environment.ContentRootPath, startupLogs.CreateLogger("Portal.Database"));

if (args.Contains("migrate"))
{
    await PortalMigrations.MigrateAsync(database.ConnectionString);
    startupLogs.CreateLogger("Portal").LogInformation("Migrations applied");
    return 0;
}

// `Portal seed --synthetic N`: a large registry for load tests (docs/benchmarks.md).
if (args is ["seed", ..])
    return await SeedCommand.RunAsync(args, database.ConnectionString, startupLogs.CreateLogger("Portal.Seed"));

builder.Services.AddPortalData(database.ConnectionString);
builder.Services.AddPortalApi();
builder.Services.AddPortalWeb(builder.Configuration);

var app = builder.Build();
app.UsePortalWeb();
app.MapPortalApi();
app.MapPortalWeb();
await app.RunAsync();
return 0;

/// <summary>Exposed for WebApplicationFactory in the tests.</summary>
public partial class Program;
