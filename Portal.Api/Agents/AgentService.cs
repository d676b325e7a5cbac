using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Api.Common;
using Portal.Api.Jobs;
using Portal.Api.Skus;
using Portal.Api.Tests;
using Portal.Data;
using Portal.Data.Agents;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Organizations;

namespace Portal.Api.Agents;

/// <summary>
/// What agents tell the portal about themselves (devices, heartbeats) and what people do with agents: list them,
/// correct a device's SKU. A device seen for the first time, or with a new driver, is queued for qualification:
/// the conformance suite in every language it accepts.
/// </summary>
public sealed class AgentService(PortalDbContext db, JobSubmitter submitter, IOptions<JobQueueOptions> options, TimeProvider time)
{
    public const int MaxDevices = 64;
    public const int MaxDeviceIdLength = 100;
    private const int RecentResults = 5;

    public Task<Outcome<IReadOnlyList<ReportedDevice>>> ReportDevicesAsync(AgentIdentity identity, DevicesReport report,
        CancellationToken cancellationToken) =>
        ReportDevicesAsync(identity, report, firstTry: true, cancellationToken);

    private async Task<Outcome<IReadOnlyList<ReportedDevice>>> ReportDevicesAsync(AgentIdentity identity, DevicesReport report, bool firstTry,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var devices = report.Devices ?? [];
        if (devices.Count > MaxDevices)
            errors.Add("devices", Localized<AgentText>.Format("TooManyDevices", MaxDevices));
        for (var i = 0; i < devices.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(devices[i]?.Id) || string.IsNullOrWhiteSpace(devices[i].Name))
                errors.Add($"devices[{i}]", Localized<AgentText>.Get("DeviceIdAndName"));
            // Ids are stored trimmed and compared as stored: a longer one would be cut and could then meet another.
            else if (devices[i].Id.Trim().Length > MaxDeviceIdLength)
                errors.Add($"devices[{i}].id", Localized<AgentText>.Format("DeviceIdTooLong", MaxDeviceIdLength));
            else if (devices[i].CopyBandwidthGbPerSecond is { } copy && !(double.IsFinite(copy) && copy > 0))
                errors.Add($"devices[{i}].copyBandwidthGbPerSecond", Localized<AgentText>.Get("CopyBandwidthPositive"));
        }
        if (devices.Select(d => d?.Id?.Trim()).Distinct().Count() != devices.Count)
            errors.Add("devices", Localized<AgentText>.Get("DeviceIdsRepeat"));
        if (errors.Any)
            return errors.ToOutcome<IReadOnlyList<ReportedDevice>>();

        var now = time.GetUtcNow();
        var agent = await db.Agents.Include(a => a.Devices).FirstAsync(a => a.Id == identity.AgentId, cancellationToken);
        agent.Hostname = Clip(report.Hostname, 200) ?? agent.Hostname;
        agent.AgentVersion = Clip(report.AgentVersion, 100) ?? agent.AgentVersion;
        agent.EngineVersion = Clip(report.EngineVersion, 100) ?? agent.EngineVersion;
        agent.LastHeartbeatAt = now;

