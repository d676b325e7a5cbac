using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Common;
using Portal.Api.Skus;
using Portal.Data;
using Portal.Data.Agents;

namespace Portal.Api.Agents;

/// <summary>
/// Matches devices to SKUs by the SKUs' device-name patterns: a device maps to the SKU whose longest pattern its name contains
/// (case-insensitive). Only SKUs of the agent's own organisation compete, or every SKU for the consortium's agents
/// (<see cref="DeviceNamePatterns"/>). Patterns stored before the specificity rule are held to it here too: ASCII punctuation
/// and spaces do not count as letters. The same rule confirms a mapping set by hand (<see cref="SkuAttribution"/>).
/// </summary>
/// <remarks>
/// Raw SQL because EF cannot unnest a text array and order by the matching element's length. Every value is a parameter;
/// <see cref="Matches"/> only joins column names written here.
/// </remarks>
public static class DeviceSkuMatcher
{
    private const string Patterns = "hardware_skus s cross join lateral unnest(s.device_name_patterns) as p(pattern)";

    // Whether pattern p of SKU s names the device, for an agent of the organisation.
    private static string Matches(string deviceName, string organizationId, string consortium) => $"""
        ({consortium} or s.vendor_id = {organizationId})
        and length(regexp_replace(p.pattern, '[[:space:][:punct:]]', '', 'g')) >= {DeviceNamePatterns.MinimumLettersOrDigits}
        and strpos(lower({deviceName}), lower(p.pattern)) > 0
        """;

    private static readonly string BestSql = $"""
        select s.id as "Value" from {Patterns}
         where {Matches("@name", "@organization", "@consortium")}
         order by length(p.pattern) desc, s.name
         limit 1
        """;

    private static readonly string ConfirmsSql = $"""
        select exists (select 1 from {Patterns} where s.id = @sku and {Matches("@name", "@organization", "@consortium")}) as "Value"
        """;

    // Only devices this SKU can concern: those mapped to it, and those its patterns name now; a mapping a consortium admin
    // confirmed is left alone.
    private static readonly string RematchSql = $"""
        select d.id as device_id, d.sku_set_by_hand as by_hand, best.id as best_sku_id,
               exists (select 1 from {Patterns} where s.id = d.sku_id and {Matches("d.name", "a.organization_id", "o.kind = 'consortium'")})
                   as confirmed_by_patterns
          from agent_devices d
          join agents a on a.id = d.agent_id
          join organizations o on o.id = a.organization_id
          left join lateral (
                select s.id from {Patterns}
                 where {Matches("d.name", "a.organization_id", "o.kind = 'consortium'")}
                 order by length(p.pattern) desc, s.name
                 limit 1) best on true
         where d.present and d.sku_confirmed_by_user_id is null
           and (d.sku_id = @sku or exists (select 1 from {Patterns}
                                            where s.id = @sku and {Matches("d.name", "a.organization_id", "o.kind = 'consortium'")}))
        """;

    /// <summary>The SKU the patterns map a device of this name to; null when none does.</summary>
    public static async Task<Guid?> BestAsync(PortalDbContext db, string deviceName, Guid agentOrganizationId, bool consortium,
        CancellationToken cancellationToken)
    {
        var matches = await db.Database.SqlQueryRaw<Guid>(BestSql, Parameters(deviceName, agentOrganizationId, consortium)).ToListAsync(cancellationToken);
        return matches.Count == 0 ? null : matches[0];
    }

    /// <summary>Whether the SKU's own patterns name a device of this name (so that a mapping to it set by hand needs no confirming).</summary>
    public static async Task<bool> ConfirmsAsync(PortalDbContext db, Guid skuId, string deviceName, Guid agentOrganizationId, bool consortium,
        CancellationToken cancellationToken)
    {
        var parameters = Parameters(deviceName, agentOrganizationId, consortium).Append(new NpgsqlParameter("sku", skuId)).ToArray();
        return await db.Database.SqlQueryRaw<bool>(ConfirmsSql, parameters).SingleAsync(cancellationToken);
    }

    /// <summary>
    /// After a SKU's patterns (or its vendor) changed: the present devices it may concern are matched again, as their agents'
    /// next report would. Devices mapped by pattern take the best match now (a device that no longer matches is unmapped, or
    /// mapped to another SKU whose patterns name it); a mapping set by hand is kept, and is confirmed by the patterns exactly
    /// while they name the device, unless a consortium admin confirmed it. Saved with the caller as the audit actor.
    /// </summary>
    public static async Task<int> RematchAsync(PortalDbContext db, Caller caller, Guid skuId, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQueryRaw<Rematched>(RematchSql, new NpgsqlParameter("sku", skuId)).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.DeviceId).ToList();
        if (ids.Count == 0)
            return 0;
        var devices = await db.AgentDevices.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, cancellationToken);
        var now = db.Now;
        foreach (var row in rows)
        {
            var device = devices[row.DeviceId];
            if (!row.ByHand)
                device.SkuId = row.BestSkuId;
            else if (!row.ConfirmedByPatterns)
                device.SkuConfirmedAt = null;
            else
                device.SkuConfirmedAt ??= now;
        }
        db.Actor = caller.Actor;
        await db.SaveChangesAsync(cancellationToken);
        return rows.Count;
    }

    private static NpgsqlParameter[] Parameters(string deviceName, Guid organizationId, bool consortium) =>
        [new("name", deviceName), new("organization", organizationId), new("consortium", consortium)];

    private sealed record Rematched(Guid DeviceId, bool ByHand, Guid? BestSkuId, bool ConfirmedByPatterns);
}
