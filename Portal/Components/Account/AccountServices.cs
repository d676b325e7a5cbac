using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Portal.Components.Account;

public static class AccountServices
{
    /// <summary>Sessions that end when the account signs out or changes its password, and sign-in and registration that reveal no accounts.</summary>
    public static IServiceCollection AddPortalAccounts(this IServiceCollection services)
    {
        // Every cookie-authenticated request checks the security stamp (one lookup by primary key): sign-out and a
        // password change then end every other session at once, not after Identity's default 30 minutes. Most of a
        // signed-in person's traffic runs over the Blazor circuit, which SessionRevalidation checks every minute.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.Zero);
        services.AddScoped<AuthenticationStateProvider, SessionRevalidation>();

        services.AddOptions<SignInThrottleOptions>()
            .BindConfiguration(SignInThrottleOptions.Section)
            .ValidateDataAnnotations()
            .Validate<IOptions<IdentityOptions>>(
                (throttle, identity) => throttle.FailuresPerAccount <= identity.Value.Lockout.MaxFailedAccessAttempts,
                "Portal:SignIn:FailuresPerAccount must not exceed the lockout threshold, or an unknown address answers differently from a locked account.")
            .ValidateOnStart();
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<AccountRegistration>();
        return services;
    }
}
