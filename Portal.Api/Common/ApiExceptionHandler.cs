using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Portal.Api.Common;

/// <summary>
/// An unhandled exception under /api answers a 500 problem that carries a trace id and nothing of the exception (type,
/// message, stack, source paths), in every environment: the exception itself is logged by the exception handler
/// middleware under that id. Pages get the /error page instead.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public const string TraceIdKey = "traceId";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // The original path: with an error page configured, the request's own path already names that page here.
        var path = context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path.Value;
        if (path is null || !new PathString(path).StartsWithSegments("/api"))
            return false;
        var traceId = Activity.Current?.Id ?? context.TraceIdentifier;
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = Localized<SharedText>.Get("InternalErrorTitle"),
                Detail = Localized<SharedText>.Format("InternalErrorDetail", traceId),
                Extensions = { [TraceIdKey] = traceId },
            },
        });
    }
}
