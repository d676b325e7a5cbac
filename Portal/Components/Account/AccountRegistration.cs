using Microsoft.AspNetCore.Identity;
using Portal.Data.Accounts;

namespace Portal.Components.Account;

/// <summary>
/// Registration that does not tell whether an address already has an account: a taken address gets the answer a new
/// one gets, nothing is created and nobody is signed in. Registering never signs in, so the two answers are the same.
/// The portal sends no mail, so the owner of the existing account is told only through the log.
/// </summary>
public sealed class AccountRegistration(UserManager<PortalUser> users, TimeProvider time, ILogger<AccountRegistration> log)
{
    /// <summary>The errors to show; none when the registration was accepted (an account made, or the address taken).</summary>
    public async Task<IReadOnlyList<string>> RegisterAsync(string displayName, string email, string password)
    {
        var user = new PortalUser { UserName = email, Email = email, DisplayName = displayName, CreatedAt = time.GetUtcNow() };

        // What does not depend on the address being taken is checked first, so its answer is the same either way.
        var passwordErrors = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
            passwordErrors.AddRange((await validator.ValidateAsync(users, user, password)).Errors);
        if (passwordErrors.Count > 0)
            return Describe(passwordErrors);

        var existing = await users.FindByEmailAsync(email);
        if (existing is not null)
        {
            // Hash all the same, so that the time taken matches a registration that creates an account.
            users.PasswordHasher.HashPassword(user, password);
            return Taken(existing.Id);
        }

        var created = await users.CreateAsync(user, password);
        if (created.Succeeded)
        {
            log.LogInformation("Account {UserId} registered", user.Id);
            return [];
        }
        // Another registration of the same address in between.
        if (created.Errors.All(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName))
            && await users.FindByEmailAsync(email) is { } raced)
            return Taken(raced.Id);
        return Describe(created.Errors);
    }

    private List<string> Taken(Guid existingId)
    {
        log.LogWarning("Registration refused for the address of existing account {UserId}; nothing was created and the visitor was not told", existingId);
        return [];
    }

    private static List<string> Describe(IEnumerable<IdentityError> errors) => errors.Select(e => e.Description).Distinct().ToList();
}
