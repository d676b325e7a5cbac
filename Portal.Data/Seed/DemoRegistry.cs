using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Audit;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;

namespace Portal.Data.Seed;

public static partial class DemoData
{
    /// <summary>
    /// Its own marker, not the organisations': a database seeded with organisations before the registry
    /// existed gets the SKUs and deployments on its next start, and a deleted row is never brought back.
    /// </summary>
    public const string RegistrySeed = "demo-registry-v1";

    /// <summary>
    /// Loads the hardware SKUs and sovereign deployments, linked to the organisations by name, unless this
    /// seed was applied before. Answers null when it was; otherwise what was added and what could not be
    /// linked because someone removed the organisation or SKU it names.
    /// </summary>
    public static async Task<DemoRegistryLoad?> LoadRegistryAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (await db.AppliedSeeds.AnyAsync(s => s.Name == RegistrySeed, cancellationToken))
            return null;

        var seed = Read();
        var now = db.Now;
        var skipped = new List<string>();
        var organizations = (await db.Organizations.Select(o => new { o.Id, o.Name, o.Kind }).ToListAsync(cancellationToken))
            .ToDictionary(o => o.Name, o => (o.Id, o.Kind), StringComparer.OrdinalIgnoreCase);
        var skus = (await db.HardwareSkus.Select(s => new { s.Id, s.VendorId, s.Name }).ToListAsync(cancellationToken))
            .ToDictionary(s => SkuKey(s.VendorId, s.Name), s => s.Id, StringComparer.OrdinalIgnoreCase);

        var addedSkus = 0;
        foreach (var s in seed.Skus)
        {
            if (!organizations.TryGetValue(s.Vendor, out var vendor))
            {
                skipped.Add($"SKU '{s.Name}': vendor '{s.Vendor}' is not an organisation");
                continue;
            }
            if (skus.ContainsKey(SkuKey(vendor.Id, s.Name)))
                continue;
            var sku = ToSku(s, vendor.Id, now);
            db.HardwareSkus.Add(sku);
            skus[SkuKey(vendor.Id, s.Name)] = sku.Id;
            addedSkus++;
        }

        var existingDeployments = (await db.Deployments.Select(d => d.Name).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var addedDeployments = 0;
        foreach (var d in seed.Deployments.Where(d => !existingDeployments.Contains(d.Name)))
        {
            var deployment = ToDeployment(d, now);
            if (d.Ministry is not null)
            {
                if (!organizations.TryGetValue(d.Ministry, out var ministry))
                    skipped.Add($"Deployment '{d.Name}': ministry '{d.Ministry}' is not an organisation");
                else if (ministry.Kind != OrganizationKind.Ministry)
                    throw new InvalidOperationException($"demo-seed.json: deployment '{d.Name}' names '{d.Ministry}' as its ministry, which is not a ministry.");
                else
                    deployment.MinistryId = ministry.Id;
            }

            var roles = (d.Operators ?? []).Select(name => (name, ParticipantRole.Operator))
                .Concat((d.Suppliers ?? []).Select(name => (name, ParticipantRole.Supplier)));
            foreach (var (name, role) in roles)
            {
                if (organizations.TryGetValue(name, out var participant))
                    deployment.Participants.Add(new DeploymentParticipant { OrganizationId = participant.Id, Role = role });
                else
                    skipped.Add($"Deployment '{d.Name}': {Naming.ToSnakeCase(role)} '{name}' is not an organisation");
            }

            foreach (var line in d.Hardware ?? [])
            {
                if (organizations.TryGetValue(line.Vendor, out var vendor) && skus.TryGetValue(SkuKey(vendor.Id, line.Sku), out var skuId))
                    deployment.HardwareLines.Add(new HardwareLine { SkuId = skuId, PlannedUnits = line.PlannedUnits, InstalledUnits = line.InstalledUnits });
                else
                    skipped.Add($"Deployment '{d.Name}': SKU '{line.Vendor} {line.Sku}' is not in the catalogue");
            }

            db.Deployments.Add(deployment);
            addedDeployments++;
        }

        db.AppliedSeeds.Add(new AppliedSeed { Name = RegistrySeed, AppliedAt = now });
        db.Actor = AuditActor.System;
        await db.SaveChangesAsync(cancellationToken);
        return new DemoRegistryLoad(addedSkus, addedDeployments, skipped);
    }

