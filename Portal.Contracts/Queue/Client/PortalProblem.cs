using System.Net;
using System.Text;
using System.Text.Json;

namespace Portal.Contracts.Queue;

/// <summary>
/// What the portal said when it refused a call: an RFC 9457 problem (title, detail, field errors), the status code,
/// and Retry-After when it asked the caller to slow down.
/// </summary>
public sealed record PortalProblem(
    int Status,
    string Title,
    string? Detail,
    IReadOnlyDictionary<string, string[]> Errors,
    TimeSpan? RetryAfter = null)
{
    /// <summary>Worth trying again later: the portal (or a proxy in front of it) is overloaded, restarting or failing.</summary>
    public bool IsTransient => Status is >= 500 or (int)HttpStatusCode.TooManyRequests or (int)HttpStatusCode.RequestTimeout;

    /// <summary>One line: status, what went wrong, and each field's messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder($"HTTP {Status}");
        text.Append(Detail is { Length: > 0 } ? $": {Detail}" : $": {Title}");
        foreach (var (field, messages) in Errors)
        {
            // ValidationProblem's detail already joins the messages; name the fields only when it did not.
            if (Detail is null || !messages.All(Detail.Contains))
                text.Append($" [{field}: {string.Join(" ", messages)}]");
        }
        if (RetryAfter is { } wait)
            text.Append($" (retry after {wait.TotalSeconds:0} s)");
        return text.ToString();
    }

    public static async Task<PortalProblem> ReadAsync(HttpResponseMessage response, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var title = response.ReasonPhrase ?? response.StatusCode.ToString();
        string? detail = null;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String)
                    title = t.GetString()!;
                if (root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String)
                    detail = d.GetString();
                if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in e.EnumerateObject())
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                            ? field.Value.EnumerateArray().Select(m => m.ToString()).ToArray()
                            : [field.Value.ToString()];
                }
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's HTML page, an empty body): keep the start of what came, as the detail.
            if (!string.IsNullOrWhiteSpace(body))
                detail = body.Length > 200 ? body[..200] + "…" : body.Trim();
        }
        return new PortalProblem(status, title, detail, errors, RetryAfterOf(response, time));
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}

/// <summary>The portal answered with an error status; <see cref="Problem"/> says what it was.</summary>
public sealed class PortalProblemException(PortalProblem problem) : Exception(problem.Describe())
{
    public PortalProblem Problem { get; } = problem;

    public int Status => Problem.Status;
}
