using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Organizations;
using Portal.Data;
using Portal.Data.Deployments;
using Portal.Data.Organizations;

namespace Portal.Api.Deployments;

/// <summary>The rules for a deployment's own fields and participants, used by the API and the UI's form alike.</summary>
public static class DeploymentValidator
{
    public sealed record Valid(
        string Name, string Country, string? Region, string? Site, double? Latitude, double? Longitude, Guid? MinistryId,
        DeploymentStatus Status, double? PlannedMw, double? InstalledMw, List<string> EnergySources, decimal? BudgetAmount,
        string? BudgetCurrency, List<(Guid OrganizationId, ParticipantRole Role)> Participants, List<string> SourceUrls, string? Notes);

    public static async Task<(Valid? Value, ValidationErrors Errors)> ValidateAsync(
        PortalDbContext db, DeploymentInput input, Guid? existingId, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = errors.Text("name", input.Name, DeploymentLimits.NameLength, required: true, Label("Name"));
        var country = errors.Text("country", input.Country, 2, required: true, Label("Country"))?.ToUpperInvariant();
        if (country is not null && !Countries.IsValid(country))
            errors.Add("country", Localized<DeploymentText>.Format("CountryInvalid", input.Country!.Trim()));
        var region = errors.Text("region", input.Region, DeploymentLimits.TextLength, required: false, Label("Region"));
        var site = errors.Text("site", input.Site, DeploymentLimits.TextLength, required: false, Label("Site"));
        var notes = errors.Text("notes", input.Notes, DeploymentLimits.NotesLength, required: false, Label("Notes"));

        var statusText = errors.Text("status", input.Status, 40, required: true, Label("Status"));
        var status = default(DeploymentStatus);
        if (statusText is not null && !Naming.TryParseSnakeCase(statusText, out status))
            errors.Add("status", Localized<DeploymentText>.Format("StatusInvalid", OneOf<DeploymentStatus>()));

        Coordinates(errors, input.Latitude, input.Longitude);
        Megawatts(errors, "plannedMw", input.PlannedMw);
        Megawatts(errors, "installedMw", input.InstalledMw);
        var energy = EnergySourcesOf(errors, input.EnergySources);
        var (budgetAmount, budgetCurrency) = Budget(errors, input.Budget);
        var urls = SourceUrls(errors, input.SourceUrls);

        await MinistryAsync(db, errors, input.MinistryId, cancellationToken);
        var participants = await ParticipantsAsync(db, errors, input.Participants, cancellationToken);

        if (name is not null && await NameTakenAsync(db, name, existingId, cancellationToken))
            errors.Add("name", Localized<DeploymentText>.Format("NameTaken", name));

        return errors.Any
            ? (null, errors)
            : (new Valid(name!, country!, region, site, input.Latitude, input.Longitude, input.MinistryId, status, input.PlannedMw,
                input.InstalledMw, energy, budgetAmount, budgetCurrency, participants, urls, notes), errors);
    }

    internal static string Label(string field) => Localized<DeploymentText>.Get("Label_" + field);

