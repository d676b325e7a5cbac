using System.Net;
using System.Text.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>Issue 16: a huge page overflowed into a negative OFFSET (500). Every list that pages refuses it, naming page.</summary>
public sealed class PagingBoundsTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    /// <summary>
    /// Every GET in the OpenAPI document that pages: those that declare a page parameter (path parameters filled in), and
    /// those whose answer is the list envelope (lists that bind their query as one record declare no parameters).
    /// </summary>
    private async Task<List<string>> PagedListsAsync(HttpClient client)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var lists = new List<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            if (!path.Value.TryGetProperty("get", out var get))
                continue;
            var parameters = get.TryGetProperty("parameters", out var declared) ? declared.EnumerateArray().ToList() : [];
            var url = path.Name;
            foreach (var p in parameters.Where(p => p.GetProperty("in").GetString() == "path"))
                url = url.Replace("{" + p.GetProperty("name").GetString() + "}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
            if (parameters.Any(p => p.GetProperty("name").GetString() == "page" && p.GetProperty("in").GetString() == "query"))
            {
                lists.Add(url);
                continue;
            }
            if (url.Contains('{', StringComparison.Ordinal))
                continue;
            using var response = await client.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("pageSize", out _))
                    lists.Add(url);
            }
        }
        return lists;
    }

    [Theory]
    [InlineData(99_999_999)]
    [InlineData(int.MaxValue)]
    [InlineData(10_737_419)] // with pageSize 200: the first page whose offset passes int.MaxValue
    public async Task A_page_past_what_an_offset_can_hold_is_answered_400_naming_page_on_every_list(int page)
    {
        using var client = portal.CreateBootstrapClient();
        var lists = await PagedListsAsync(client);
        Assert.True(lists.Count >= 7, $"Only {lists.Count} paged lists found: {string.Join(", ", lists)}");

        foreach (var list in lists)
        {
            var size = page == 10_737_419 ? "&pageSize=200" : "";
            using var response = await client.GetAsync($"{list}?page={page}{size}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{list}: {(int)response.StatusCode} {body}");
            using var problem = JsonDocument.Parse(body);
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("page", out _), $"{list}: {body}");
        }
    }

    [Fact]
    public async Task The_last_page_an_offset_can_hold_is_still_answered()
    {
        using var client = portal.CreateBootstrapClient();
        foreach (var list in await PagedListsAsync(client))
        {
            if (list.Contains("00000000", StringComparison.Ordinal) || list.Split('/').Any(s => Guid.TryParse(s, out _)))
                continue; // a made-up parent answers 404
            using var response = await client.GetAsync($"{list}?page={int.MaxValue / 200}&pageSize=200");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{list}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
