using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Components.Account;
using Portal.Data.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Accounts;

/// <summary>
/// Sign-in budgets per client address and per account, set small here, and an address without an account answered
/// exactly as an account with a wrong password.
/// </summary>
public sealed class SignInThrottleTests(SignInThrottleTests.ThrottledPortal portal) : IClassFixture<SignInThrottleTests.ThrottledPortal>
{
    private const string English = "en", Korean = "ko";
    private const string WrongCredentials = "The email or password is not right.";
    private const string TooManyFromAddress = "Too many sign-in attempts from your network.";
    private const string TooManyForAccount = "This account is locked after too many failed attempts.";

    [Fact]
    public async Task Past_the_address_budget_every_attempt_is_refused_with_429_in_the_visitors_language()
    {
        var user = await portal.CreateUserWithPasswordAsync();
        using var session = new WebSession(portal, clientAddress: "198.51.100.1");
        for (var attempt = 0; attempt < ThrottledPortal.AttemptsPerAddress; attempt++)
            await ExpectAsync(session.SignInAsync(UnknownEmail(), "Wrong-password-1"), HttpStatusCode.OK, WrongCredentials);

        await ExpectAsync(session.SignInAsync(UnknownEmail(), "Wrong-password-1"), HttpStatusCode.TooManyRequests, TooManyFromAddress);
        await ExpectAsync(session.SignInAsync(user.Email, PasswordUsers.Password), HttpStatusCode.TooManyRequests, TooManyFromAddress);
        using var korean = new WebSession(portal, clientAddress: "198.51.100.1", language: Korean);
        await ExpectAsync(korean.SignInAsync(user.Email, PasswordUsers.Password), HttpStatusCode.TooManyRequests, "이 네트워크에서 로그인 시도가 너무 많습니다.");

        using var elsewhere = new WebSession(portal, clientAddress: "198.51.100.2", language: English);
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.SignInAsync(user.Email, PasswordUsers.Password)).StatusCode);
    }

    [Fact]
    public async Task Past_the_account_budget_known_and_unknown_addresses_are_refused_alike()
    {
        var user = await portal.CreateUserWithPasswordAsync();
        var unknown = UnknownEmail();
        // Each attempt from its own address, so that only the account's budget is at work.
        var address = 0;
        async Task<string> AttemptAsync(string email, string password, HttpStatusCode status, string message)
        {
            using var session = new WebSession(portal, clientAddress: $"203.0.113.{++address}");
            return WebSession.Comparable(await ExpectAsync(session.SignInAsync(email, password), status, message), email);
        }

        for (var attempt = 1; attempt < ThrottledPortal.FailuresPerAccount; attempt++)
            Assert.Equal(
                await AttemptAsync(user.Email, "Wrong-password-1", HttpStatusCode.OK, WrongCredentials),
                await AttemptAsync(unknown, "Wrong-password-1", HttpStatusCode.OK, WrongCredentials));
        Assert.Equal(
            await AttemptAsync(user.Email, "Wrong-password-1", HttpStatusCode.TooManyRequests, TooManyForAccount),
            await AttemptAsync(unknown, "Wrong-password-1", HttpStatusCode.TooManyRequests, TooManyForAccount));

        // Even the right password waits until the window is over.
        await AttemptAsync(user.Email, PasswordUsers.Password, HttpStatusCode.TooManyRequests, TooManyForAccount);
    }

    [Fact]
    public async Task An_unknown_address_costs_a_password_check_like_a_known_one_and_gets_the_same_answer()
    {
        var user = await portal.CreateUserWithPasswordAsync();
        var unknown = UnknownEmail();
        using var session = new WebSession(portal, clientAddress: "192.0.2.10");

        var before = portal.Checks.Count;
        var known = await ExpectAsync(session.SignInAsync(user.Email, "Wrong-password-1"), HttpStatusCode.OK, WrongCredentials);
        var afterKnown = portal.Checks.Count;
        var notKnown = await ExpectAsync(session.SignInAsync(unknown, "Wrong-password-1"), HttpStatusCode.OK, WrongCredentials);
        var afterUnknown = portal.Checks.Count;

        Assert.Equal(1, afterKnown - before);
        Assert.Equal(1, afterUnknown - afterKnown);
        Assert.Equal(WebSession.Comparable(known, user.Email), WebSession.Comparable(notKnown, unknown));
    }

    [Fact]
    public void Limits_come_from_validated_options()
    {
        var options = portal.Services.GetRequiredService<IOptions<SignInThrottleOptions>>().Value;
        Assert.Equal(ThrottledPortal.AttemptsPerAddress, options.AttemptsPerAddress);
        Assert.Equal(ThrottledPortal.FailuresPerAccount, options.FailuresPerAccount);

        Assert.Contains("lockout threshold", Refusal("Portal:SignIn:FailuresPerAccount", "11"));
        Assert.Contains("AttemptsPerAddress", Refusal("Portal:SignIn:AttemptsPerAddress", "0"));
    }

    /// <summary>What options validation says of one setting, with the portal's lockout threshold of 10.</summary>
    private static string Refusal(string key, string value)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build());
        services.Configure<IdentityOptions>(options => options.Lockout.MaxFailedAccessAttempts = 10);
        services.AddPortalAccounts();
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SignInThrottleOptions>>().Value).Message;
    }

    private static async Task<string> ExpectAsync(Task<HttpResponseMessage> attempt, HttpStatusCode status, string message)
    {
        using var response = await attempt;
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, html);
        return html;
    }

    private static string UnknownEmail() => $"{Guid.NewGuid():N}@nobody.test";

    /// <summary>Small budgets, a password hasher that counts its checks, and a client address a test chooses per request.</summary>
    public sealed class ThrottledPortal : PortalFactory
    {
        public const int AttemptsPerAddress = 4;
        public const int FailuresPerAccount = 3;

        public CheckCounter Checks { get; } = new();

        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [
            .. base.Settings,
            new("Portal:SignIn:AttemptsPerAddress", AttemptsPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Portal:SignIn:FailuresPerAccount", FailuresPerAccount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton(Checks);
                services.AddScoped<IPasswordHasher<PortalUser>, CountingPasswordHasher>();
                services.AddTransient<IStartupFilter, ClientAddressFromHeader>();
            });
        }    }

    public sealed class CheckCounter
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);
        public void Add() => Interlocked.Increment(ref _count);
    }

    /// <summary>The framework's hasher, counting how often a password is checked.</summary>
    public sealed class CountingPasswordHasher(CheckCounter checks, IOptions<PasswordHasherOptions> options) : PasswordHasher<PortalUser>(options)
    {
        public override PasswordVerificationResult VerifyHashedPassword(PortalUser user, string hashedPassword, string providedPassword)
        {
            checks.Add();
            return base.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    /// <summary>TestServer has no remote address; this gives each request the one its test names.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(WebSession.ClientAddressHeader, out var address))
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
