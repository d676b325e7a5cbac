using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Profiles;

/// <summary>Requirement profiles (JSON export and admin edits), SKUs' badges, and the profile a deployment names.</summary>
public static class ProfileEndpoints
{
    public const string AuditEntityType = "RequirementProfile";

    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/profiles").WithTags("Requirement profiles");
        group.MapGet("/", ListProfiles).WithName(nameof(ListProfiles)).OpenToAnonymous();
        // A literal segment wins over {slug}; ProfileService.ReservedSlug keeps any profile from taking the word.
        group.MapGet("/proposal", ProposeProfile).WithName(nameof(ProposeProfile)).ProducesProblems(403);
        group.MapGet("/{slug}", GetProfile).WithName(nameof(GetProfile)).ProducesProblems(404).OpenToAnonymous();
        group.MapPost("/", CreateProfile).WithName(nameof(CreateProfile)).ProducesProblems(400, 403, 409);
        group.MapPut("/{slug}", UpdateProfile).WithName(nameof(UpdateProfile)).ProducesProblems(400, 403, 404, 409);
        group.MapDelete("/{slug}", DeleteProfile).WithName(nameof(DeleteProfile)).ProducesProblems(403, 404, 409);
        app.MapGet("/skus/{id:guid}/profiles", GetSkuProfiles).WithTags("Requirement profiles").WithName(nameof(GetSkuProfiles)).ProducesProblems(404).OpenToAnonymous();
        app.MapGet("/deployments/{id:guid}/profile", GetDeploymentProfile).WithTags("Requirement profiles").WithName(nameof(GetDeploymentProfile))
            .ProducesProblems(404).OpenToAnonymous();
        app.MapPut("/deployments/{id:guid}/profile", SetDeploymentProfile).WithTags("Requirement profiles").WithName(nameof(SetDeploymentProfile))
            .ProducesProblems(400, 403, 404, 409);
        return app;
    }

    public static async Task<Ok<ProfileListDto>> ListProfiles(Caller? caller, ProfileService profiles, CancellationToken cancellationToken) =>
        TypedResults.Ok(await profiles.ListAsync(caller, cancellationToken));

    public static async Task<Results<Ok<ProfileDto>, ValidationProblem, ProblemHttpResult>> GetProfile(
        string slug, Caller? caller, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.GetAsync(caller, slug, cancellationToken)).ToOk();

    public static async Task<Results<Ok<ProfileDraftDto>, ValidationProblem, ProblemHttpResult>> ProposeProfile(
        Caller caller, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.ProposeAsync(caller, cancellationToken)).ToOk();

    public static async Task<Results<Created<ProfileDto>, ValidationProblem, ProblemHttpResult>> CreateProfile(
        ProfileInput input, Caller caller, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.CreateAsync(caller, input, cancellationToken)).ToCreated(p => $"/api/v1/profiles/{p.Slug}");

    public static async Task<Results<Ok<ProfileDto>, ValidationProblem, ProblemHttpResult>> UpdateProfile(
        string slug, ProfileInput input, Caller caller, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.UpdateAsync(caller, slug, input, cancellationToken)).ToOk();

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteProfile(
        string slug, Caller caller, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.DeleteAsync(caller, slug, cancellationToken)).ToNoContent();

    public static async Task<Results<Ok<IReadOnlyList<SkuProfileBadgeDto>>, ValidationProblem, ProblemHttpResult>> GetSkuProfiles(
        Guid id, Caller? caller, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.SkuBadgesAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Ok<DeploymentProfileDto>, ValidationProblem, ProblemHttpResult>> GetDeploymentProfile(
        Guid id, Caller? caller, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.DeploymentAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Ok<DeploymentProfileDto>, ValidationProblem, ProblemHttpResult>> SetDeploymentProfile(
        Guid id, DeploymentProfileInput input, Caller caller, ProfileService profiles, CancellationToken cancellationToken) =>
        (await profiles.SetDeploymentProfileAsync(caller, id, input, cancellationToken)).ToOk();
}
