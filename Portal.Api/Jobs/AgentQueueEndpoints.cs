using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Portal.Api.Agents;
using Portal.Api.Common;
using Portal.Api.Operations;
using Portal.Data.Jobs;
using Portal.Kernels.Results;

namespace Portal.Api.Jobs;

/// <summary>
/// The agent protocol (DESIGN.md "The job queue") under /api/v1/agent, for agent tokens only: a person's API token
/// gets 401 here, and an agent token gets 401 everywhere else.
/// </summary>
public static class AgentQueueEndpoints
{
    public static IEndpointRouteBuilder MapAgentQueueApi(this IEndpointRouteBuilder app, string agentPolicy)
    {
        var group = app.MapGroup("/api/v1/agent").WithTags("Agent protocol").RequireAuthorization(agentPolicy).DisableAntiforgery()
            .WithRequestBodyCap(ResultLimits.MaxRequestBytes);
        group.MapPut("/devices", ReportDevices).WithName(nameof(ReportDevices)).ProducesProblems(400, 409);
        group.MapPost("/heartbeat", Heartbeat).WithName(nameof(Heartbeat));
        group.MapPost("/lease", LeaseJob).WithName(nameof(LeaseJob)).ProducesProblems(400);
        group.MapPost("/jobs/{id:guid}/extend", ExtendLease).WithName(nameof(ExtendLease)).ProducesProblems(403, 404, 409);
        group.MapPost("/jobs/{id:guid}/complete", CompleteJob).WithName(nameof(CompleteJob)).ProducesProblems(400, 403, 404, 409);
        group.MapPost("/jobs/{id:guid}/release", ReleaseJob).WithName(nameof(ReleaseJob)).ProducesProblems(403, 404, 409);
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<ReportedDevice>>, ValidationProblem, ProblemHttpResult>> ReportDevices(
        DevicesReport report, AgentIdentity agent, AgentService agents, CancellationToken cancellationToken) =>
        (await agents.ReportDevicesAsync(agent, report, cancellationToken)).ToOk();

    public static async Task<NoContent> Heartbeat(AgentHeartbeat? heartbeat, AgentIdentity agent, AgentService agents, CancellationToken cancellationToken)
    {
        await agents.HeartbeatAsync(agent, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Long poll: looks for a job, and if there is none waits for the "job queued" notification (or the end of the
    /// wait) and looks again. The signal is taken before each look, so a job queued in between is not missed.
    /// </summary>
    public static async Task<Results<Ok<JobLease>, NoContent, ValidationProblem>> LeaseJob(LeaseRequest request, AgentIdentity agent,
        JobQueue queue, JobSignals signals, IOptions<JobQueueOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var wait = request.WaitSeconds ?? AgentProtocol.MaxWaitSeconds;
        var errors = new ValidationErrors();
        ValidateDevices(request, "devices", errors);
        if (wait is < 0 or > AgentProtocol.MaxWaitSeconds)
            errors.Add("waitSeconds", Localized<JobText>.Format("LeaseWait", AgentProtocol.MaxWaitSeconds));
        if (errors.Any)
            return Invalid(errors);

        var clock = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(wait);
        while (true)
        {
            var signal = signals.NextQueued;
            if (await LeaseOnceAsync(request, agent, queue, options, time, cancellationToken) is { } lease)
                return TypedResults.Ok(lease);
            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero)
                return TypedResults.NoContent();
            // Without a listening connection (it is being re-opened), look again every second rather than sleep the whole wait.
            var nap = signals.Listening ? left : TimeSpan.FromSeconds(Math.Min(1, left.TotalSeconds));
            try
            {
                await signal.WaitAsync(nap, cancellationToken);
            }
            catch (TimeoutException)
            {
                if (signals.Listening)
                    return TypedResults.NoContent();
            }
        }
    }

    /// <summary>One look for a job for the request's devices, without waiting.</summary>
    /// <param name="leaseId">The lease id to grant (a completion's next job); null: a fresh one.</param>
    private static async Task<JobLease?> LeaseOnceAsync(LeaseRequest request, AgentIdentity agent, JobQueue queue,
        IOptions<JobQueueOptions> options, TimeProvider time, CancellationToken cancellationToken, Guid? leaseId = null)
    {
        var started = Stopwatch.GetTimestamp();
        var job = await queue.TryLeaseAsync(agent.AgentId, agent.OrganizationId, agent.Consortium, request.Devices!, time.GetUtcNow(),
            options.Value.Lease, cancellationToken, leaseId);
        QueueMetrics.LeaseLooked(started, job is not null);
        if (job is null)
            return null;
        if (cancellationToken.IsCancellationRequested)
        {
            // The agent hung up while the job was being leased: hand it straight back, no attempt used.
            await queue.ReleaseAsync(agent.AgentId, job.JobId, job.LeaseId, CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
        }
        return ToLease(job);
    }

    private static JobLease ToLease(LeasedJob job)
    {
        using var spec = JsonDocument.Parse(job.Spec);
        return new JobLease(job.JobId, job.LeaseId, job.ExpiresAt, job.DeviceLocalId, job.Attempt, job.MaxAttempts, spec.RootElement.Clone());
    }

    private static void ValidateDevices(LeaseRequest request, string field, ValidationErrors errors)
    {
        if (request.Devices is not { Count: > 0 and <= AgentService.MaxDevices })
            errors.Add(field, Localized<JobText>.Format("LeaseDevices", AgentService.MaxDevices));
    }

    private static ValidationProblem Invalid(ValidationErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: Localized<SharedText>.Get("InvalidFieldsTitle"));

    public static async Task<Results<Ok<LeaseExtended>, ProblemHttpResult>> ExtendLease(Guid id, LeaseExtension extension, AgentIdentity agent,
        JobQueue queue, IOptions<JobQueueOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        // A progress no run could have (case 7 of 5) is left out rather than refused: refusing the call would cost the lease.
        var progress = extension.Progress is { } p && p.IsPlausible(ResultLimits.MaxCases) ? p : null;
        var (check, expires) = await queue.ExtendAsync(agent.AgentId, id, extension.LeaseId, extension.Running, time.GetUtcNow(),
            options.Value.Lease, cancellationToken, progress);
        return check switch
        {
            LeaseCheck.Done => TypedResults.Ok(new LeaseExtended(expires!.Value, Cancel: false)),
            LeaseCheck.Cancelled => TypedResults.Ok(new LeaseExtended(time.GetUtcNow(), Cancel: true)),
            _ => Refused(check, id),
        };
    }

    /// <summary>
    /// Records the outcome; with <see cref="JobCompletion.Next"/> also leases the agent's next job in the same call, once
    /// the outcome is recorded (a refused completion leases nothing). The next job's lease id is derived from the completed
    /// one (<see cref="JobQueue.NextLeaseId"/>): a repeat of the completion, sent because its answer was lost, gets the job
    /// the first call leased back with that same lease, rather than another while the first waits for its lease to expire.
    /// </summary>
    public static async Task<Results<Ok<JobCompleted>, ValidationProblem, ProblemHttpResult>> CompleteJob(Guid id, JobCompletion completion,
        AgentIdentity agent, JobQueue queue, IOptions<JobQueueOptions> options, TimeProvider time, Portal.Api.Agents.Signing.ResultSignatures signatures,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (completion.Result is null || !Enum.IsDefined(completion.Result.Status))
            errors.Add("result", Localized<JobText>.Get("ResultRequired"));
        else if (ResultLimits.OverlongList(completion.Result) is { } list)
            errors.Add("result." + list, Localized<JobText>.Format("ResultListTooLong", ResultLimits.MaxCases, ResultLimits.MaxParams));
        if (completion.Next is { } next)
        {
            ValidateDevices(next, "next.devices", errors);
            if (next.WaitSeconds is not (null or 0))
                errors.Add("next.waitSeconds", Localized<JobText>.Get("NextWait"));
        }
        if (errors.Any)
            return Invalid(errors);
        // Checked before anything is recorded: a result its agent's key did not sign never becomes a verdict.
        var signed = await signatures.CheckAsync(agent, id, completion.Result!.Bounded(), completion.Signature, cancellationToken);
        if (signed.Problem is { } unsigned)
        {
            errors.Add("signature", unsigned);
            return Invalid(errors);
        }
        // Text past its cap is cut rather than refused: a verdict with a long compile log is still a verdict.
        var result = KernelResultJson.Serialize(completion.Result!.Bounded());
        var verdict = completion.Result!.Status.Name();
        var (gb, gflop, dtype) = TimingLimits.Figures(completion.Result);
        var (check, repeated) = await queue.CompleteAsync(agent.AgentId, id, completion.LeaseId, new JobProvenance(verdict, result, null, null,
            gb, gflop, dtype), time.GetUtcNow(), cancellationToken);
        if (check != LeaseCheck.Done)
            return Refused(check, id);
        if (!repeated)
        {
            QueueMetrics.Completed(verdict);
            await signatures.StoreAsync(id, completion.Signature, signed.SpecSha256, cancellationToken);
        }
        JobLease? nextLease = null;
        if (completion.Next is { } wanted)
        {
            var nextLeaseId = JobQueue.NextLeaseId(completion.LeaseId);
            var handedBack = repeated
                ? await queue.ReofferAsync(agent.AgentId, nextLeaseId, wanted.Devices, time.GetUtcNow(), options.Value.Lease, cancellationToken)
                : null;
            nextLease = handedBack is not null
                ? ToLease(handedBack)
                : await LeaseOnceAsync(wanted, agent, queue, options, time, cancellationToken, nextLeaseId);
        }
        return TypedResults.Ok(new JobCompleted(id, "completed", verdict, nextLease));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> ReleaseJob(Guid id, LeaseRelease release, AgentIdentity agent, JobQueue queue,
        CancellationToken cancellationToken)
    {
        var check = await queue.ReleaseAsync(agent.AgentId, id, release.LeaseId, cancellationToken);
        return check == LeaseCheck.Done ? TypedResults.NoContent() : Refused(check, id);
    }

    private static ProblemHttpResult Refused(LeaseCheck check, Guid jobId) => check switch
    {
        LeaseCheck.NotFound => TypedResults.Problem(statusCode: 404, title: Localized<SharedText>.Get("NotFoundTitle"),
            detail: Localized<JobText>.Format("JobNotFound", jobId)),
        LeaseCheck.NotYours => TypedResults.Problem(statusCode: 403, title: Localized<SharedText>.Get("ForbiddenTitle"),
            detail: Localized<JobText>.Format("JobNotYours", jobId)),
        LeaseCheck.Cancelled => TypedResults.Problem(statusCode: 409, title: Localized<SharedText>.Get("ConflictTitle"),
            detail: Localized<JobText>.Format("JobCancelled", jobId)),
        _ => TypedResults.Problem(statusCode: 409, title: Localized<SharedText>.Get("ConflictTitle"),
            detail: Localized<JobText>.Format("LeaseStale", jobId)),
    };
}
