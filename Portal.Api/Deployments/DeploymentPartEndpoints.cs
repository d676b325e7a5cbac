using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Deployments;

/// <summary>A deployment's hardware lines and milestones, nested under /deployments/{id}.</summary>
public static class DeploymentPartEndpoints
{
    public static RouteGroupBuilder MapDeploymentPartsApi(this RouteGroupBuilder deployments)
    {
        var hardware = deployments.MapGroup("/{id:guid}/hardware").WithTags("Deployments");
        hardware.MapGet("/", ListHardwareLines).WithName(nameof(ListHardwareLines)).ProducesProblems(404).OpenToAnonymous();
        hardware.MapPost("/", AddHardwareLine).WithName(nameof(AddHardwareLine)).ProducesProblems(400, 403, 404);
        hardware.MapPut("/{lineId:guid}", UpdateHardwareLine).WithName(nameof(UpdateHardwareLine)).ProducesProblems(400, 403, 404, 409);
        hardware.MapDelete("/{lineId:guid}", DeleteHardwareLine).WithName(nameof(DeleteHardwareLine)).ProducesProblems(403, 404);

        var milestones = deployments.MapGroup("/{id:guid}/milestones").WithTags("Deployments");
        milestones.MapGet("/", ListMilestones).WithName(nameof(ListMilestones)).ProducesProblems(404).OpenToAnonymous();
        milestones.MapPost("/", AddMilestone).WithName(nameof(AddMilestone)).ProducesProblems(400, 403, 404);
        milestones.MapPut("/{milestoneId:guid}", UpdateMilestone).WithName(nameof(UpdateMilestone)).ProducesProblems(400, 403, 404, 409);
        milestones.MapDelete("/{milestoneId:guid}", DeleteMilestone).WithName(nameof(DeleteMilestone)).ProducesProblems(403, 404);
        return deployments;
    }

    public static async Task<Results<Ok<IReadOnlyList<HardwareLineDto>>, ValidationProblem, ProblemHttpResult>> ListHardwareLines(
        Guid id, Caller? caller, HardwareLineService lines, CancellationToken cancellationToken) =>
        (await lines.ListAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Created<HardwareLineDto>, ValidationProblem, ProblemHttpResult>> AddHardwareLine(
        Guid id, HardwareLineInput input, Caller caller, HardwareLineService lines, CancellationToken cancellationToken) =>
        (await lines.AddAsync(caller, id, input, cancellationToken)).ToCreated(l => $"/api/v1/deployments/{id}/hardware/{l.Id}");

    public static async Task<Results<Ok<HardwareLineDto>, ValidationProblem, ProblemHttpResult>> UpdateHardwareLine(
        Guid id, Guid lineId, HardwareLineInput input, Caller caller, HardwareLineService lines, CancellationToken cancellationToken) =>
        (await lines.UpdateAsync(caller, id, lineId, input, cancellationToken)).ToOk();

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteHardwareLine(
        Guid id, Guid lineId, Caller caller, HardwareLineService lines, CancellationToken cancellationToken) =>
        (await lines.DeleteAsync(caller, id, lineId, cancellationToken)).ToNoContent();

    public static async Task<Results<Ok<IReadOnlyList<MilestoneDto>>, ValidationProblem, ProblemHttpResult>> ListMilestones(
        Guid id, Caller? caller, MilestoneService milestones, CancellationToken cancellationToken) =>
        (await milestones.ListAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Created<MilestoneDto>, ValidationProblem, ProblemHttpResult>> AddMilestone(
        Guid id, MilestoneInput input, Caller caller, MilestoneService milestones, CancellationToken cancellationToken) =>
        (await milestones.AddAsync(caller, id, input, cancellationToken)).ToCreated(m => $"/api/v1/deployments/{id}/milestones/{m.Id}");

    public static async Task<Results<Ok<MilestoneDto>, ValidationProblem, ProblemHttpResult>> UpdateMilestone(
        Guid id, Guid milestoneId, MilestoneInput input, Caller caller, MilestoneService milestones, CancellationToken cancellationToken) =>
        (await milestones.UpdateAsync(caller, id, milestoneId, input, cancellationToken)).ToOk();

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteMilestone(
        Guid id, Guid milestoneId, Caller caller, MilestoneService milestones, CancellationToken cancellationToken) =>
        (await milestones.DeleteAsync(caller, id, milestoneId, cancellationToken)).ToNoContent();
}