    internal static string OneOf<TEnum>() where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetValues<TEnum>().Select(Naming.ToSnakeCase));

    private static void Coordinates(ValidationErrors errors, double? latitude, double? longitude)
    {
        if (latitude is { } lat && (double.IsNaN(lat) || lat < -90 || lat > 90))
            errors.Add("latitude", Localized<DeploymentText>.Format("LatitudeRange", lat));
        if (longitude is { } lon && (double.IsNaN(lon) || lon < -180 || lon > 180))
            errors.Add("longitude", Localized<DeploymentText>.Format("LongitudeRange", lon));
        if (latitude is null && longitude is not null)
            errors.Add("latitude", Localized<DeploymentText>.Get("CoordinatesTogether"));
        if (longitude is null && latitude is not null)
            errors.Add("longitude", Localized<DeploymentText>.Get("CoordinatesTogether"));
    }

    private static void Megawatts(ValidationErrors errors, string field, double? value)
    {
        if (value is not { } mw)
            return;
        var label = Label(char.ToUpperInvariant(field[0]) + field[1..]);
        if (double.IsNaN(mw) || mw < 0)
            errors.Add(field, Localized<DeploymentText>.Format("Negative", label));
        else if (mw > DeploymentLimits.MaxMw)
            errors.Add(field, Localized<DeploymentText>.Format("MwAbsurd", label, DeploymentLimits.MaxMw, mw));
    }

    private static List<string> EnergySourcesOf(ValidationErrors errors, IReadOnlyList<string>? sources)
    {
        var valid = new List<string>();
        foreach (var source in sources ?? [])
        {
            var trimmed = source?.Trim().ToLowerInvariant() ?? "";
            if (!EnergySources.All.Contains(trimmed))
                errors.Add("energySources", Localized<DeploymentText>.Format("EnergySourceInvalid", source, string.Join(", ", EnergySources.All)));
            else if (!valid.Contains(trimmed))
                valid.Add(trimmed);
        }
        return valid;
    }

    private static (decimal? Amount, string? Currency) Budget(ValidationErrors errors, BudgetInput? budget)
    {
        var currency = string.IsNullOrWhiteSpace(budget?.Currency) ? null : budget.Currency.Trim().ToUpperInvariant();
        var amount = budget?.Amount;
        if (currency is not null && !Currencies.IsValid(currency))
            errors.Add("budget.currency", Localized<DeploymentText>.Format("CurrencyInvalid", budget!.Currency!.Trim()));
        if (amount is < 0)
            errors.Add("budget.amount", Localized<DeploymentText>.Get("BudgetNegative"));
        else if (amount >= DeploymentLimits.MaxBudget)
            errors.Add("budget.amount", Localized<DeploymentText>.Format("BudgetTooLarge", DeploymentLimits.MaxBudget));
        if (amount is null && currency is not null)
            errors.Add("budget.amount", Localized<DeploymentText>.Get("BudgetAmountMissing"));
        if (amount is not null && currency is null)
            errors.Add("budget.currency", Localized<DeploymentText>.Get("BudgetCurrencyMissing"));
        return (amount, currency);
    }

    private static List<string> SourceUrls(ValidationErrors errors, IReadOnlyList<string>? urls)
    {
        var valid = new List<string>();
        var given = (urls ?? []).Where(u => !string.IsNullOrWhiteSpace(u)).Select(u => u.Trim()).ToList();
        if (given.Count > DeploymentLimits.MaxSourceUrls)
            errors.Add("sourceUrls", Localized<DeploymentText>.Format("TooMany", Label("SourceUrls"), DeploymentLimits.MaxSourceUrls));
        foreach (var url in given)
        {
            if (url.Length > DeploymentLimits.UrlLength || !OrganizationValidator.IsWebUrl(url))
                errors.Add("sourceUrls", Localized<DeploymentText>.Format("SourceUrlInvalid", url.Length > 80 ? url[..80] + "…" : url));
            else if (!valid.Contains(url, StringComparer.Ordinal))
                valid.Add(url);
        }
        return valid;
    }

    private static async Task MinistryAsync(PortalDbContext db, ValidationErrors errors, Guid? ministryId, CancellationToken cancellationToken)
    {
        if (ministryId is not { } id)
            return;
        var ministry = await db.Organizations.AsNoTracking().Where(o => o.Id == id)
            .Select(o => new { o.Name, o.Kind }).FirstOrDefaultAsync(cancellationToken);
        if (ministry is null)
            errors.Add("ministryId", Localized<DeploymentText>.Format("OrganizationUnknown", id));
        else if (ministry.Kind != OrganizationKind.Ministry)
            errors.Add("ministryId", Localized<DeploymentText>.Format("NotAMinistry", ministry.Name, Naming.ToSnakeCase(ministry.Kind)));
    }

    private static async Task<List<(Guid, ParticipantRole)>> ParticipantsAsync(
        PortalDbContext db, ValidationErrors errors, IReadOnlyList<ParticipantInput>? participants, CancellationToken cancellationToken)
    {
        var given = participants ?? [];
        if (given.Count > DeploymentLimits.MaxParticipants)
            errors.Add("participants", Localized<DeploymentText>.Format("TooMany", Label("Participants"), DeploymentLimits.MaxParticipants));
        var ids = given.Where(p => p?.OrganizationId is not null).Select(p => p.OrganizationId!.Value).Distinct().ToList();
        var names = ids.Count == 0
            ? new Dictionary<Guid, string>()
            : await db.Organizations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);

        var valid = new List<(Guid, ParticipantRole)>();
        for (var i = 0; i < given.Count; i++)
        {
            var participant = given[i];
            var prefix = $"participants[{i}]";
            var roleText = errors.Text($"{prefix}.role", participant?.Role, 20, required: true, Label("Role"));
            var role = default(ParticipantRole);
            if (roleText is not null && !Naming.TryParseSnakeCase(roleText, out role))
            {
                errors.Add($"{prefix}.role", Localized<DeploymentText>.Format("RoleInvalid", OneOf<ParticipantRole>()));
                roleText = null;
            }
            if (participant?.OrganizationId is not { } organizationId)
            {
                errors.Add($"{prefix}.organizationId", Localized<SharedText>.Format("Required", Label("Organization")));
                continue;
            }
            if (!names.TryGetValue(organizationId, out var name))
            {
                errors.Add($"{prefix}.organizationId", Localized<DeploymentText>.Format("OrganizationUnknown", organizationId));
                continue;
            }
            if (roleText is null)
                continue;
            if (valid.Contains((organizationId, role)))
                errors.Add($"{prefix}.organizationId", Localized<DeploymentText>.Format("ParticipantTwice", name, Naming.ToSnakeCase(role)));
            else
                valid.Add((organizationId, role));
        }
        return valid;
    }

    private static Task<bool> NameTakenAsync(PortalDbContext db, string name, Guid? existingId, CancellationToken cancellationToken)
    {
        var lowered = name.ToLowerInvariant();
        return db.Deployments.AnyAsync(d => d.Name.ToLower() == lowered && d.Id != existingId, cancellationToken);
    }
}
