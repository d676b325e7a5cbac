using Portal.Contracts;
using Portal.Data.Jobs;

namespace Portal.Tests.Infrastructure;

/// <summary>Completed jobs with a known timing, as the queue records them, for the charts' tests.</summary>
public static class ChartRows
{
    /// <summary>
    /// Completes <paramref name="jobId"/> on <paramref name="skuId"/> with <paramref name="verdict"/>, a timing whose rates
    /// and spread are given, and the driver it ran with.
    /// </summary>
    public static Task CompleteTimedAsync(this PortalFactory portal, Guid jobId, Guid skuId, Guid deviceId, KernelStatus verdict,
        DateTimeOffset finishedAt, string driver, double gbPerSecond, double? gflopPerSecond = null, bool suspect = false,
        (double Min, double Median, double P90, double Max)? spread = null, string dtype = "f32") =>
        portal.UpdateJobAsync(jobId, job =>
        {
            var (min, median, p90, max) = spread ?? (1.0, 1.0, 1.0, 1.0);
            job.Status = JobStatus.Completed;
            job.Verdict = verdict.Name();
            job.Result = new KernelResult(verdict, "m",
                Timing: new TimingResult(new Dictionary<string, double> { ["n"] = 1000 }, 20, median, min, p90, median, 0, max,
                    gbPerSecond, gflopPerSecond, dtype));
            job.Attempts = 1;
            job.StartedAt = finishedAt - TimeSpan.FromSeconds(5);
            job.FinishedAt = finishedAt;
            job.SkuId = skuId;
            job.DeviceId = deviceId;
            job.DeviceName = "Chart device";
            job.DriverVersion = driver;
            job.TimingSuspect = suspect;
        });
}
