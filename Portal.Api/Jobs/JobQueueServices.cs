using Microsoft.Extensions.DependencyInjection;

namespace Portal.Api.Jobs;

/// <summary>
/// The job queue, in one place (as Hangfire.SqlServer keeps its job queue and expiration manager side by side, and river
/// its notifier and job rescuer): <see cref="JobQueue"/> (every statement that changes a job's state, fenced by the lease id),
/// <see cref="JobSignals"/> (LISTEN: wakes waiting lease calls and live pages on every replica), <see cref="RunEventBatch"/>
/// (NOTIFY of run changes, gathered), <see cref="JobReaper"/> (expired leases, retries, jobs nobody takes),
/// <see cref="JobSubmitter"/> (puts runs on the queue), <see cref="LeaseRule"/> (who may lease what) and the agent
/// protocol's endpoints (<see cref="AgentQueueEndpoints"/>). Agents, the benchmark and the tests call it through one
/// client, Portal.Contracts' <c>AgentQueueClient</c>.
/// </summary>
public static class JobQueueServices
{
    public static IServiceCollection AddJobQueue(this IServiceCollection services)
    {
        services.AddOptions<JobQueueOptions>().BindConfiguration(JobQueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RunEventBatch>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobSignals>().AddHostedService(sp => sp.GetRequiredService<JobSignals>());
        services.AddSingleton<JobReaper>().AddHostedService(sp => sp.GetRequiredService<JobReaper>());
        services.AddScoped<JobSubmitter>();
        return services;
    }
}
