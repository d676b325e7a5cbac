using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Portal.Api.Common;
using Portal.Data.Accounts;

namespace Portal.Components.Account;

public static class AccountEndpoints
{
    public static IEndpointConventionBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account");
        account.MapPost("/logout", SignOutAsync);
        return account;
    }

    /// <summary>
    /// Sign-out is a POST with an antiforgery token, so a link elsewhere cannot sign anyone out. The antiforgery
    /// middleware only checks endpoints that bind a form, which this one does not, so it checks here. A new security
    /// stamp ends the session everywhere: a copy of the cookie no longer signs anyone in.
    /// </summary>
    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> SignOutAsync(
        HttpContext context, [FromServices] IAntiforgery antiforgery, [FromServices] SignInManager<PortalUser> signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: Localized<AccountPageText>.Get("SignOutRefused"));
        if (await signIn.UserManager.GetUserAsync(context.User) is { } user)
            await signIn.UserManager.UpdateSecurityStampAsync(user);
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("/account/login");
    }
}