    private static string SkuKey(Guid vendorId, string name) => $"{vendorId:N}/{name}";

    private static HardwareSku ToSku(DemoSku s, Guid vendorId, DateTimeOffset now) => new()
    {
        VendorId = vendorId,
        Name = s.Name,
        Category = ParseEnum<SkuCategory>(s.Category, $"SKU '{s.Name}' category"),
        MemoryGb = s.MemoryGb,
        MemoryType = s.MemoryType,
        MemoryBandwidthTbs = s.MemoryBandwidthTBs,
        Bf16Tflops = s.Bf16Tflops,
        Fp8Tflops = s.Fp8Tflops,
        Int8Tops = s.Int8Tops,
        TdpW = s.TdpW,
        Process = s.Process,
        FormFactor = s.FormFactor,
        SoftwareStack = s.Stack,
        Languages = [.. s.Languages ?? []],
        Lifecycle = ParseEnum<SkuLifecycle>(s.Status, $"SKU '{s.Name}' status"),
        ReleaseMonth = s.Released is null ? null : ParseDate(s.Released + "-01", $"SKU '{s.Name}' released"),
        DatasheetUrl = s.DatasheetUrl,
        DeviceNamePatterns = [.. s.DeviceNamePatterns ?? []],
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static SovereignDeployment ToDeployment(DemoDeployment d, DateTimeOffset now)
    {
        var unknownSource = d.EnergySources?.FirstOrDefault(source => !EnergySources.All.Contains(source));
        if (unknownSource is not null)
            throw new InvalidOperationException($"demo-seed.json: deployment '{d.Name}' has unknown energy source '{unknownSource}'.");
        return new SovereignDeployment
        {
            Name = d.Name,
            Country = d.Country.ToUpperInvariant(),
            Region = d.Region,
            Site = d.Site,
            Latitude = d.Lat,
            Longitude = d.Lon,
            Status = ParseEnum<DeploymentStatus>(d.Status, $"deployment '{d.Name}' status"),
            PlannedMw = d.PlannedMw,
            InstalledMw = d.InstalledMw,
            EnergySources = [.. d.EnergySources ?? []],
            BudgetAmount = d.Budget?.Amount,
            BudgetCurrency = d.Budget?.Currency.ToUpperInvariant(),
            SourceUrls = [.. d.Sources ?? []],
            Notes = d.Notes,
            Milestones = (d.Milestones ?? []).Select(m => new Milestone
            {
                Date = ParseDate(m.Date, $"deployment '{d.Name}' milestone '{m.Title}' date"),
                Title = m.Title,
                Status = ParseEnum<MilestoneStatus>(m.Status, $"deployment '{d.Name}' milestone '{m.Title}' status"),
                Note = m.Note,
            }).ToList(),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private static TEnum ParseEnum<TEnum>(string text, string what) where TEnum : struct, Enum =>
        Naming.TryParseSnakeCase<TEnum>(text, out var value)
            ? value
            : throw new InvalidOperationException($"demo-seed.json: {what} '{text}' is not one of {string.Join(", ", Enum.GetValues<TEnum>().Select(Naming.ToSnakeCase))}.");

    private static DateOnly ParseDate(string text, string what) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new InvalidOperationException($"demo-seed.json: {what} '{text}' is not a date.");
}

/// <summary>What one load of the demo registry added, and what it could not link.</summary>
public sealed record DemoRegistryLoad(int Skus, int Deployments, IReadOnlyList<string> Skipped);
