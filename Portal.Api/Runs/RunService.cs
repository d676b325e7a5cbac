using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Api.Common;
using Portal.Api.Jobs;
using Portal.Api.Skus;
using Portal.Api.Tests;
using Portal.Data;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;

namespace Portal.Api.Runs;

/// <summary>Submitting, reading and cancelling runs of compatibility tests; what a caller cannot see does not exist for them.</summary>
public sealed class RunService(PortalDbContext db, JobSubmitter submitter, JobQueue queue, SubmissionLimiter limiter,
    IOptions<JobQueueOptions> queueOptions)
{
    /// <summary>Anyone who can see the test may run it.</summary>
    public async Task<Outcome<RunDto>> SubmitAsync(Caller caller, Guid testId, RunInput input, CancellationToken cancellationToken)
    {
        // Tracked: the submitter attaches the run to this very entity.
        var test = await db.CompatibilityTests.VisibleTo(caller).FirstOrDefaultAsync(t => t.Id == testId, cancellationToken);
        if (test is null)
            return new Outcome<RunDto>.NotFound(Localized<TestText>.Format("NotFound", testId));
        if (limiter.Refuse<RunDto>(caller) is { } refused)
            return refused;
        return await submitter.SubmitTestRunAsync(caller, test, input.Targets ?? [], cancellationToken) switch
        {
            Outcome<Guid>.Success run => await GetAsync(caller, run.Value, cancellationToken),
            Outcome<Guid>.Invalid invalid => new Outcome<RunDto>.Invalid(invalid.Errors),
            Outcome<Guid>.NotFound notFound => new Outcome<RunDto>.NotFound(notFound.Message),
            Outcome<Guid>.Forbidden forbidden => new Outcome<RunDto>.Forbidden(forbidden.Message),
            Outcome<Guid>.Conflict conflict => new Outcome<RunDto>.Conflict(conflict.Message),
            var other => throw new InvalidOperationException($"Unknown outcome {other.GetType().Name}."),
        };
    }

    public async Task<Outcome<RunDto>> GetAsync(Caller? caller, Guid runId, CancellationToken cancellationToken)
    {
        var run = await db.TestRuns.AsNoTracking()
            .Where(r => r.Id == runId)
            .Select(r => new
            {
                r.Id, r.TestId, TestName = r.Test == null ? null : r.Test.Name,
                TestOrganizationId = r.Test == null ? null : r.Test.OrganizationId,
                TestVisibility = r.Test == null ? (TestVisibility?)null : r.Test.Visibility,
                Suite = r.Suite == null ? null : new SuiteRef(r.Suite.Id, r.Suite.Slug, r.Suite.Name),
                r.Reason, r.RequestedByUserId, r.CreatedAt,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (run is null || (run.TestVisibility is { } visibility && !TestAccess.CanSee(caller, run.TestOrganizationId, visibility)))
            return RunNotFound(runId);

        var jobs = await JobReader.ReadAsync(db, queueOptions.Value, VisibleJobsOf(caller, runId), cancellationToken);
        var states = jobs.Select(j => (j.Status, j.Verdict)).ToList();
        return new RunDto(run.Id, run.TestId, run.TestName, run.Suite, run.Reason, run.RequestedByUserId,
            RunSummary.Status(jobs.Select(j => j.Status).ToList()), RunSummary.Verdict(states), RunSummary.Outcomes(states), run.CreatedAt, jobs,
            TestAccess.CanCancel(caller, run.TestOrganizationId, run.RequestedByUserId));
    }

    /// <summary>
    /// How far a run has come, counted in the database (a run of thousands of jobs is not read job by job): what a live
    /// view re-reads each time one of its jobs changes, on whichever replica that happened.
    /// </summary>
    public async Task<Outcome<RunProgress>> GetProgressAsync(Caller? caller, Guid runId, CancellationToken cancellationToken)
    {
        var run = await db.TestRuns.AsNoTracking().Where(r => r.Id == runId)
            .Select(r => new { OrganizationId = r.Test == null ? null : r.Test.OrganizationId, Visibility = r.Test == null ? (TestVisibility?)null : r.Test.Visibility })
            .FirstOrDefaultAsync(cancellationToken);
        if (run is null || (run.Visibility is { } visibility && !TestAccess.CanSee(caller, run.OrganizationId, visibility)))
            return new Outcome<RunProgress>.NotFound(Localized<RunText>.Format("RunNotFound", runId));
        var groups = await VisibleJobsOf(caller, runId).GroupBy(j => new { j.Status, j.Verdict })
            .Select(g => new { g.Key.Status, g.Key.Verdict, Count = g.Count() }).ToListAsync(cancellationToken);
        var states = groups.SelectMany(g => Enumerable.Repeat((g.Status, g.Verdict), g.Count)).ToList();
        return new RunProgress(runId, RunSummary.Status(states.Select(s => s.Status).ToList()), RunSummary.Verdict(states), states.Count,
            states.Count(s => s.Status.IsFinal()), RunSummary.Outcomes(states));
    }

    /// <summary>A suite run's jobs name their own tests, and each its SKU: only those the caller may see (TestAccess, SkuAccess).</summary>
    private IQueryable<Job> VisibleJobsOf(Caller? caller, Guid runId) => VisibleJobs(caller).Where(j => j.RunId == runId);

    /// <summary>Jobs whose test and SKU (measured or targeted) the caller may see: a private SKU's verdicts stay its vendor's.</summary>
    private IQueryable<Job> VisibleJobs(Caller? caller)
    {
        var visibleTests = db.CompatibilityTests.VisibleTo(caller);
        var visibleSkus = db.HardwareSkus.VisibleTo(caller).Select(s => s.Id);
        return db.Jobs.AsNoTracking().Where(j => visibleTests.Any(t => t.Id == j.TestId)
            && (j.SkuId == null || visibleSkus.Contains(j.SkuId.Value))
            && (j.TargetSkuId == null || visibleSkus.Contains(j.TargetSkuId.Value)));
    }

    /// <summary>A test's runs, newest first.</summary>
    public async Task<Outcome<PagedList<RunListItem>>> ListForTestAsync(Caller? caller, Guid testId, int? page, int? pageSize,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (p, size) = Paging.Validate(page, pageSize, errors);
        if (errors.Any)
            return errors.ToOutcome<PagedList<RunListItem>>();
        if (!await db.CompatibilityTests.VisibleTo(caller).AnyAsync(t => t.Id == testId, cancellationToken))
            return new Outcome<PagedList<RunListItem>>.NotFound(Localized<TestText>.Format("NotFound", testId));

        var runs = db.TestRuns.AsNoTracking().Where(r => r.TestId == testId);
        var total = await runs.CountAsync(cancellationToken);
        var jobs = VisibleJobs(caller);
        var rows = await runs
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Skip((p - 1) * size).Take(size)
            .Select(r => new { r.Id, r.Reason, r.RequestedByUserId, r.CreatedAt,
                Jobs = jobs.Where(j => j.RunId == r.Id).Select(j => new { j.Status, j.Verdict }).ToList() })
            .ToListAsync(cancellationToken);
        var items = rows.Select(r =>
        {
            var states = r.Jobs.Select(j => (j.Status, j.Verdict)).ToList();
            return new RunListItem(r.Id, r.Reason, r.RequestedByUserId, RunSummary.Status(r.Jobs.Select(j => j.Status).ToList()),
                RunSummary.Verdict(states), r.Jobs.Count, r.CreatedAt);
        }).ToList();
        return new PagedList<RunListItem>(items, total, p, size);
    }

    /// <summary>The run a job belongs to, for links to one job (the matrix's cells); a job the caller cannot see does not exist.</summary>
    public async Task<Outcome<Guid>> RunOfJobAsync(Caller? caller, Guid jobId, CancellationToken cancellationToken)
    {
        var job = await VisibleJobs(caller)
            .Where(j => j.Id == jobId)
            .Select(j => new { j.RunId, j.Test!.OrganizationId, j.Test.Visibility })
            .FirstOrDefaultAsync(cancellationToken);
        return job is not null && TestAccess.CanSee(caller, job.OrganizationId, job.Visibility)
            ? job.RunId
            : new Outcome<Guid>.NotFound(Localized<RunText>.Format("JobNotFound", jobId));
    }

    /// <summary>
    /// Cancels a job without an outcome: the run's requester, the test organisation's admins and consortium admins may.
    /// An agent holding the job learns of it when it next extends its lease.
    /// </summary>
    public async Task<Outcome<JobDto>> CancelJobAsync(Caller caller, Guid jobId, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking()
            .Where(j => j.Id == jobId)
            .Select(j => new { j.Status, j.Test!.OrganizationId, j.Test.Visibility, j.Run!.RequestedByUserId })
            .FirstOrDefaultAsync(cancellationToken);
        if (job is null || !TestAccess.CanSee(caller, job.OrganizationId, job.Visibility))
            return new Outcome<JobDto>.NotFound(Localized<RunText>.Format("JobNotFound", jobId));
        if (!TestAccess.CanCancel(caller, job.OrganizationId, job.RequestedByUserId))
            return new Outcome<JobDto>.Forbidden(Localized<RunText>.Get("CancelForbidden"));

        var cancelled = await queue.CancelAsync(jobId, Localized<RunText>.Format("CancelledBy", caller.Name), db.Now, cancellationToken);
        var current = (await JobReader.ReadAsync(db, queueOptions.Value, db.Jobs.AsNoTracking().Where(j => j.Id == jobId), cancellationToken)).SingleOrDefault();
        if (current is null)
            return new Outcome<JobDto>.NotFound(Localized<RunText>.Format("JobNotFound", jobId));
        return cancelled is null
            ? new Outcome<JobDto>.Conflict(Localized<RunText>.Format("JobFinal", Naming.ToSnakeCase(current.Status)))
            : current;
    }

    private static Outcome<RunDto>.NotFound RunNotFound(Guid id) => new(Localized<RunText>.Format("RunNotFound", id));
}
