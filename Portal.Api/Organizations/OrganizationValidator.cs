using Microsoft.EntityFrameworkCore;
using Portal.Api.Alliances;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Organizations;

namespace Portal.Api.Organizations;

/// <summary>The rules for an organisation's fields, used by the API and the UI's forms alike.</summary>
public static class OrganizationValidator
{
    public const int NameLength = 200;
    public const int WebsiteLength = 500;
    public const int DescriptionLength = 4000;

    public sealed record Valid(string Name, OrganizationKind Kind, string Country, string? Website, string? Description, List<Alliance> Alliances);

    public static async Task<(Valid? Value, ValidationErrors Errors)> ValidateAsync(
        PortalDbContext db, OrganizationInput input, Guid? existingId, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = errors.Text("name", input.Name, NameLength, required: true, Localized<OrganizationText>.Get("Field.Name"));
        var kindText = errors.Text("kind", input.Kind, 40, required: true, Localized<OrganizationText>.Get("Field.Kind"));
        var kind = default(OrganizationKind);
        if (kindText is not null && !Naming.TryParseSnakeCase(kindText, out kind))
            errors.Add("kind", Localized<OrganizationText>.Format("KindOneOf", string.Join(", ", Enum.GetValues<OrganizationKind>().Select(Naming.ToSnakeCase))));

        var country = errors.Text("country", input.Country, 2, required: true, Localized<OrganizationText>.Get("Field.Country"))?.ToUpperInvariant();
        if (country is not null && !Countries.IsValid(country))
            errors.Add("country", Localized<SharedText>.Format("CountryCode", input.Country!.Trim()));

        var website = errors.Text("website", input.Website, WebsiteLength, required: false, Localized<OrganizationText>.Get("Field.Website"));
        if (website is not null && !IsWebUrl(website))
            errors.Add("website", Localized<OrganizationText>.Get("WebsiteUrl"));

        var description = errors.Text("description", input.Description, DescriptionLength, required: false, Localized<OrganizationText>.Get("Field.Description"));

        var allianceIds = (input.AllianceIds ?? []).Distinct().ToList();
        var alliances = allianceIds.Count == 0
            ? []
            : await db.Alliances.Where(a => allianceIds.Contains(a.Id)).ToListAsync(cancellationToken);
        foreach (var missing in allianceIds.Except(alliances.Select(a => a.Id)))
            errors.Add("allianceIds", Localized<AllianceText>.Format("NotFound", missing));

        if (name is not null && await NameTakenAsync(db, name, existingId, cancellationToken))
            errors.Add("name", Localized<OrganizationText>.Format("NameTaken", name));

        return errors.Any
            ? (null, errors)
            : (new Valid(name!, kind, country!, website, description, alliances), errors);
    }

    public static bool IsWebUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && (uri.Host.Contains('.', StringComparison.Ordinal) || uri.IsLoopback);

    private static Task<bool> NameTakenAsync(PortalDbContext db, string name, Guid? existingId, CancellationToken cancellationToken)
    {
        var lowered = name.ToLowerInvariant();
        return db.Organizations.AnyAsync(o => o.Name.ToLower() == lowered && o.Id != existingId, cancellationToken);
    }
}
