using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Accounts;

/// <summary>Registration answers an address that has an account exactly as one that has none, and never changes the existing account.</summary>
public sealed class RegistrationPrivacyTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private static Task<HttpResponseMessage> RegisterAsync(WebSession session, string name, string email, string password) =>
        session.SubmitAsync("/account/register", "register",
            ("Input.DisplayName", name), ("Input.Email", email), ("Input.Password", password), ("Input.ConfirmPassword", password));

    [Fact]
    public async Task Registering_a_taken_address_answers_as_a_new_one_and_creates_nothing()
    {
        var owner = await portal.CreateUserWithPasswordAsync("The owner");
        var fresh = $"{Guid.NewGuid():N}@users.test";
        using var newcomer = new WebSession(portal);
        using var prober = new WebSession(portal);

        using var created = await RegisterAsync(newcomer, "Someone", fresh, "Someones-password-1");
        using var taken = await RegisterAsync(prober, "Someone", owner.Email, "Someones-password-1");

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal(created.StatusCode, taken.StatusCode);
        Assert.Equal(created.Headers.Location, taken.Headers.Location);
        Assert.Equal(
            WebSession.Comparable(await created.Content.ReadAsStringAsync(), fresh),
            WebSession.Comparable(await taken.Content.ReadAsStringAsync(), owner.Email));
        Assert.False(newcomer.HasSignInCookie);
        Assert.False(prober.HasSignInCookie);

        var (owners, name) = await portal.WithDbAsync(async db =>
            (await db.Users.CountAsync(u => u.NormalizedEmail == owner.Email.ToUpperInvariant()),
             await db.Users.Where(u => u.Id == owner.Id).Select(u => u.DisplayName).SingleAsync()));
        Assert.Equal(1, owners);
        Assert.Equal("The owner", name);
        Assert.True(await PasswordWorksAsync(owner.Email, PasswordUsers.Password));
        Assert.False(await PasswordWorksAsync(owner.Email, "Someones-password-1"));
        Assert.True(await PasswordWorksAsync(fresh, "Someones-password-1"));

        using var next = await newcomer.GetAsync(created.Headers.Location!.OriginalString);
        Assert.Contains("If this address was new, your account is ready", WebUtility.HtmlDecode(await next.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_weak_password_gets_the_same_errors_whether_or_not_the_address_is_taken()
    {
        var owner = await portal.CreateUserWithPasswordAsync();
        var fresh = $"{Guid.NewGuid():N}@users.test";
        using var session = new WebSession(portal);

        using var forFresh = await RegisterAsync(session, "Someone", fresh, "alllowercase");
        using var forTaken = await RegisterAsync(session, "Someone", owner.Email, "alllowercase");

        Assert.Equal(HttpStatusCode.OK, forFresh.StatusCode);
        Assert.Equal(forFresh.StatusCode, forTaken.StatusCode);
        var freshPage = WebSession.Comparable(await forFresh.Content.ReadAsStringAsync(), fresh);
        Assert.Contains("at least one digit", freshPage);
        Assert.Equal(freshPage, WebSession.Comparable(await forTaken.Content.ReadAsStringAsync(), owner.Email));
    }

    private Task<bool> PasswordWorksAsync(string email, string password) =>
        portal.InScopeAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<PortalUser>>();
            return await users.FindByEmailAsync(email) is { } user && await users.CheckPasswordAsync(user, password);
        });
}
