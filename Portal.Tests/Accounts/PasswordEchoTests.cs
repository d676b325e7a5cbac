using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Accounts;

/// <summary>A form answered again after a failed post never carries a typed password in its HTML.</summary>
public sealed class PasswordEchoTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_wrong_sign_in_keeps_the_address_but_not_the_password()
    {
        var user = await portal.CreateUserWithPasswordAsync();
        using var session = new WebSession(portal);

        var page = await PageAsync(session.SignInAsync(user.Email, "Wrong-password-echo-1"));

        Assert.Contains("The email or password is not right.", page);
        Assert.Contains(user.Email, page);
        Assert.DoesNotContain("Wrong-password-echo-1", page);
    }

    [Fact]
    public async Task A_refused_registration_does_not_send_the_passwords_back()
    {
        using var session = new WebSession(portal);

        var page = await PageAsync(session.SubmitAsync("/account/register", "register",
            ("Input.DisplayName", "Someone"), ("Input.Email", $"{Guid.NewGuid():N}@users.test"),
            ("Input.Password", "Firstpasswordecho"), ("Input.ConfirmPassword", "Second-password-echo-2")));

        Assert.Contains("Someone", page);
        Assert.DoesNotContain("Firstpasswordecho", page);
        Assert.DoesNotContain("Second-password-echo-2", page);
    }

    [Fact]
    public async Task A_refused_password_change_does_not_send_the_passwords_back()
    {
        var user = await portal.CreateUserWithPasswordAsync();
        using var session = new WebSession(portal);
        await session.SignInAsync(user.Email, PasswordUsers.Password);

        var page = await PageAsync(session.SubmitAsync("/account/password", "change-password",
            ("Input.CurrentPassword", "Not-the-current-echo-3"), ("Input.NewPassword", "New-password-echo-4"),
            ("Input.ConfirmPassword", "New-password-echo-4")));

        Assert.Contains("<form", page);
        Assert.DoesNotContain("Not-the-current-echo-3", page);
        Assert.DoesNotContain("New-password-echo-4", page);
    }

    private static async Task<string> PageAsync(Task<HttpResponseMessage> post)
    {
        using var response = await post;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}