        var toQualify = new List<AgentDevice>();
        foreach (var reported in devices)
        {
            var device = agent.Devices.FirstOrDefault(d => d.LocalId == reported.Id.Trim());
            var fresh = device is null;
            if (device is null)
            {
                // Added explicitly: its key is set already, so through the collection EF would take it for an existing row.
                device = new AgentDevice { AgentId = agent.Id, LocalId = reported.Id.Trim(), Name = "", FirstSeenAt = now };
                db.AgentDevices.Add(device);
            }
            var driverChanged = !fresh && device.DriverVersion != (Clip(reported.DriverVersion, 200) ?? "");
            device.Name = Clip(reported.Name, 300)!;
            device.Vendor = Clip(reported.Vendor, 200) ?? "";
            device.Runtime = Clip(reported.Runtime, 50) ?? "";
            device.RuntimeVersion = Clip(reported.RuntimeVersion, 200) ?? "";
            device.DriverVersion = Clip(reported.DriverVersion, 200) ?? "";
            device.Languages = [.. (reported.Languages ?? []).Where(l => KernelLanguagesKnown.Contains(l)).Distinct()];
            device.MemoryBytes = reported.MemoryBytes;
            device.ComputeUnits = reported.ComputeUnits;
            // A report without the figure (an older agent, a failed probe) clears it: a stale figure would judge a new driver.
            device.CopyBandwidthGbPerSecond = reported.CopyBandwidthGbPerSecond;
            device.Present = true;
            device.LastSeenAt = now;
            if (!device.SkuSetByHand)
                device.SkuId = await DeviceSkuMatcher.BestAsync(db, device.Name, identity.OrganizationId, identity.Consortium, cancellationToken);
            else if (device.SkuId is { } handSku && device.SkuConfirmedByUserId is null)
                // A renamed device may no longer be (or now be) what its hand-set SKU's patterns name.
                device.SkuConfirmedAt = await DeviceSkuMatcher.ConfirmsAsync(db, handSku, device.Name, identity.OrganizationId, identity.Consortium,
                    cancellationToken) ? device.SkuConfirmedAt ?? now : null;
            if ((fresh || driverChanged) && device.Languages.Count > 0)
                toQualify.Add(device);
        }
        foreach (var gone in agent.Devices.Where(d => devices.All(r => r.Id.Trim() != d.LocalId)))
            gone.Present = false;
        db.Actor = new AuditActor(null, $"agent {agent.Name}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another report of this agent's devices (a retried request still in flight) added the same device first: read
            // again, this report updates it. Found by the API fuzz test (a 500 before).
            if (!firstTry)
                return new Outcome<IReadOnlyList<ReportedDevice>>.Conflict(Localized<AgentText>.Get("DevicesReportedMeanwhile"));
            db.ChangeTracker.Clear();
            return await ReportDevicesAsync(identity, report, firstTry: false, cancellationToken);
        }

