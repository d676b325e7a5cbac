using Portal.Api.Accounts;
using Portal.Api.Agents;
using Portal.Api.Common;
using Portal.Api.Memberships;
using Portal.Api.Deployments;
using Portal.Api.Ops;
using Portal.Api.Skus;
using Portal.Api.Tests;
using Portal.Data;
using Portal.Data.Accounts;
using Portal.Data.Agents;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Deployments;
using Portal.Data.Ops;
using Portal.Data.Organizations;
using Portal.Data.Skus;

namespace Portal.Api.Audit;

/// <summary>
/// Which audit entries a caller may read: exactly those of records the caller may open, decided by the same rule the
/// record's own read uses (a private test's history is as invisible as the test). One place for every audited type;
/// a type that is not listed here is shown to consortium admins only.
/// </summary>
public static class AuditVisibility
{
    /// <summary>Types whose records every signed-in person reads (their own GET has no further rule).</summary>
    public static readonly IReadOnlyList<string> OpenToEveryone =
    [
        nameof(Organization), nameof(Alliance), nameof(Membership), nameof(TestSuite), nameof(Agent),
        // A requirement profile holds consortium-visible tests only (ProfileService refuses any other).
        nameof(Portal.Data.Profiles.RequirementProfile),
    ];

    /// <summary>Types with a rule of their own, below.</summary>
    public static readonly IReadOnlyList<string> Restricted =
        [nameof(CompatibilityTest), nameof(JoinRequest), nameof(ApiToken), nameof(AgentRegistrationToken), nameof(SavedOp), nameof(SavedOpVersion),
            nameof(HardwareSku), nameof(SovereignDeployment), nameof(Portal.Data.Subscriptions.Webhook)];

    /// <summary>Fields that are never shown, whoever reads: parts of secrets (older entries may hold them), and the
    /// personal token a token was made with, which is its owner's alone.</summary>
    public static readonly IReadOnlySet<string> SecretFields = new HashSet<string>(["SecretHash", "TokenHash", "TokenPrefix", "ParentTokenId"]);

    public static IQueryable<AuditEntry> VisibleTo(this IQueryable<AuditEntry> entries, PortalDbContext db, Caller caller)
    {
        var open = OpenToEveryone.ToList();
        var admin = caller.IsConsortiumAdmin;
        // Each rule is the record's own: a deleted record is gone for everyone but consortium admins.
        var tests = db.CompatibilityTests.VisibleTo(caller).Select(t => t.Id.ToString());
        var requests = db.JoinRequests.VisibleTo(caller).Select(r => r.Id.ToString());
        var apiTokens = ApiTokenService.OwnedBy(db.ApiTokens, caller).Select(t => t.Id.ToString());
        var registrationTokens = RegistrationTokenService.VisibleTo(db.AgentRegistrationTokens, caller).Select(t => t.Id.ToString());
        // A private op definition's history (its reference source included) is as invisible as the definition.
        var ops = db.SavedOps.VisibleTo(caller).Select(o => o.Id.ToString());
        var opVersions = db.SavedOpVersions.VisibleTo(caller).Select(v => v.Id.ToString());
        // An unreleased or embargoed SKU's history (its name, figures) and a private deployment's are as invisible as they are.
        var skus = db.HardwareSkus.VisibleTo(caller).Select(s => s.Id.ToString());
        var deployments = db.Deployments.VisibleTo(caller).Select(d => d.Id.ToString());
        // A webhook (its address, its event kinds) is its organisation's admins' alone, as WebhookService reads it.
        var administered = caller.Roles.Where(r => caller.IsAdminOf(r.Key)).Select(r => r.Key).ToList();
        var webhooks = db.Webhooks.Where(w => administered.Contains(w.OrganizationId)).Select(w => w.Id.ToString());
        return entries.Where(e =>
            open.Contains(e.EntityType)
            // A personal token is its owner's alone, consortium admins included.
            || (admin && e.EntityType != nameof(ApiToken))
            || (e.EntityType == nameof(CompatibilityTest) && tests.Contains(e.EntityId))
            || (e.EntityType == nameof(JoinRequest) && requests.Contains(e.EntityId))
            || (e.EntityType == nameof(ApiToken) && apiTokens.Contains(e.EntityId))
            || (e.EntityType == nameof(AgentRegistrationToken) && registrationTokens.Contains(e.EntityId))
            || (e.EntityType == nameof(SavedOp) && ops.Contains(e.EntityId))
            || (e.EntityType == nameof(SavedOpVersion) && opVersions.Contains(e.EntityId))
            || (e.EntityType == nameof(HardwareSku) && skus.Contains(e.EntityId))
            || (e.EntityType == nameof(SovereignDeployment) && deployments.Contains(e.EntityId))
            || (e.EntityType == nameof(Portal.Data.Subscriptions.Webhook) && webhooks.Contains(e.EntityId)));
    }

    /// <summary>An entry as a reader gets it: without any field that holds part of a secret.</summary>
    public static AuditEntryDto WithoutSecrets(AuditEntryDto entry) =>
        entry.Changes.Any(c => SecretFields.Contains(c.Field))
            ? entry with { Changes = [.. entry.Changes.Where(c => !SecretFields.Contains(c.Field))] }
            : entry;
}
