using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Organizations;
using Portal.Api.Skus;
using Portal.Data;
using Portal.Data.Deployments;

namespace Portal.Api.Deployments;

/// <summary>A deployment's hardware bill: SKU × planned units × installed units, edited by the deployment's editors.</summary>
public sealed class HardwareLineService(PortalDbContext db)
{
    public const int MaxChoices = 20;

    public async Task<Outcome<IReadOnlyList<HardwareLineDto>>> ListAsync(Caller? reader, Guid deploymentId, CancellationToken cancellationToken)
    {
        if (!await db.Deployments.VisibleTo(reader).AnyAsync(d => d.Id == deploymentId, cancellationToken))
            return new Outcome<IReadOnlyList<HardwareLineDto>>.NotFound(Localized<DeploymentText>.Format("NotFound", deploymentId));
        return await Lines(db, reader, deploymentId).ToListAsync(cancellationToken);
    }

    public async Task<Outcome<HardwareLineDto>> AddAsync(Caller caller, Guid deploymentId, HardwareLineInput input, CancellationToken cancellationToken)
    {
        if (await DeploymentParts.DenyAsync<HardwareLineDto>(db, caller, deploymentId, cancellationToken) is { } denied)
            return denied;
        var (valid, errors) = await HardwareLineValidator.ValidateAsync(db, deploymentId, input, null, cancellationToken);
        if (valid is null)
            return errors.ToOutcome<HardwareLineDto>();

        var line = new HardwareLine
        {
            DeploymentId = deploymentId, SkuId = valid.SkuId, PlannedUnits = valid.PlannedUnits, InstalledUnits = valid.InstalledUnits,
        };
        db.HardwareLines.Add(line);
        return await SaveAsync(caller, deploymentId, line.Id, cancellationToken);
    }

    public async Task<Outcome<HardwareLineDto>> UpdateAsync(
        Caller caller, Guid deploymentId, Guid lineId, HardwareLineInput input, CancellationToken cancellationToken)
    {
        if (await DeploymentParts.DenyAsync<HardwareLineDto>(db, caller, deploymentId, cancellationToken) is { } denied)
            return denied;
        var line = await db.HardwareLines.FirstOrDefaultAsync(l => l.Id == lineId && l.DeploymentId == deploymentId, cancellationToken);
        if (line is null)
            return LineNotFound<HardwareLineDto>(lineId);

        var (valid, errors) = await HardwareLineValidator.ValidateAsync(db, deploymentId, input, lineId, cancellationToken);
        if (input.Version is null)
            errors.Add("version", Localized<DeploymentText>.Get("VersionRequired"));
        if (valid is null || errors.Any)
            return errors.ToOutcome<HardwareLineDto>();

        db.Entry(line).Property(l => l.Version).OriginalValue = input.Version!.Value;
        line.SkuId = valid.SkuId;
        line.PlannedUnits = valid.PlannedUnits;
        line.InstalledUnits = valid.InstalledUnits;
        return await SaveAsync(caller, deploymentId, lineId, cancellationToken);
    }

    public async Task<Outcome<bool>> DeleteAsync(Caller caller, Guid deploymentId, Guid lineId, CancellationToken cancellationToken)
    {
        if (await DeploymentParts.DenyAsync<bool>(db, caller, deploymentId, cancellationToken) is { } denied)
            return denied;
        var line = await db.HardwareLines.FirstOrDefaultAsync(l => l.Id == lineId && l.DeploymentId == deploymentId, cancellationToken);
        if (line is null)
            return LineNotFound<bool>(lineId);
        db.HardwareLines.Remove(line);
        await db.SaveAsAsync(caller, cancellationToken);
        return true;
    }

    /// <summary>SKUs whose name or vendor contains the text, for the line editor's search.</summary>
    public async Task<IReadOnlyList<SkuChoice>> SearchSkusAsync(Caller? reader, string? text, CancellationToken cancellationToken)
    {
        var skus = db.HardwareSkus.AsNoTracking().VisibleTo(reader);
        if (!string.IsNullOrWhiteSpace(text))
        {
            var pattern = "%" + Like.Escape(text.Trim()) + "%";
            // The OR split into a UNION of ids, so that each arm reads its table's trigram index (see SkuCatalogue.Filter).
            var all = skus;
            var matches = all.Where(s => EF.Functions.ILike(s.Name, pattern, Like.EscapeCharacter)).Select(s => s.Id)
                .Union(all.Where(s => EF.Functions.ILike(s.Vendor.Name, pattern, Like.EscapeCharacter)).Select(s => s.Id));
            skus = skus.Where(s => matches.Contains(s.Id));
        }
        return await skus.OrderBy(s => s.Vendor.Name).ThenBy(s => s.Name).Take(MaxChoices)
            .Select(s => new SkuChoice(s.Id, s.Name, s.Vendor.Name, s.Category, s.Bf16Tflops))
            .ToListAsync(cancellationToken);
    }

    /// <summary>A deployment's lines; a line of a SKU the reader may not see (unreleased, embargoed) is left out, name and all.</summary>
    internal static IQueryable<HardwareLineDto> Lines(PortalDbContext db, Caller? reader, Guid deploymentId, Guid? lineId = null)
    {
        var visibleSkus = db.HardwareSkus.VisibleTo(reader).Select(s => s.Id);
        return db.HardwareLines.AsNoTracking()
            .Where(l => l.DeploymentId == deploymentId && (lineId == null || l.Id == lineId) && visibleSkus.Contains(l.SkuId))
            .OrderBy(l => l.Sku.Vendor.Name).ThenBy(l => l.Sku.Name)
            .Select(l => new HardwareLineDto(
                l.Id, l.SkuId, l.Sku.Name, l.Sku.Category, new OrganizationRef(l.Sku.VendorId, l.Sku.Vendor.Name, l.Sku.Vendor.Country),
                l.Sku.Bf16Tflops, l.PlannedUnits, l.InstalledUnits, l.Version));
    }

    private async Task<Outcome<HardwareLineDto>> SaveAsync(Caller caller, Guid deploymentId, Guid lineId, CancellationToken cancellationToken) =>
        await db.SaveAsAsync(caller, cancellationToken) switch
        {
            SaveResult.Conflict => new Outcome<HardwareLineDto>.Conflict(Localized<DeploymentText>.Get("LineConflict")),
            SaveResult.Duplicate => new Outcome<HardwareLineDto>.Invalid(new Dictionary<string, string[]>
            {
                ["skuId"] = [Localized<DeploymentText>.Get("SkuListedMeanwhile")],
            }),
            _ => await Lines(db, caller, deploymentId, lineId).FirstAsync(cancellationToken),
        };

    private static Outcome<T>.NotFound LineNotFound<T>(Guid lineId) => new(Localized<DeploymentText>.Format("LineNotFound", lineId));
}