        var queued = new HashSet<Guid>();
        // Most reports bring no new device or driver: they need no suite lookup.
        // An offline agent never leases: its devices are qualified by the bundles it brings.
        var suite = options.Value.QualifyNewDevices && toQualify.Count > 0 && !agent.Offline
            ? await db.TestSuites.AsNoTracking().Where(s => s.Slug == TestSuite.ConformanceSlug).Select(s => (Guid?)s.Id)
                .FirstOrDefaultAsync(cancellationToken)
            : null;
        if (suite is { } suiteId)
        {
            foreach (var device in toQualify)
            {
                if (await submitter.SubmitSuiteRunAsync(suiteId, device.Id, device.Languages, cancellationToken) is not null)
                    queued.Add(device.Id);
            }
        }
        var skuNames = await SkuNamesAsync(agent.Devices.Select(d => d.SkuId), cancellationToken);
        return agent.Devices.Where(d => d.Present)
            .Select(d => new ReportedDevice(d.LocalId, d.Id, d.SkuId, d.SkuId is { } s ? skuNames.GetValueOrDefault(s) : null, queued.Contains(d.Id)))
            .ToList();
    }

    public Task HeartbeatAsync(AgentIdentity identity, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.Agents.Where(a => a.Id == identity.AgentId).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastHeartbeatAt, now), cancellationToken);
    }

    /// <summary>Every agent with its devices, current jobs and latest results; newest heartbeat first.</summary>
    public async Task<IReadOnlyList<AgentDto>> ListAsync(Caller caller, Guid? organizationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var online = now - options.Value.Online;
        var agents = await db.Agents.AsNoTracking()
            .Where(a => organizationId == null || a.OrganizationId == organizationId)
            .OrderByDescending(a => a.RevokedAt == null).ThenByDescending(a => a.LastHeartbeatAt)
            .Select(a => new
            {
                a.Id, a.Name, a.OrganizationId, OrganizationName = a.Organization!.Name, a.Hostname, a.AgentVersion, a.EngineVersion,
                a.RegisteredAt, a.LastHeartbeatAt, a.RevokedAt, a.PublicKey, a.Offline, Consortium = a.Organization.Kind == Portal.Data.Organizations.OrganizationKind.Consortium,
                Devices = a.Devices.OrderBy(d => d.LocalId).Select(d => new
                {
                    d.Id, d.LocalId, d.Name, d.Vendor, d.Runtime, d.RuntimeVersion, d.DriverVersion, d.Languages, d.MemoryBytes, d.SkuId,
                    SkuName = d.Sku == null ? null : d.Sku.Name, d.SkuSetByHand, d.SkuConfirmedAt, d.SkuConfirmedByUserId, d.Present, d.FirstSeenAt,
                    d.LastSeenAt,
                }).ToList(),
            })
            .ToListAsync(cancellationToken);
        var deviceIds = agents.SelectMany(a => a.Devices.Select(d => d.Id)).ToList();
        var jobs = await DeviceJobsAsync(caller, deviceIds, cancellationToken);
        return agents.Select(a => new AgentDto(a.Id, a.Name, a.OrganizationId, a.OrganizationName, a.Hostname, a.AgentVersion, a.EngineVersion,
                a.RegisteredAt, a.LastHeartbeatAt, a.RevokedAt == null && a.LastHeartbeatAt >= online, a.RevokedAt != null, a.Consortium,
                caller.IsAdminOf(a.OrganizationId),
                a.Devices.Select(d => new AgentDeviceDto(d.Id, d.LocalId, d.Name, d.Vendor, d.Runtime, d.RuntimeVersion, d.DriverVersion, d.Languages,
                    d.MemoryBytes, d.SkuId, d.SkuName, d.SkuSetByHand,
                    Mapping(caller, d.SkuId, d.SkuSetByHand, d.SkuConfirmedAt, d.SkuConfirmedByUserId, out var canConfirm), canConfirm,
                    d.Present, d.FirstSeenAt, d.LastSeenAt, jobs.Current.GetValueOrDefault(d.Id), jobs.Recent.GetValueOrDefault(d.Id) ?? [],
                    jobs.Suite.GetValueOrDefault(d.Id) ?? [])).ToList(), a.PublicKey, a.Offline))
            .ToList();
    }

    /// <summary>
    /// A person corrects the SKU of a device (or hands it back to the patterns). The device's earlier results move
    /// with it: they were measured on that hardware whatever the mapping said then. A SKU set by hand counts toward that
    /// SKU only when its own patterns name the device, or once a consortium admin confirms it (<see cref="SkuAttribution"/>);
    /// setting another SKU by hand drops an earlier confirmation.
    /// </summary>
    public async Task<Outcome<AgentDeviceDto>> SetDeviceSkuAsync(Caller caller, Guid agentId, Guid deviceId, DeviceSkuInput input,
        CancellationToken cancellationToken)
    {
        var device = await db.AgentDevices.Include(d => d.Agent).FirstOrDefaultAsync(d => d.Id == deviceId && d.AgentId == agentId, cancellationToken);
        if (device is null)
            return new Outcome<AgentDeviceDto>.NotFound(Localized<AgentText>.Format("DeviceNotFound", deviceId));
        if (!caller.IsAdminOf(device.Agent!.OrganizationId))
            return new Outcome<AgentDeviceDto>.Forbidden(Localized<AgentText>.Get("AgentForbidden"));
        if (input.SkuId is { } skuId && !await db.HardwareSkus.AnyAsync(s => s.Id == skuId, cancellationToken))
            return new Outcome<AgentDeviceDto>.Invalid(new Dictionary<string, string[]> { ["skuId"] = [Localized<AgentText>.Format("SkuNotFound", skuId)] });

        var consortium = await db.Organizations.AnyAsync(o => o.Id == device.Agent!.OrganizationId && o.Kind == OrganizationKind.Consortium,
            cancellationToken);
        var unchanged = !input.Automatic && device.SkuSetByHand && device.SkuId == input.SkuId;
        if (input.Automatic)
        {
            device.SkuSetByHand = false;
            device.SkuId = await DeviceSkuMatcher.BestAsync(db, device.Name, device.Agent!.OrganizationId, consortium, cancellationToken);
            (device.SkuConfirmedAt, device.SkuConfirmedByUserId) = (null, null);
        }
        else if (!unchanged)
        {
            device.SkuSetByHand = true;
            device.SkuId = input.SkuId;
            var patternsAgree = input.SkuId is { } hand
                && await DeviceSkuMatcher.ConfirmsAsync(db, hand, device.Name, device.Agent!.OrganizationId, consortium, cancellationToken);
            (device.SkuConfirmedAt, device.SkuConfirmedByUserId) = (patternsAgree ? time.GetUtcNow() : null, null);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Actor = caller.Actor;
        await db.SaveChangesAsync(cancellationToken);
        await db.Jobs.Where(j => j.DeviceId == device.Id && j.Status == JobStatus.Completed)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.SkuId, device.SkuId), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await DeviceDtoAsync(caller, device, cancellationToken);
    }

    /// <summary>
    /// A consortium admin confirms that a device mapped by hand is the SKU it is mapped to, so that its verdicts count
    /// toward that SKU (its profile, the matrix, deployments' coverage). Nobody else may: an organisation cannot vouch for its
    /// own mapping. Confirming a confirmed mapping changes nothing; a mapping by pattern needs no confirming (409).
    /// </summary>
    public async Task<Outcome<AgentDeviceDto>> ConfirmDeviceSkuAsync(Caller caller, Guid agentId, Guid deviceId, CancellationToken cancellationToken)
    {
        var device = await db.AgentDevices.Include(d => d.Agent).FirstOrDefaultAsync(d => d.Id == deviceId && d.AgentId == agentId, cancellationToken);
        if (device is null)
            return new Outcome<AgentDeviceDto>.NotFound(Localized<AgentText>.Format("DeviceNotFound", deviceId));
        if (!caller.IsConsortiumAdmin)
            return new Outcome<AgentDeviceDto>.Forbidden(Localized<AgentText>.Get("ConfirmForbidden"));
        if (device.SkuId is null || SkuAttribution.MappingOf(device) == SkuMapping.Pattern)
            return new Outcome<AgentDeviceDto>.Conflict(Localized<AgentText>.Get("NothingToConfirm"));
        if (device.SkuConfirmedAt is null)
        {
            (device.SkuConfirmedAt, device.SkuConfirmedByUserId) = (time.GetUtcNow(), caller.UserId);
            db.Actor = caller.Actor;
            await db.SaveChangesAsync(cancellationToken);
        }
        return await DeviceDtoAsync(caller, device, cancellationToken);
    }

    private async Task<AgentDeviceDto> DeviceDtoAsync(Caller caller, AgentDevice device, CancellationToken cancellationToken)
    {
        var skuName = device.SkuId is { } id ? await db.HardwareSkus.Where(s => s.Id == id).Select(s => s.Name).FirstAsync(cancellationToken) : null;
        return new AgentDeviceDto(device.Id, device.LocalId, device.Name, device.Vendor, device.Runtime, device.RuntimeVersion, device.DriverVersion,
            device.Languages, device.MemoryBytes, device.SkuId, skuName, device.SkuSetByHand,
            Mapping(caller, device.SkuId, device.SkuSetByHand, device.SkuConfirmedAt, device.SkuConfirmedByUserId, out var canConfirm), canConfirm,
            device.Present, device.FirstSeenAt, device.LastSeenAt, null, []);
    }

    // How the device is mapped (null when it is not), and whether the caller may confirm it.
    private static SkuMapping? Mapping(Caller caller, Guid? skuId, bool setByHand, DateTimeOffset? confirmedAt, Guid? confirmedBy, out bool canConfirm)
    {
        var mapping = skuId is null ? (SkuMapping?)null : SkuAttribution.MappingOf(setByHand, confirmedAt, confirmedBy);
        canConfirm = caller.IsConsortiumAdmin && mapping == SkuMapping.ManualUnconfirmed;
        return mapping;
    }

    private async Task<Dictionary<Guid, string>> SkuNamesAsync(IEnumerable<Guid?> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Where(i => i is not null).Select(i => i!.Value).Distinct().ToList();
        return wanted.Count == 0
            ? []
            : await db.HardwareSkus.AsNoTracking().Where(s => wanted.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
    }

    private async Task<(Dictionary<Guid, DeviceJobDto> Current, Dictionary<Guid, List<DeviceJobDto>> Recent,
        Dictionary<Guid, List<DeviceJobDto>> Suite)> DeviceJobsAsync(Caller caller, List<Guid> deviceIds, CancellationToken cancellationToken)
    {
        // The tests' own rule decides: a job of a test the reader may not open is only "a private test" to them.
        var visibleTests = db.CompatibilityTests.VisibleTo(caller).Select(t => t.Id);
        var hidden = Localized<AgentText>.Get("PrivateTest");
        var current = await db.Jobs.AsNoTracking()
            .Where(j => j.DeviceId != null && deviceIds.Contains(j.DeviceId.Value) && (j.Status == JobStatus.Leased || j.Status == JobStatus.Running))
            .Select(j => new DeviceJobRow(j.DeviceId!.Value, j.Id, j.RunId, j.TestId, j.Test!.Name, visibleTests.Contains(j.TestId),
                j.Language, j.Status, j.Verdict, j.LeasedAt, j.Run!.Reason == RunReason.Qualification))
            .ToListAsync(cancellationToken);
        // The latest few outcomes of developers' own runs per device that the reader may see, in one query (a lateral
        // join); others' private results are left out rather than shown without a verdict.
        var recent = await db.AgentDevices.AsNoTracking()
            .Where(d => deviceIds.Contains(d.Id))
            .SelectMany(d => db.Jobs.Where(j => j.DeviceId == d.Id && j.Status == JobStatus.Completed && visibleTests.Contains(j.TestId)
                    && j.Run!.Reason != RunReason.Qualification)
                .OrderByDescending(j => j.FinishedAt).Take(RecentResults)
                .Select(j => new DeviceJobRow(d.Id, j.Id, j.RunId, j.TestId, j.Test!.Name, true, j.Language, j.Status, j.Verdict, j.FinishedAt, false)))
            .ToListAsync(cancellationToken);
        // What the device's qualification says: the latest suite verdict of each suite test, in one query.
        var suite = await db.Jobs.AsNoTracking()
            .Where(j => j.DeviceId != null && deviceIds.Contains(j.DeviceId.Value) && j.Status == JobStatus.Completed
                && j.Run!.Reason == RunReason.Qualification && visibleTests.Contains(j.TestId))
            .GroupBy(j => new { Device = j.DeviceId!.Value, j.TestId })
            .Select(g => g.OrderByDescending(j => j.FinishedAt).ThenByDescending(j => j.Id)
                .Select(j => new DeviceJobRow(j.DeviceId!.Value, j.Id, j.RunId, j.TestId, j.Test!.Name, true, j.Language, j.Status, j.Verdict,
                    j.FinishedAt, true))
                .First())
            .ToListAsync(cancellationToken);
        return (current.GroupBy(c => c.Device).ToDictionary(g => g.Key, g => g.First().ToDto(hidden)),
            recent.GroupBy(r => r.Device).ToDictionary(g => g.Key, g => g.Select(r => r.ToDto(hidden)).ToList()),
            suite.GroupBy(r => r.Device).ToDictionary(g => g.Key, g => g.OrderBy(r => r.TestName, StringComparer.Ordinal).Select(r => r.ToDto(hidden)).ToList()));
    }

    private sealed record DeviceJobRow(Guid Device, Guid JobId, Guid RunId, Guid TestId, string TestName, bool Visible, string Language,
        JobStatus Status, string? Verdict, DateTimeOffset? At, bool Suite)
    {
        // A job the reader may not see says only that the device is busy: no ids, language or verdict to follow.
        public DeviceJobDto ToDto(string hidden) => Visible
            ? new(JobId, RunId, TestId, TestName, Language, Status.ToString().ToLowerInvariant(), Verdict, At, Private: false, Suite)
            : new(null, null, null, hidden, null, Status.ToString().ToLowerInvariant(), null, At, Private: true);
    }

    private static readonly HashSet<string> KernelLanguagesKnown = [.. KernelLanguages.Names];

    private static string? Clip(string? value, int length) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim() is var t && t.Length > length ? t[..length] : value.Trim();
}
