using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>The host the API tests run in: their own database, health, and the published API description.</summary>
public sealed class PortalHostTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task The_portal_runs_on_the_database_its_test_class_created()
    {
        var database = await portal.WithDbAsync(db => Task.FromResult(new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()).Database));
        Assert.Equal(portal.Database.Name, database);

        using var client = portal.CreateBootstrapClient();
        await client.PostJsonAsync("/api/v1/organizations", new { name = "Written through the API", kind = "research", country = "DE" })
            .ExpectAsync(HttpStatusCode.Created);

        await using var connection = new NpgsqlConnection(portal.Database.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM organizations WHERE name = 'Written through the API'", connection);
        Assert.Equal(1L, await query.ExecuteScalarAsync());
    }

    [Fact]
    public void The_portal_runs_in_the_testing_environment()
    {
        Assert.Equal("Testing", portal.Services.GetRequiredService<IHostEnvironment>().EnvironmentName);
    }

    [Fact]
    public async Task Health_answers_200_without_a_token_once_the_database_is_migrated()
    {
        using var client = portal.CreateAnonymousClient();
        var response = await client.GetAsync("/health").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_organisation_endpoints()
    {
        using var client = portal.CreateAnonymousClient();
        var response = await client.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        Assert.Equal(["get", "post"], Operations(paths, "/api/v1/organizations"));
        Assert.Equal(["delete", "get", "put"], Operations(paths, "/api/v1/organizations/{id}"));
        Assert.Equal(["get"], Operations(paths, "/api/v1/organizations/export.csv"));
        Assert.Equal(["get"], Operations(paths, "/api/v1/organizations/{id}/audit"));
    }

    private static string[] Operations(JsonElement paths, string path)
    {
        Assert.True(paths.TryGetProperty(path, out var item),
            $"{path} is not in the OpenAPI document; it has: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        return item.EnumerateObject().Select(o => o.Name).Where(n => n is "get" or "post" or "put" or "delete" or "patch").Order().ToArray();
    }

    [Fact]
    public async Task Anonymous_visitors_read_public_pages_and_are_sent_to_the_sign_in_page_elsewhere()
    {
        using var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var page = await client.GetAsync("/organizations");
        using var export = await client.GetAsync("/export/organizations.csv");
        using var tokens = await client.GetAsync("/account/tokens");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, tokens.StatusCode);
        Assert.StartsWith("/account/login", tokens.Headers.Location!.PathAndQuery);
    }
}
