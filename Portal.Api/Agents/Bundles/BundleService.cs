using Portal.Kernels.Results;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Common;
using Portal.Contracts.Signing;
using Portal.Data;
using Portal.Data.Agents;
using Portal.Data.Audit;
using Portal.Data.Jobs;
using Portal.Api.Jobs;
using Microsoft.EntityFrameworkCore.Storage;

namespace Portal.Api.Agents.Bundles;

/// <summary>
/// Air-gapped agents: an admin enrols one from its one-time code, and anyone of its organisation uploads the signed bundles
/// it writes. A bundle is checked against the enrolled key before anything is read from it (a changed byte, an unknown key:
/// 400), recorded once by its id (a second upload: 400, naming when the first was), and each result becomes a completed job
/// of its test on the agent's device, with the provenance "offline, signed by agent X, run at T, uploaded at U".
/// </summary>
public sealed class BundleService(PortalDbContext db, AgentService agents, TimeProvider time)
{
    /// <summary>The most results one bundle may carry (the whole conformance suite, on several devices, fits).</summary>
    public const int MaxResults = 2000;

    private sealed record BundleSpec(string Sha256, JsonElement Spec, Guid? TestId = null, string? Name = null);

    private sealed record BundleResult(string SpecSha256, string Device, DateTimeOffset StartedAt, DateTimeOffset FinishedAt,
        [property: System.Text.Json.Serialization.JsonConverter(typeof(KernelResultJsonConverter))] KernelResult Result);

    private sealed record BundleBody(Guid BundleId, DateTimeOffset CreatedAt, string? AgentVersion, string EngineVersion,
        IReadOnlyList<DeviceReport> Devices, IReadOnlyList<BundleSpec> Specs, IReadOnlyList<BundleResult> Results);

