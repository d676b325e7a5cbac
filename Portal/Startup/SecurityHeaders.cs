using System.Security.Cryptography;

namespace Portal.Startup;

/// <summary>
/// Headers every response carries: a Content-Security-Policy that lets in only this site's own scripts (and the one inline
/// script Blazor renders, the import map, by a per-request nonce), its styles plus inline ones (MudBlazor sets style
/// attributes, CodeMirror injects style sheets), and connections to itself (Blazor's websocket); no framing, no plugins.
/// Nothing is loaded from another origin: the portal runs where no CDN can be reached. Plus nosniff and a referrer policy.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "portal.csp-nonce";

    /// <summary>The nonce of this request's Content-Security-Policy, for an inline script the portal itself renders.</summary>
    public static string CspNonce(this HttpContext context) =>
        context.Items[NonceKey] as string ?? throw new InvalidOperationException("UseSecurityHeaders did not run for this request.");

    public static string ContentSecurityPolicy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    // Scalar's API reference page starts itself with an inline script of its own making, without a nonce; it lives
    // under /scalar alone, reads only this site's OpenAPI document and runs nothing of ours.
    private const string ScalarPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)); // hex: nothing for HTML to escape
            context.Items[NonceKey] = nonce;
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/scalar") ? ScalarPolicy : ContentSecurityPolicy(nonce);
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers.XFrameOptions = "DENY";
            return next(context);
        });
}
