using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Portal.Api.Accounts;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Accounts;
using Portal.Data.Audit;
using Portal.Data.Organizations;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The portal as a test class sees it: its own fresh database on the run's shared cluster, the
/// "Testing" environment, a bootstrap token, and a clock the test moves by hand.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string BootstrapToken = "test-bootstrap-token-0123456789abcdefghijk";

    private readonly TestDatabaseName? _existing;
    private int _disposed;

    public PortalFactory()
    {
    }

    /// <summary>A portal on a database that another portal used before (a restart); the database is left to its owner.</summary>
    protected PortalFactory(TestDatabaseName existing) => _existing = existing;

    /// <summary>
    /// The portal's clock: it starts at the real time (so that cookies and keys a browser sees are
    /// current) and then moves only when a test advances it.
    /// </summary>
    public FakeTimeProvider Time { get; } = TestDatabase.ClockStartingNow();

    /// <summary>Whether the portal runs on <see cref="Time"/>; a subclass that needs the real clock turns it off.</summary>
    protected virtual bool UsesFakeTime => true;

    public TestDatabaseName Database { get; private set; } = null!;

    /// <summary>Configuration the portal reads in Program, before its host is built.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Portal:BootstrapToken", BootstrapToken),
    ];

    public async Task InitializeAsync()
    {
        Database = _existing ?? await TestPostgres.CreateDatabaseAsync();
        // Start now, so that a portal that cannot start fails the fixture rather than the first test.
        StartServer();
        await StartedAsync();
    }

    /// <summary>Runs once the portal is up, before the first test of the class.</summary>
    protected virtual Task StartedAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Interlocked.Exchange(ref _disposed, 1) == 1 || Database is null)
            return;
        NpgsqlConnection.ClearPool(new NpgsqlConnection(Database.ConnectionString));
        if (_existing is null)
            await TestPostgres.DropDatabaseAsync(Database.Name);
        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Portal", Database.ConnectionString);
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        // appsettings.json sets Default to Information; tests want warnings and errors only.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        if (UsesFakeTime)
        {
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Time);
            });
        }
    }

    public HttpClient CreateAnonymousClient() => CreateClient();

    public HttpClient CreateBootstrapClient() => CreateClientWithToken(BootstrapToken);

    public HttpClient CreateClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client acting as <paramref name="user"/>, through a personal token minted the way the API mints them.</summary>
    public async Task<HttpClient> CreateClientForAsync(TestUser user) =>
        CreateClientWithToken(await MintTokenAsync(user));

    public Task<string> MintTokenAsync(TestUser user, int expiresInDays = ApiTokenService.DefaultDays) =>
        InScopeAsync(async services =>
        {
            var caller = await services.GetRequiredService<CallerResolver>().ResolveAsync(user.Id, CancellationToken.None)
                ?? throw new InvalidOperationException($"User {user.Email} does not exist.");
            var outcome = await services.GetRequiredService<ApiTokenService>()
                .CreateAsync(caller, new ApiTokenInput { Name = $"tests {Guid.CreateVersion7():N}", ExpiresInDays = expiresInDays }, CancellationToken.None);
            return outcome is Outcome<CreatedApiTokenDto>.Success created
                ? created.Value.Token
                : throw new InvalidOperationException($"Minting a token for {user.Email} failed: {outcome}");
        });

    /// <summary>A user with the given roles, created the way the portal creates them (Identity), without a password.</summary>
    public Task<TestUser> CreateUserAsync(string displayName, bool consortiumAdmin = false, params (Guid OrganizationId, MemberRole Role)[] memberships) =>
        InScopeAsync(async services =>
        {
            var email = $"{Guid.NewGuid():N}@users.test";
            var user = new PortalUser
            {
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                DisplayName = displayName,
                IsConsortiumAdmin = consortiumAdmin,
                CreatedAt = Time.GetUtcNow(),
            };
            var created = await services.GetRequiredService<UserManager<PortalUser>>().CreateAsync(user);
            if (!created.Succeeded)
                throw new InvalidOperationException(string.Join(" ", created.Errors.Select(e => e.Description)));
            if (memberships.Length > 0)
            {
                var db = services.GetRequiredService<PortalDbContext>();
                db.Memberships.AddRange(memberships.Select(m => new Membership
                {
                    OrganizationId = m.OrganizationId, UserId = user.Id, Role = m.Role, JoinedAt = Time.GetUtcNow(),
                }));
                db.Actor = AuditActor.System;
                await db.SaveChangesAsync();
            }
            return new TestUser(user.Id, email, displayName);
        });

    /// <summary>Stores an organisation directly, as seed data for a test; answers its id.</summary>
    public Task<Guid> AddOrganizationAsync(
        string name,
        OrganizationKind kind = OrganizationKind.Research,
        string country = "KR",
        string? website = null,
        string? description = null,
        params Guid[] allianceIds) =>
        WithDbAsync(async db =>
        {
            var now = Time.GetUtcNow();
            var organization = new Organization
            {
                Name = name,
                Kind = kind,
                Country = country,
                Website = website,
                Description = description,
                CreatedAt = now,
                UpdatedAt = now,
                Alliances = await db.Alliances.Where(a => allianceIds.Contains(a.Id)).ToListAsync(),
            };
            db.Organizations.Add(organization);
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync();
            return organization.Id;
        });

    public Task<Guid> AddAllianceAsync(string name, string? description = null) =>
        WithDbAsync(async db =>
        {
            var alliance = new Alliance { Name = name, Description = description, CreatedAt = Time.GetUtcNow() };
            db.Alliances.Add(alliance);
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync();
            return alliance.Id;
        });

    public Task<JoinRequest> AddJoinRequestAsync(Guid organizationId, TestUser user, MemberRole role) =>
        WithDbAsync(async db =>
        {
            var request = new JoinRequest
            {
                OrganizationId = organizationId, UserId = user.Id, RequestedRole = role,
                Status = JoinRequestStatus.Pending, CreatedAt = Time.GetUtcNow(),
            };
            db.JoinRequests.Add(request);
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync();
            return request;
        });

    public Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work) =>
        InScopeAsync(services => work(services.GetRequiredService<PortalDbContext>()));

    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }
}

public sealed record TestUser(Guid Id, string Email, string DisplayName);

/// <summary>A portal started the way Development starts: demo organisations and users, bootstrap token from the environment variable's key.</summary>
public class DemoPortalFactory : PortalFactory
{
    public const string DemoPassword = "Demo-portal-2026-tests";

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("PORTAL_BOOTSTRAP_TOKEN", BootstrapToken),
        new("Portal:DemoData", "true"),
        new("Portal:DemoPassword", DemoPassword),
    ];
}
