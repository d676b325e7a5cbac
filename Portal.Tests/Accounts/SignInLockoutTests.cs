using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Accounts;

/// <summary>With the portal's own limits, Identity's lockout after ten wrong passwords still holds.</summary>
public sealed class SignInLockoutTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Ten_wrong_passwords_lock_the_account_and_the_right_one_then_waits()
    {
        var user = await portal.CreateUserWithPasswordAsync();
        using var session = new WebSession(portal);
        for (var attempt = 1; attempt < 10; attempt++)
            Assert.Contains("The email or password is not right.", await AnswerAsync(session.SignInAsync(user.Email, "Wrong-password-1"), HttpStatusCode.OK));

        Assert.Contains("This account is locked", await AnswerAsync(session.SignInAsync(user.Email, "Wrong-password-1"), HttpStatusCode.TooManyRequests));
        Assert.True(await portal.InScopeAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<PortalUser>>();
            return await users.IsLockedOutAsync((await users.FindByIdAsync(user.Id.ToString()))!);
        }));
        Assert.Contains("This account is locked", await AnswerAsync(session.SignInAsync(user.Email, PasswordUsers.Password), HttpStatusCode.TooManyRequests));
        Assert.False(session.HasSignInCookie);
    }

    private static async Task<string> AnswerAsync(Task<HttpResponseMessage> attempt, HttpStatusCode status)
    {
        using var response = await attempt;
        Assert.Equal(status, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}
