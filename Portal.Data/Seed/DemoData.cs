using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Audit;
using Portal.Data.Organizations;

namespace Portal.Data.Seed;

/// <summary>
/// The public figures of demo-seed.json (copied into this assembly; the portal never reads
/// ../shared at run time), loaded once into a Development database.
/// </summary>
public static partial class DemoData
{
    public const string OrganizationsSeed = "demo-organizations-v1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static DemoSeedFile Read()
    {
        using var stream = typeof(DemoData).Assembly.GetManifestResourceStream("Portal.Data.Seed.demo-seed.json")
            ?? throw new InvalidOperationException("demo-seed.json is missing from Portal.Data's resources.");
        return JsonSerializer.Deserialize<DemoSeedFile>(stream, Json)
            ?? throw new InvalidOperationException("demo-seed.json is empty.");
    }

    /// <summary>Loads the alliances and organisations, unless this seed was applied before.</summary>
    public static async Task<bool> LoadOrganizationsAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (await db.AppliedSeeds.AnyAsync(s => s.Name == OrganizationsSeed, cancellationToken))
            return false;

        var seed = Read();
        var now = db.Now;
        var existingAlliances = await db.Alliances.ToDictionaryAsync(a => a.Name, StringComparer.OrdinalIgnoreCase, cancellationToken);
        foreach (var a in seed.Alliances.Where(a => !existingAlliances.ContainsKey(a.Name)))
        {
            var alliance = new Alliance { Name = a.Name, Description = a.Description, CreatedAt = now };
            db.Alliances.Add(alliance);
            existingAlliances[a.Name] = alliance;
        }

        var existingNames = (await db.Organizations.Select(o => o.Name).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var o in seed.Organizations.Where(o => !existingNames.Contains(o.Name)))
        {
            if (!Naming.TryParseSnakeCase<OrganizationKind>(o.Kind, out var kind))
                throw new InvalidOperationException($"demo-seed.json: organisation '{o.Name}' has unknown kind '{o.Kind}'.");
            db.Organizations.Add(new Organization
            {
                Name = o.Name,
                Kind = kind,
                Country = o.Country.ToUpperInvariant(),
                Website = o.Website,
                Description = o.Description,
                CreatedAt = now,
                UpdatedAt = now,
                Alliances = o.Alliances.Select(name => existingAlliances[name]).ToList(),
            });
        }

        db.AppliedSeeds.Add(new AppliedSeed { Name = OrganizationsSeed, AppliedAt = now });
        db.Actor = AuditActor.System;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
