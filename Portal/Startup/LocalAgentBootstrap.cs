using Microsoft.EntityFrameworkCore;
using Portal.Api.Accounts;
using Portal.Data;
using Portal.Data.Agents;
using Portal.Data.Audit;
using Portal.Data.Organizations;

namespace Portal.Startup;

/// <summary>
/// ./run.sh starts an agent beside the portal so that a fresh machine shows real verdicts for its own devices.
/// The agent registers with a token that run.sh chose; this keeps a registration token with that value for an
/// organisation of its own ("Local agents"), a research organisation: its results are partner-reported, not verified.
/// </summary>
internal static class LocalAgentBootstrap
{
    public const string OrganizationName = "Local agents";

    public static async Task EnsureAsync(PortalDbContext db, string token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        db.Actor = AuditActor.System;
        var organization = await db.Organizations.FirstOrDefaultAsync(o => o.Name == OrganizationName, cancellationToken);
        if (organization is null)
        {
            organization = new Organization
            {
                Name = OrganizationName,
                Kind = OrganizationKind.Research,
                Country = "KR",
                Description = "Agents started by ./run.sh on the portal's own host.",
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Organizations.Add(organization);
        }
        var hash = ApiTokenService.Hash(token);
        var registration = await db.AgentRegistrationTokens.FirstOrDefaultAsync(t => t.SecretHash == hash, cancellationToken);
        if (registration is null)
        {
            db.AgentRegistrationTokens.Add(new AgentRegistrationToken
            {
                Organization = organization,
                Name = "local agent (PORTAL_LOCAL_AGENT_TOKEN)",
                Prefix = token[..12],
                SecretHash = hash,
                CreatedAt = now,
                ExpiresAt = now.AddYears(10),
            });
        }
        else
        {
            registration.RevokedAt = null;
            registration.ExpiresAt = now.AddYears(10);
        }
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
