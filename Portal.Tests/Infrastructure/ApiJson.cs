using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Portal.Tests.Infrastructure;

/// <summary>Reads and writes the API's JSON as a client would: camelCase, enums in snake_case.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Asserts the status, showing the body when it differs: a failing test then says why.</summary>
    public static async Task<HttpResponseMessage> ExpectAsync(this Task<HttpResponseMessage> request, HttpStatusCode status)
    {
        var response = await request;
        if (response.StatusCode != status)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {(int)status} {status} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}, " +
                        $"got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
        return response;
    }

    public static async Task<T> ExpectAsync<T>(this Task<HttpResponseMessage> request, HttpStatusCode status)
    {
        var response = await request.ExpectAsync(status);
        return (await response.Content.ReadFromJsonAsync<T>(Options))!;
    }

    /// <summary>A 400 with field-level messages; answers the problem so that its fields can be checked.</summary>
    public static Task<HttpValidationProblemDetails> ExpectValidationProblemAsync(this Task<HttpResponseMessage> request) =>
        request.ExpectAsync<HttpValidationProblemDetails>(HttpStatusCode.BadRequest);

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, Options);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body, Options);

    public static Task<T> GetJsonAsync<T>(this HttpClient client, string url) =>
        client.GetAsync(url).ExpectAsync<T>(HttpStatusCode.OK);
}
