using System.Linq.Expressions;
using Portal.Data.Jobs;

namespace Portal.Data.Agents;

/// <summary>How a device came to be mapped to its SKU, as every result it produced shows it.</summary>
public enum SkuMapping
{
    /// <summary>The SKU's device-name patterns map the device (or confirm a mapping set by hand).</summary>
    Pattern,

    /// <summary>Set by hand and not confirmed: its verdicts do not count toward the SKU.</summary>
    ManualUnconfirmed,

    /// <summary>Set by hand and confirmed by a consortium admin.</summary>
    ManualConfirmed,
}

/// <summary>
/// The one rule for whether a device's verdicts count toward its SKU (the SKU's conformance profile, the matrix, a
/// deployment's coverage): a mapping by pattern counts; a mapping set by hand counts only once confirmed, by the SKU's
/// own patterns or by a consortium admin. Otherwise anyone could make any SKU look proven by mapping a CPU to it.
/// A result's SKU is the one recorded on its job; whether it counts is read from the device that ran it, as mapped now
/// (setting a mapping by hand moves the device's results with it, see <c>AgentService.SetDeviceSkuAsync</c>).
/// </summary>
public static class SkuAttribution
{
    /// <summary>A job whose device no longer exists keeps the SKU it recorded.</summary>
    public static readonly Expression<Func<Job, bool>> JobCounts = j => j.Device == null || !j.Device.SkuSetByHand || j.Device.SkuConfirmedAt != null;

    /// <summary><see cref="JobCounts"/> for raw SQL over <c>jobs</c> aliased <c>j</c> (the latest-verdict queries EF cannot say).</summary>
    public const string JobCountsSql =
        "not exists (select 1 from agent_devices ad where ad.id = j.device_id and ad.sku_set_by_hand and ad.sku_confirmed_at is null)";

    public static SkuMapping MappingOf(bool setByHand, DateTimeOffset? confirmedAt, Guid? confirmedByUserId) =>
        !setByHand || (confirmedAt is not null && confirmedByUserId is null) ? SkuMapping.Pattern
        : confirmedAt is not null ? SkuMapping.ManualConfirmed
        : SkuMapping.ManualUnconfirmed;

    public static SkuMapping MappingOf(AgentDevice device) => MappingOf(device.SkuSetByHand, device.SkuConfirmedAt, device.SkuConfirmedByUserId);
}
