using Microsoft.AspNetCore.Identity;
using Portal.Api.Common;

namespace Portal.Components.Account;

/// <summary>
/// Identity's messages in the person's language. The email address is the user name here, so the
/// user-name messages speak of the email address (and the page shows a message said twice once).
/// </summary>
public sealed class PortalIdentityErrors : IdentityErrorDescriber
{
    public override IdentityError DefaultError() => Error(nameof(DefaultError), "Identity.DefaultError");
    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), "Identity.ConcurrencyFailure");
    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), "Identity.PasswordMismatch");
    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), "Identity.InvalidEmail", userName);
    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), "Identity.InvalidEmail", email);
    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), "Identity.EmailTaken", userName);
    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), "Identity.EmailTaken", email);
    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), "Identity.PasswordTooShort", length);
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Error(nameof(PasswordRequiresUniqueChars), "Identity.PasswordRequiresUniqueChars", uniqueChars);
    public override IdentityError PasswordRequiresNonAlphanumeric() => Error(nameof(PasswordRequiresNonAlphanumeric), "Identity.PasswordRequiresNonAlphanumeric");
    public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit), "Identity.PasswordRequiresDigit");
    public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower), "Identity.PasswordRequiresLower");
    public override IdentityError PasswordRequiresUpper() => Error(nameof(PasswordRequiresUpper), "Identity.PasswordRequiresUpper");

    private static IdentityError Error(string code, string key, params object?[] args) =>
        new() { Code = code, Description = Localized<AccountPageText>.Format(key, args) };
}
