using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Portal.Api.Common;

/// <summary>
/// A cap on an endpoint's request body: beyond it the request is answered 413 with a problem, whether the body announces
/// its length or is sent chunked. The same metadata sets Kestrel's own limit for the request.
/// </summary>
public static class RequestBodyCaps
{
    private sealed record Cap(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;

    public static TBuilder WithRequestBodyCap<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Cap(bytes));

    /// <summary>After routing, before anything reads a body.</summary>
    public static IApplicationBuilder UseRequestBodyCaps(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is not Cap { MaxRequestBodySize: { } cap })
            {
                await next(context);
                return;
            }
            if (context.Request.ContentLength > cap)
            {
                await TooLarge(cap).ExecuteAsync(context);
                return;
            }
            context.Request.Body = new CappedStream(context.Request.Body, cap);
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
            {
                await TooLarge(cap).ExecuteAsync(context);
            }
        });

    private static IResult TooLarge(long cap) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: Localized<SharedText>.Get("PayloadTooLargeTitle"),
            detail: Localized<SharedText>.Format("PayloadTooLarge", cap));

    /// <summary>Reads through to the request body and throws a 413 once more than the cap has come.</summary>
    private sealed class CappedStream(Stream inner, long cap) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > cap)
                throw new BadHttpRequestException($"The request body is larger than {cap} bytes.", StatusCodes.Status413PayloadTooLarge);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
