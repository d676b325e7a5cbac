using Portal.Api.Common;

namespace Portal.Components.Account;

/// <summary>
/// Texts of the sign-in, registration and password pages (AccountPageText.resx, AccountPageText.ko.resx).
/// The static properties serve data annotations (ErrorMessageResourceType), read at validation time,
/// so each message is in the culture of the request that is being validated.
/// </summary>
public sealed class AccountPageText
{
    public static string EnterEmail => Text(nameof(EnterEmail));
    public static string ValidEmail => Text(nameof(ValidEmail));
    public static string EnterPassword => Text(nameof(EnterPassword));
    public static string EnterName => Text(nameof(EnterName));
    public static string NameTooLong => Text(nameof(NameTooLong));
    public static string ChoosePassword => Text(nameof(ChoosePassword));
    public static string PasswordLength => Text(nameof(PasswordLength));
    public static string PasswordsDiffer => Text(nameof(PasswordsDiffer));
    public static string EnterCurrentPassword => Text(nameof(EnterCurrentPassword));
    public static string ChooseNewPassword => Text(nameof(ChooseNewPassword));

    private static string Text(string key) => Localized<AccountPageText>.Get(key);
}
