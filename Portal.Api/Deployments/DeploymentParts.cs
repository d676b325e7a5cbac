using Portal.Api.Common;
using Portal.Data;

namespace Portal.Api.Deployments;

/// <summary>The check every change to a deployment's lines and milestones starts with.</summary>
internal static class DeploymentParts
{
    /// <summary>Null when the caller may change the deployment's parts; otherwise the outcome to answer with.</summary>
    public static async Task<Outcome<T>?> DenyAsync<T>(PortalDbContext db, Caller caller, Guid deploymentId, CancellationToken cancellationToken)
    {
        if (await DeploymentAccess.LoadAsync(db, deploymentId, caller, cancellationToken) is not { } found)
            return new Outcome<T>.NotFound(Localized<DeploymentText>.Format("NotFound", deploymentId));
        return DeploymentAccess.CanEdit(caller, found.MinistryId, found.Operators)
            ? null
            : new Outcome<T>.Forbidden(Localized<DeploymentText>.Get("ForbiddenEdit"));
    }
}
