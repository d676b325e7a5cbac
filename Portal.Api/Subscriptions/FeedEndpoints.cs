using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using System.Globalization;

namespace Portal.Api.Subscriptions;

/// <summary>The addresses of the Atom feeds, for the endpoints and for the pages that advertise them.</summary>
public static class FeedPaths
{
    public static string Sku(Guid id) => $"/feeds/skus/{id}.atom";
    public static string Deployment(Guid id) => $"/feeds/deployments/{id}.atom";
    public static string Organization(Guid id) => $"/feeds/organizations/{id}.atom";
}

/// <summary>
/// <c>GET /feeds/{skus|deployments|organizations}/{id}.atom</c>. Their content is what an anonymous reader may see
/// (<see cref="FeedService"/>), whoever asks: they are open to anonymous readers, so a feed reader needs no credentials.
/// </summary>
public static class FeedEndpoints
{
    public static RouteGroupBuilder MapFeeds(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/feeds").WithTags("Feeds").AllowAnonymous();
        group.MapGet("/skus/{id:guid}.atom", (Guid id, HttpContext context, FeedService feeds, CancellationToken ct) =>
            WriteAsync(context, feeds.SkuAsync(id, ct), FeedPaths.Sku(id))).WithName("SkuFeed");
        group.MapGet("/deployments/{id:guid}.atom", (Guid id, HttpContext context, FeedService feeds, CancellationToken ct) =>
            WriteAsync(context, feeds.DeploymentAsync(id, ct), FeedPaths.Deployment(id))).WithName("DeploymentFeed");
        group.MapGet("/organizations/{id:guid}.atom", (Guid id, HttpContext context, FeedService feeds, CancellationToken ct) =>
            WriteAsync(context, feeds.OrganizationAsync(id, ct), FeedPaths.Organization(id))).WithName("OrganizationFeed");
        return group;
    }

    private static async Task<Results<ContentHttpResult, NotFound>> WriteAsync(HttpContext context, Task<AtomFeed?> read, string selfPath)
    {
        if (await read is not { } feed)
            return TypedResults.NotFound();
        var origin = new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/");
        var xml = AtomWriter.Write(feed, origin, selfPath.TrimStart('/'), CultureInfo.CurrentUICulture.Name is { Length: > 0 } name ? name : "en");
        return TypedResults.Content(xml, AtomWriter.ContentType);
    }
}
