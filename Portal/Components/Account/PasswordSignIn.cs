using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Portal.Data.Accounts;

namespace Portal.Components.Account;

public enum SignInAnswer
{
    SignedIn,
    WrongCredentials,
    TooManyForAccount,
    TooManyFromAddress,
}

/// <summary>
/// Sign-in by e-mail and password, answering an address without an account exactly as an account with a wrong
/// password: same message, a password hash checked all the same (so the time taken tells nothing), the same
/// per-account budget, and the lockout message once that budget is spent.
/// </summary>
public sealed class PasswordSignIn(SignInManager<PortalUser> signIn, IPasswordHasher<PortalUser> hasher, SignInThrottle throttle)
{
    private static readonly PortalUser NoOne = new() { UserName = "", Email = "", DisplayName = "" };
    private static string? s_unknownAccountHash;

    public async Task<SignInAnswer> SignInAsync(IPAddress? address, string email, string password)
    {
        if (!throttle.TryAttemptFrom(address))
            return SignInAnswer.TooManyFromAddress;
        var users = signIn.UserManager;
        var account = users.NormalizeName(email);
        if (!throttle.MayTry(account))
            return SignInAnswer.TooManyForAccount;

        var user = await users.FindByNameAsync(email);
        SignInResult result;
        if (user is null)
        {
            hasher.VerifyHashedPassword(NoOne, UnknownAccountHash(), password);
            result = SignInResult.Failed;
        }
        else
        {
            result = await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: true);
        }
        if (result.Succeeded)
            return SignInAnswer.SignedIn;

        throttle.RecordFailure(account);
        return result.IsLockedOut || !throttle.MayTry(account) ? SignInAnswer.TooManyForAccount : SignInAnswer.WrongCredentials;
    }

    /// <summary>A hash made by the portal's own hasher, so checking against it costs what checking a real one does.</summary>
    private string UnknownAccountHash() =>
        LazyInitializer.EnsureInitialized(ref s_unknownAccountHash, () => hasher.HashPassword(NoOne, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));
}