    /// <summary>A stored test's spec as text (a class with setters: what SqlQuery reads rows into).</summary>
    private sealed class TestSpec
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string Language { get; set; } = "";
        public string Spec { get; set; } = "";
        public Guid? SuiteId { get; set; }
    }

    public async Task<Outcome<AgentDto>> EnrolOfflineAsync(Caller caller, OfflineEnrolmentInput input, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var enrolment = OfflineEnrolment.Decode(input.Code);
        if (enrolment is null)
            errors.Add("code", Localized<AgentText>.Get("EnrolmentCodeInvalid"));
        if (input.OrganizationId is null)
            errors.Add("organizationId", Localized<AgentText>.Get("EnrolmentOrganizationRequired"));
        if (errors.Any)
            return errors.ToOutcome<AgentDto>();
        var organization = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == input.OrganizationId, cancellationToken);
        if (organization is null)
            return new Outcome<AgentDto>.NotFound(Localized<AgentText>.Format("OrganizationNotFound", input.OrganizationId!));
        if (!caller.IsAdminOf(organization.Id))
            return new Outcome<AgentDto>.Forbidden(Localized<AgentText>.Format("TokenForbidden", organization.Name));
        if (await db.Agents.AnyAsync(a => a.PublicKey == enrolment!.PublicKey, cancellationToken))
            return new Outcome<AgentDto>.Conflict(Localized<AgentText>.Get("EnrolmentUsed"));

        // An offline agent has no token anyone knows: a random one is hashed and forgotten, so the row is like any other.
        var secret = Portal.Api.Accounts.ApiTokenService.NewSecret(AgentProtocol.AgentTokenPrefix);
        var agent = new Agent
        {
            OrganizationId = organization.Id, Name = enrolment!.Name.Trim()[..Math.Min(200, enrolment.Name.Trim().Length)],
            Hostname = Clip(enrolment.Hostname, 200), AgentVersion = Clip(enrolment.AgentVersion, 100), EngineVersion = Clip(enrolment.EngineVersion, 100),
            TokenPrefix = secret[..8], TokenHash = Portal.Api.Accounts.ApiTokenService.Hash(secret), RegisteredAt = time.GetUtcNow(),
            PublicKey = enrolment.PublicKey, Offline = true,
        };
        db.Agents.Add(agent);
        db.Actor = new AuditActor(caller.UserId, caller.Name);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException
                                          { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: RegistrationTokenService.KeyIndex })
        {
            return new Outcome<AgentDto>.Conflict(Localized<AgentText>.Get("EnrolmentUsed")); // enrolled by another call at the same moment
        }
        var listed = await agents.ListAsync(caller, organization.Id, cancellationToken);
        return new Outcome<AgentDto>.Success(listed.Single(a => a.Id == agent.Id));
    }

    public async Task<Outcome<BundleUploadDto>> UploadAsync(Caller caller, JsonObject? bundle, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (bundle?["format"] is not JsonValue format || format.GetValueKind() != JsonValueKind.String || format.GetValue<string>() != ResultBundleFormat.Format)
        {
            errors.Add("format", Localized<AgentText>.Format("BundleFormat", ResultBundleFormat.Format));
            return errors.ToOutcome<BundleUploadDto>();
        }
        var key = bundle[AgentKey.SignerMember]?["publicKey"] is JsonValue k && k.GetValueKind() == JsonValueKind.String ? k.GetValue<string>() : null;
        var agent = key is null ? null : await db.Agents.AsNoTracking().Include(a => a.Organization)
            .FirstOrDefaultAsync(a => a.PublicKey == key && a.RevokedAt == null, cancellationToken);
        if (agent is null)
        {
            errors.Add("signer.publicKey", Localized<AgentText>.Get("BundleUnknownKey"));
            return errors.ToOutcome<BundleUploadDto>();
        }
        bool signed;
        try
        {
            signed = AgentKey.VerifyInPlace(key!, bundle);
        }
        catch (JsonException e)
        {
            errors.Add("bundle", Localized<AgentText>.Format("BundleUnreadable", e.Message));
            return errors.ToOutcome<BundleUploadDto>();
        }
        if (!signed)
        {
            errors.Add("signature", Localized<AgentText>.Format("BundleTampered", agent.Name));
            return errors.ToOutcome<BundleUploadDto>();
        }
        if (!caller.IsConsortiumAdmin && !caller.IsMemberOf(agent.OrganizationId))
            return new Outcome<BundleUploadDto>.Forbidden(Localized<AgentText>.Format("BundleForbidden", agent.Organization!.Name));

        BundleBody body;
        try
        {
            body = bundle.Deserialize<BundleBody>(AgentProtocol.Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            errors.Add("bundle", Localized<AgentText>.Format("BundleUnreadable", e.Message));
            return errors.ToOutcome<BundleUploadDto>();
        }
        if (await db.ResultBundles.AsNoTracking().FirstOrDefaultAsync(b => b.Id == body.BundleId, cancellationToken) is { } earlier)
            return Replayed(errors, earlier);
        if (body.Results is not { Count: > 0 and <= MaxResults } || body.Specs is null || body.Devices is null)
        {
            errors.Add("results", Localized<AgentText>.Format("BundleResultCount", MaxResults));
            return errors.ToOutcome<BundleUploadDto>();
        }
        var specs = new Dictionary<string, BundleSpec>();
        foreach (var spec in body.Specs)
        {
            if (CanonicalJson.Sha256(spec.Spec) != spec.Sha256)
                errors.Add("specs", Localized<AgentText>.Format("BundleSpecHash", spec.Name ?? spec.Sha256));
            specs[spec.Sha256] = spec;
        }
        var tests = await TestsBySpecAsync(body.Specs.Select(s => s.Spec), cancellationToken);
        // A result that ran on no device (the host had none for its language) is no verdict on any SKU: it is left out, with why,
        // and the others are recorded. Every other result must name a spec and a device the bundle carries.
        var skipped = new List<BundleSkippedDto>();
        var kept = new List<BundleResult>();
        foreach (var result in body.Results)
        {
            var specName = specs.TryGetValue(result.SpecSha256, out var named) ? named.Name ?? result.SpecSha256 : result.SpecSha256;
            if (!specs.ContainsKey(result.SpecSha256))
                errors.Add("results", Localized<AgentText>.Format("BundleSpecMissing", result.SpecSha256));
            else if (result.Device == ResultBundleFormat.NoDevice && body.Devices.All(d => d.Id != result.Device))
                skipped.Add(new BundleSkippedDto(specName, Localized<AgentText>.Format("BundleNoDevice", specName, result.Result.Message)));
            else
            {
                if (!tests.ContainsKey(result.SpecSha256))
                    errors.Add("results", Localized<AgentText>.Format("BundleNoSuchTest", specName));
                if (body.Devices.All(d => d.Id != result.Device))
                    errors.Add("results", Localized<AgentText>.Format("BundleDeviceMissing", result.Device));
                kept.Add(result);
            }
        }
        if (!errors.Any && kept.Count == 0)
            errors.Add("results", Localized<AgentText>.Format("BundleNoDeviceAtAll", skipped[0].Test, body.Results[0].Result.Message));
        if (errors.Any)
            return errors.ToOutcome<BundleUploadDto>();

        // The agent's devices as it listed them, mapped to SKUs the way an online agent's report is.
        var identity = new AgentIdentity(agent.Id, agent.OrganizationId, agent.Organization!.Kind == Portal.Data.Organizations.OrganizationKind.Consortium,
            agent.PublicKey);
        var reported = await agents.ReportDevicesAsync(identity, new DevicesReport(body.Devices, null, body.AgentVersion, body.EngineVersion), cancellationToken);
        if (reported is not Outcome<IReadOnlyList<ReportedDevice>>.Success)
            return reported switch
            {
                Outcome<IReadOnlyList<ReportedDevice>>.Invalid invalid => new Outcome<BundleUploadDto>.Invalid(invalid.Errors),
                _ => new Outcome<BundleUploadDto>.Conflict(Localized<AgentText>.Get("DevicesReportedMeanwhile")),
            };
        db.ChangeTracker.Clear();
        var deviceRows = await db.AgentDevices.AsNoTracking().Where(d => d.AgentId == agent.Id)
            .ToDictionaryAsync(d => d.LocalId, cancellationToken);

        var now = time.GetUtcNow();
        var signature = bundle[AgentKey.SignatureMember]!.GetValue<string>();
        // A run is of one test or of a suite: the suite when every result's test is in the same one (the usual bundle).
        var ran = kept.Select(r => tests[r.SpecSha256]).ToList();
        var suiteId = ran.Select(t => t.SuiteId).Distinct().ToList() is [{ } only] ? only : (Guid?)null;
        var run = new TestRun
        {
            RequestedByUserId = caller.UserId, Reason = RunReason.Submitted, CreatedAt = now, SuiteId = suiteId,
            TestId = suiteId is null ? ran[0].Id : null,
        };
        var record = new ResultBundle
        {
            Id = body.BundleId, AgentId = agent.Id, RunId = run.Id, RunAt = body.CreatedAt, UploadedAt = now, UploadedByUserId = caller.UserId,
            Results = kept.Count, Signature = signature, EngineVersion = Clip(body.EngineVersion, 100) ?? "",
        };
        db.TestRuns.Add(run);
        db.ResultBundles.Add(record);
        var recorded = new List<BundleResultDto>();
        var timed = new List<(Guid JobId, KernelResult Result)>();
        foreach (var result in kept)
        {
            var test = tests[result.SpecSha256];
            var device = deviceRows[result.Device];
            var outcome = result.Result.Bounded();
            var job = new Job
            {
                RunId = run.Id, TestId = test.Id, Language = test.Language, TargetDeviceId = device.Id, Status = JobStatus.Completed, Attempts = 1,
                MaxAttempts = 1, CreatedAt = now, StartedAt = result.StartedAt, FinishedAt = result.FinishedAt, AgentId = agent.Id, DeviceId = device.Id,
                Verdict = outcome.Status.Name(), Result = outcome, AgentOrganizationId = agent.OrganizationId, SkuId = device.SkuId,
                DeviceName = device.Name, DriverVersion = device.DriverVersion, AgentVersion = Clip(body.AgentVersion, 100),
                EngineVersion = Clip(body.EngineVersion, 100), Verified = identity.Consortium, BundleId = record.Id,
                // The bundle's signature covers the whole bundle (kept on the bundle's record), not this result alone: a
                // per-job signed result built from it would never verify, so the job has none (its signed result is a 404).
            };
            db.Jobs.Add(job);
            timed.Add((job.Id, outcome));
            recorded.Add(new BundleResultDto(job.Id, test.Id, test.Name, result.Device, job.Verdict));
        }
        db.Actor = new AuditActor(caller.UserId, caller.Name);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // The same bundle uploaded twice at once: the other upload recorded it.
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return Replayed(new ValidationErrors(), await db.ResultBundles.AsNoTracking().FirstAsync(b => b.Id == body.BundleId, cancellationToken));
            }
            // The timings are held against their devices' limits by the check an online completion goes through, in the same
            // transaction: an offline result claiming more than the device can do is marked suspect exactly as an online one.
            await TimingLimits.MarkAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), timed,
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return new Outcome<BundleUploadDto>.Success(new BundleUploadDto(record.Id, run.Id, agent.Id, agent.Name, record.RunAt, now, recorded.Count, recorded,
            skipped));
    }

    /// <summary>
    /// The conformance suite's tests with their specs as stored (the text the lease sends, so that their hashes are the ones
    /// an upload matches), for <c>Portal.Agent fetch-suite</c> to carry to an air-gapped host.
    /// </summary>
    public async Task<JsonObject> SuiteAsync(string? language, CancellationToken cancellationToken)
    {
        var rows = Rows(await db.Database.SqlQuery<string>($"""
            select json_build_object('id', t.id, 'name', t.name, 'language', t.language, 'spec', t.spec::text, 'suiteId', t.suite_id)::text as "Value"
              from compatibility_tests t join test_suites s on s.id = t.suite_id
             where s.slug = {Portal.Data.Compatibility.TestSuite.ConformanceSlug} and ({language}::text is null or t.language = {language})
             order by t.name
            """).ToListAsync(cancellationToken));
        var tests = new JsonArray();
        foreach (var row in rows)
            tests.Add(new JsonObject
            {
                ["testId"] = row.Id.ToString(), ["name"] = row.Name, ["language"] = row.Language, ["sha256"] = CanonicalJson.Sha256(row.Spec),
                ["spec"] = JsonNode.Parse(row.Spec),
            });
        return new JsonObject { ["format"] = ResultBundleFormat.SuiteFormat, ["fetchedAt"] = time.GetUtcNow(), ["tests"] = tests };
    }

    private static Outcome<BundleUploadDto> Replayed(ValidationErrors errors, ResultBundle earlier)
    {
        errors.Add("bundleId", Localized<AgentText>.Format("BundleReplayed", earlier.Id,
            earlier.UploadedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)));
        return errors.ToOutcome<BundleUploadDto>();
    }

    /// <summary>The tests whose stored spec has each of these specs' hashes (the spec as the lease would send it).</summary>
    private async Task<Dictionary<string, TestSpec>> TestsBySpecAsync(IEnumerable<JsonElement> specs, CancellationToken cancellationToken)
    {
        var ops = specs.Select(s => s.TryGetProperty("op", out var op) ? op.GetString() : null).OfType<string>().Distinct().ToArray();
        var rows = Rows(await db.Database.SqlQuery<string>($"""
            select json_build_object('id', t.id, 'name', t.name, 'language', t.language, 'spec', t.spec::text, 'suiteId', t.suite_id)::text as "Value" from compatibility_tests t where t.op = any({ops})
            """).ToListAsync(cancellationToken));
        var byHash = new Dictionary<string, TestSpec>();
        // Oldest first wins: two tests with one spec (a copy) take the first's results.
        foreach (var row in rows.OrderBy(r => r.Id))
            byHash.TryAdd(CanonicalJson.Sha256(row.Spec), row);
        return byHash;
    }

    // One JSON object per test row, read as text: the spec inside it is hashed in its canonical form, so its formatting here
    // does not matter. (SqlQuery of a single text column; the row type's own column mapping would follow the naming convention.)
    private static IReadOnlyList<TestSpec> Rows(IEnumerable<string> json) =>
        json.Select(j => JsonSerializer.Deserialize<TestSpec>(j, JsonSerializerOptions.Web)!).ToList();

    private static string? Clip(string? value, int length) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim()[..Math.Min(length, value.Trim().Length)];
}
