using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data;

namespace Portal.Api.Deployments;

/// <summary>The rules for one line of a deployment's hardware bill.</summary>
public static class HardwareLineValidator
{
    public sealed record Valid(Guid SkuId, int PlannedUnits, int InstalledUnits);

    public static async Task<(Valid? Value, ValidationErrors Errors)> ValidateAsync(
        PortalDbContext db, Guid deploymentId, HardwareLineInput input, Guid? existingLineId, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        string? skuName = null;
        if (input.SkuId is not { } skuId)
        {
            errors.Add("skuId", Localized<SharedText>.Format("Required", DeploymentValidator.Label("Sku")));
        }
        else
        {
            skuName = await db.HardwareSkus.AsNoTracking().Where(s => s.Id == skuId)
                .Select(s => s.Vendor.Name + " " + s.Name).FirstOrDefaultAsync(cancellationToken);
            if (skuName is null)
                errors.Add("skuId", Localized<DeploymentText>.Format("SkuUnknown", skuId));
        }

        var planned = Units(errors, "plannedUnits", input.PlannedUnits, required: true);
        var installed = Units(errors, "installedUnits", input.InstalledUnits ?? 0, required: false);
        if (planned is not null && installed is not null && installed > planned)
            errors.Add("installedUnits", Localized<DeploymentText>.Format("InstalledAbovePlanned", installed.Value, planned.Value));

        if (skuName is not null && await db.HardwareLines.AnyAsync(
                l => l.DeploymentId == deploymentId && l.SkuId == input.SkuId && l.Id != existingLineId, cancellationToken))
            errors.Add("skuId", Localized<DeploymentText>.Format("SkuAlreadyListed", skuName));

        return errors.Any ? (null, errors) : (new Valid(input.SkuId!.Value, planned!.Value, installed!.Value), errors);
    }

    private static int? Units(ValidationErrors errors, string field, long? value, bool required)
    {
        var label = DeploymentValidator.Label(char.ToUpperInvariant(field[0]) + field[1..]);
        switch (value)
        {
            case null when required:
                errors.Add(field, Localized<SharedText>.Format("Required", label));
                return null;
            case null:
                return 0;
            case < 0:
                errors.Add(field, Localized<DeploymentText>.Format("Negative", label));
                return null;
            case > DeploymentLimits.MaxUnits:
                errors.Add(field, Localized<DeploymentText>.Format("UnitsAbsurd", label, DeploymentLimits.MaxUnits, value.Value));
                return null;
            default:
                return (int)value.Value;
        }
    }
}
