using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using Portal.Api.Common;
using Portal.Components;
using Portal.Components.Account;
using Portal.Components.Deployments;
using Portal.Components.Layout;
using Portal.Components.Organizations;
using Portal.Components.Shared;
using Portal.Components.Skus;
using Portal.Data;
using Portal.Data.Accounts;
using Scalar.AspNetCore;

namespace Portal.Startup;

public static class PortalWebExtensions
{
    /// <summary>Identity, Blazor with MudBlazor, data-protection keys in PostgreSQL, health, options.</summary>
    public static IServiceCollection AddPortalWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PortalOptions>()
            .Bind(configuration.GetSection(PortalOptions.Section))
            .PostConfigure<IHostEnvironment>((o, environment) =>
            {
                o.BootstrapToken ??= configuration["PORTAL_BOOTSTRAP_TOKEN"];
                o.LocalAgentToken ??= configuration["PORTAL_LOCAL_AGENT_TOKEN"];
                o.DemoData ??= environment.IsDevelopment();
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PortalOptions>, PortalOptionsValidator>();
        services.AddSingleton(TimeProvider.System);

        services.AddLocalization();
        // Korean pages: write Hangul as text, not as one numeric entity per syllable.
        services.AddWebEncoders(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(options => PortalCultures.Configure(options));

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddTransient<MudLocalizer, PortalMudLocalizer>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<ScopedWork>();
        services.AddScoped<DemoUsers>();
        services.AddHostedService<DatabaseStartup>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddIdentityCore<PortalUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<PortalIdentityErrors>();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/account/login";
            options.AccessDeniedPath = "/account/login";
            options.Cookie.Name = "portal.auth";
        });
        services.AddPortalAccounts();

        // Keys live in PostgreSQL so that replicas behind a load balancer share sign-ins.
        services.AddDataProtection()
            .SetApplicationName("ConsortiumPortal")
            .PersistKeysToDbContext<PortalDbContext>();

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddPortalMetrics();

        // No Server header. Behind a reverse proxy the scheme and client address come from X-Forwarded-Proto/-For,
        // trusted from a proxy on this host (README "Deployment"); cookies are Secure whenever the request is https.
        services.Configure<KestrelServerOptions>(options => options.AddServerHeader = false);
        services.Configure<ForwardedHeadersOptions>(options => options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        services.Configure<CookiePolicyOptions>(options => options.Secure = CookieSecurePolicy.SameAsRequest);
        return services;
    }

    public static WebApplication UsePortalWeb(this WebApplication app)
    {
        app.UseForwardedHeaders();
        // In every environment, Development too: an error answers a problem (API) or the error page with a trace id, never
        // the exception's text, since a Development portal may well be reachable from other hosts (run.sh defaults to it).
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        // HSTS only on https responses (and never for localhost): what a browser reached over https stays on https.
        if (!app.Environment.IsDevelopment())
            app.UseHsts();
        app.UseSecurityHeaders();
        app.UseCookiePolicy();
        app.UseStatusCodePages();
        app.UseRequestLocalization();
        app.UseLanguageFromLinks();
        // Before anything reads a request: the body caps first, then the input rule on query, route and body text, then the
        // answer to values that do not bind.
        app.UseRequestBodyCaps();
        app.UseControlCharacterRefusal();
        app.UseBindingFailureProblems();
        // Explicitly after localisation (the framework would otherwise put them first), so that a 401 speaks the request's language.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapPortalWeb(this WebApplication app)
    {
        app.MapStaticAssets();
        // Our own policy says frame-ancestors (SecurityHeaders); Blazor's second header saying it too is left out.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
        app.MapAccountEndpoints();
        app.MapCultureSelection();
        app.MapCsvExports();
        app.MapOpenApi().AllowAnonymous();
        // Scalar's own bundle, served from here. Everything that would reach Scalar's cloud is off: its default fonts (a
        // CDN), its hosted client, its AI agent, its MCP generator, its telemetry. Neither the CSP nor the network where
        // the portal runs lets them through, and a partner's API calls stay between the browser and the portal.
        app.MapScalarApiReference(options => options.WithTitle("Consortium Portal API").WithFavicon("/favicon.svg")
            .DisableDefaultFonts().HideClientButton().DisableAgent().DisableMcp().DisableTelemetry()).AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapPortalMetrics();
        return app;
    }
}
