using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Portal.Api.Common;

/// <summary>The 401 of the bearer schemes: an RFC 9457 problem saying which token to send, in the request's language.</summary>
public static class BearerChallenge
{
    public static Task WriteAsync(HttpContext context, string title, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return context.Response.WriteAsJsonAsync(new
        {
            type = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
            title,
            status = StatusCodes.Status401Unauthorized,
            detail,
        }, options: (JsonSerializerOptions?)null, contentType: "application/problem+json", cancellationToken: context.RequestAborted);
    }
}
