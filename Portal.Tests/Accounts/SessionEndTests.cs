using System.Net;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Account;
using Portal.Data.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Accounts;

/// <summary>Signing out, and changing the password, end the session: a copy of the old cookie no longer signs anyone in.</summary>
public sealed class SessionEndTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    /// <summary>The portal's clock stands still in tests; the stamp is checked once any time has passed since the cookie was issued.</summary>
    private void AMomentPasses() => portal.Time.Advance(TimeSpan.FromSeconds(1));

    [Fact]
    public async Task A_copy_of_the_cookie_signs_no_one_in_after_sign_out()
    {
        var user = await portal.CreateUserWithPasswordAsync();
        using var session = new WebSession(portal);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(user.Email, PasswordUsers.Password)).StatusCode);
        using var stolen = session.Copy();
        Assert.True(await stolen.IsSignedInAsync());

        using var signedOut = await session.SignOutAsync();
        AMomentPasses();

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/account/login", signedOut.Headers.Location!.OriginalString);
        Assert.False(session.HasSignInCookie);
        Assert.False(await stolen.IsSignedInAsync());
        Assert.False(stolen.HasSignInCookie);
    }

    [Fact]
    public async Task Sign_out_without_the_antiforgery_token_is_refused_and_the_session_stays()
    {
        var user = await portal.CreateUserWithPasswordAsync();
        using var session = new WebSession(portal);
        await session.SignInAsync(user.Email, PasswordUsers.Password);
        using var korean = session.Copy(language: "ko");

        using var withoutToken = await session.PostFormAsync("/account/logout", []);
        using var withForeignToken = await korean.PostFormAsync("/account/logout", [new("__RequestVerificationToken", "CfDJ8-not-a-token")]);
        AMomentPasses();

        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Contains("Sign-out was refused", await withoutToken.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, withForeignToken.StatusCode);
        Assert.Contains("로그아웃이 거부되었습니다", await withForeignToken.Content.ReadAsStringAsync());
        Assert.True(await session.IsSignedInAsync());
    }

    [Fact]
    public async Task Changing_the_password_ends_the_other_sessions_and_keeps_this_one()
    {
        var user = await portal.CreateUserWithPasswordAsync();
        using var here = new WebSession(portal);
        using var elsewhere = new WebSession(portal);
        await here.SignInAsync(user.Email, PasswordUsers.Password);
        await elsewhere.SignInAsync(user.Email, PasswordUsers.Password);

        using var changed = await here.SubmitAsync("/account/password", "change-password",
            ("Input.CurrentPassword", PasswordUsers.Password), ("Input.NewPassword", "Another-password-2027"), ("Input.ConfirmPassword", "Another-password-2027"));
        AMomentPasses();

        Assert.Contains("Your password was changed.", await changed.Content.ReadAsStringAsync());
        Assert.True(await here.IsSignedInAsync());
        Assert.False(await elsewhere.IsSignedInAsync());
    }

    [Fact]
    public async Task An_open_page_loses_its_session_once_the_account_signs_out_elsewhere()
    {
        var user = await portal.CreateUserWithPasswordAsync();
        await portal.InScopeAsync(async services =>
        {
            var signIn = services.GetRequiredService<SignInManager<PortalUser>>();
            var account = (await signIn.UserManager.FindByIdAsync(user.Id.ToString()))!;
            var circuitUser = await signIn.CreateUserPrincipalAsync(account);
            var revalidation = Assert.IsType<SessionRevalidation>(services.GetRequiredService<AuthenticationStateProvider>());
            Assert.True(await revalidation.IsCurrentAsync(circuitUser));

            await signIn.UserManager.UpdateSecurityStampAsync(account);

            Assert.False(await revalidation.IsCurrentAsync(circuitUser));
            return 0;
        });
    }
}
