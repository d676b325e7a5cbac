using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Api.Common;
using Portal.Components;
using Portal.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// bUnit with a fresh database and what every list component needs (MudBlazor, texts, data,
/// the caller, list totals, scoped work), signed in as a reader; a test class adds its feature's services.
/// </summary>
public abstract class DatabaseComponentContext : BunitContext, IAsyncLifetime
{
    private TestDatabaseName _database = null!;

    protected abstract void AddFeatureServices(IServiceCollection services);

    /// <summary>Who is signed in: a test that needs a real user sets its id claim here.</summary>
    protected Bunit.TestDoubles.BunitAuthorizationContext Authorization { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _database = await TestPostgres.CreateDatabaseAsync();
        Services.AddMudServices();
        Services.AddLocalization();
        Services.AddPortalData(_database.ConnectionString);
        Services.AddScoped<CallerResolver>();
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ListTotals>();
        Services.AddScoped<ScopedWork>();
        AddFeatureServices(Services);
        Authorization = AddAuthorization();
        Authorization.SetAuthorized("reader");
        JSInterop.Mode = JSRuntimeMode.Loose;
        Render<MudPopoverProvider>();
    }

    // MudBlazor's services are only asynchronously disposable.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_database.Name);
    }
}
