using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Operations;

namespace Portal.Api.Home;

public sealed partial class HomeService
{
    public const int AdminListLimit = 5;

    /// <summary>What waits for a consortium admin: pending join requests, device mappings set by hand, jobs ended without a verdict.</summary>
    private async Task<AdminHomeDto> AdminAsync(Caller caller, CancellationToken cancellationToken)
    {
        var requests = await memberships.AwaitingDecisionAsync(caller, cancellationToken);

        var unconfirmed = db.AgentDevices.AsNoTracking().Where(d => d.SkuId != null && d.SkuSetByHand && d.SkuConfirmedAt == null);
        var mappingTotal = await unconfirmed.CountAsync(cancellationToken);
        var mappings = await unconfirmed
            .OrderByDescending(d => d.LastSeenAt).ThenBy(d => d.Id)
            .Take(AdminListLimit)
            .Select(d => new PendingMappingDto(d.AgentId, d.Agent!.Name, d.Agent.Organization!.Name, d.Id, d.Name, d.SkuId!.Value, d.Sku!.Name, d.LastSeenAt))
            .ToListAsync(cancellationToken);

        var failed = await operations.FailedJobsAsync(caller, new FailedJobQuery(1, AdminListLimit), cancellationToken) switch
        {
            Outcome<PagedList<FailedJobDto>>.Success { Value: var page } => page,
            var other => throw new InvalidOperationException($"A consortium admin's failed-job list was refused: {other}"),
        };
        return new AdminHomeDto(requests, mappingTotal, mappings, failed.Total, failed.Items);
    }
}
