using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.IO;
using Microsoft.Net.Http.Headers;

namespace Portal.Api.Common;

/// <summary>
/// Conditional GETs for the API's JSON reads: each 200 carries an <c>ETag</c> (a hash of the body exactly as sent) and a
/// <c>Cache-Control</c>, and a request whose <c>If-None-Match</c> names the current ETag gets <c>304 Not Modified</c> with
/// no body. A response to a signed-in caller is <c>private</c> (no shared cache may keep it, so it is never served to
/// someone else) and revalidated every time (<c>no-cache</c>); one to an anonymous reader is <c>public</c> for a minute.
/// Streams (CSV exports, server-sent events) and errors pass through untouched.
/// </summary>
/// <remarks>
/// The body is built, then hashed: the server still reads the database, but a client or a proxy that holds the body gets
/// 31 bytes instead of it. Every answer says what it varies with, since the body depends on who asks and in what language.
/// </remarks>
public static class ConditionalGets
{
    public const string PrivateCacheControl = "private, no-cache";
    public const string PublicCacheControl = "public, max-age=60";
    public const string VaryHeaders = "Authorization, Cookie, Accept-Language";

    /// <summary>
    /// The bodies are built in pooled blocks: a list page is 15–40 KB, and a MemoryStream growing to it by doubling allocated
    /// about 128 KB per request, a third of all the allocation (and so of the collections) under load.
    /// </summary>
    private static readonly RecyclableMemoryStreamManager Buffers = new();

    public static TBuilder WithConditionalGets<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            return HttpMethods.IsGet(context.HttpContext.Request.Method) && Unwrap(result) is IStatusCodeHttpResult { StatusCode: 200 } and IValueHttpResult
                ? new ConditionalResult((IResult)result!)
                : result;
        });

    private static object? Unwrap(object? result)
    {
        while (result is INestedHttpResult nested)
            result = nested.Result;
        return result;
    }

    /// <summary>The ETag of a body: a quoted, URL-safe base64 of the first 16 bytes of its SHA-256.</summary>
    public static string ETagOf(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(body, hash);
        return ETagOfHash(hash);
    }

    /// <summary><see cref="ETagOf(ReadOnlySpan{byte})"/> of a body held in several blocks.</summary>
    public static string ETagOf(ReadOnlySequence<byte> body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var block in body)
            sha.AppendData(block.Span);
        Span<byte> hash = stackalloc byte[32];
        sha.GetHashAndReset(hash);
        return ETagOfHash(hash);
    }

    private static string ETagOfHash(ReadOnlySpan<byte> hash) =>
        "\"" + Convert.ToBase64String(hash[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"";

    private sealed class ConditionalResult(IResult inner) : IResult, INestedHttpResult
    {
        public IResult Result => inner;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var original = response.Body;
            await using var buffer = Buffers.GetStream();
            response.Body = buffer;
            try
            {
                await inner.ExecuteAsync(httpContext);
                await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
            }
            finally
            {
                response.Body = original;
            }

            var body = buffer.GetReadOnlySequence();
            var etag = ETagOf(body);
            var anonymous = httpContext.User.Identity?.IsAuthenticated != true && httpContext.Request.Headers.Authorization.Count == 0;
            response.Headers.ETag = etag;
            response.Headers.CacheControl = anonymous ? PublicCacheControl : PrivateCacheControl;
            response.Headers.Vary = VaryHeaders;
            if (Matches(httpContext.Request, etag))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                response.ContentType = null;
                response.ContentLength = null;
                return;
            }
            response.ContentLength = buffer.Length;
            foreach (var block in body)
                await original.WriteAsync(block, httpContext.RequestAborted);
        }

        private static bool Matches(HttpRequest request, string etag)
        {
            var ifNoneMatch = request.GetTypedHeaders().IfNoneMatch;
            if (ifNoneMatch is null || ifNoneMatch.Count == 0)
                return false;
            var current = new EntityTagHeaderValue(etag);
            // If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
            return ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
        }
    }
}
