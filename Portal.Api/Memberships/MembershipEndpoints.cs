using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Memberships;

public static class MembershipEndpoints
{
    public static IEndpointRouteBuilder MapMembershipsApi(this IEndpointRouteBuilder app)
    {
        var organization = app.MapGroup("/organizations/{organizationId:guid}").WithTags("Members");
        organization.MapGet("/members", ListMembers).WithName(nameof(ListMembers)).ProducesProblems(404);
        organization.MapPut("/members/{userId:guid}", SetMemberRole).WithName(nameof(SetMemberRole)).ProducesProblems(400, 403, 404, 409);
        organization.MapDelete("/members/{userId:guid}", RemoveMember).WithName(nameof(RemoveMember)).ProducesProblems(403, 404, 409);
        organization.MapGet("/join-requests", ListJoinRequests).WithName(nameof(ListJoinRequests)).ProducesProblems(403);
        organization.MapPost("/join-requests", RequestToJoin).WithName(nameof(RequestToJoin)).ProducesProblems(400, 404, 409);

        var requests = app.MapGroup("/join-requests").WithTags("Members");
        requests.MapPost("/{id:guid}/approve", ApproveJoinRequest).WithName(nameof(ApproveJoinRequest)).ProducesProblems(403, 404, 409);
        requests.MapPost("/{id:guid}/decline", DeclineJoinRequest).WithName(nameof(DeclineJoinRequest)).ProducesProblems(403, 404, 409);

        app.MapGet("/me", GetMe).WithTags("Account").WithName(nameof(GetMe));
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<MemberDto>>, ValidationProblem, ProblemHttpResult>> ListMembers(
        Guid organizationId, Caller caller, MembershipService memberships, CancellationToken cancellationToken) =>
        (await memberships.MembersAsync(caller, organizationId, cancellationToken)).ToOk();

    public static async Task<Results<Ok<MemberDto>, ValidationProblem, ProblemHttpResult>> SetMemberRole(
        Guid organizationId, Guid userId, MemberRoleInput input, Caller caller, MembershipService memberships, CancellationToken cancellationToken) =>
        (await memberships.SetRoleAsync(caller, organizationId, userId, input, cancellationToken)).ToOk();

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveMember(
        Guid organizationId, Guid userId, Caller caller, MembershipService memberships, CancellationToken cancellationToken) =>
        (await memberships.RemoveAsync(caller, organizationId, userId, cancellationToken)).ToNoContent();

    public static async Task<Results<Ok<IReadOnlyList<JoinRequestDto>>, ValidationProblem, ProblemHttpResult>> ListJoinRequests(
        Guid organizationId, Caller caller, MembershipService memberships, CancellationToken cancellationToken) =>
        (await memberships.PendingRequestsAsync(caller, organizationId, cancellationToken)).ToOk();

    public static async Task<Results<Created<JoinRequestDto>, ValidationProblem, ProblemHttpResult>> RequestToJoin(
        Guid organizationId, JoinRequestInput input, Caller caller, MembershipService memberships, CancellationToken cancellationToken) =>
        (await memberships.RequestToJoinAsync(caller, organizationId, input, cancellationToken))
            .ToCreated(r => $"/api/v1/organizations/{r.OrganizationId}/join-requests");

    public static async Task<Results<Ok<JoinRequestDto>, ValidationProblem, ProblemHttpResult>> ApproveJoinRequest(
        Guid id, Caller caller, MembershipService memberships, CancellationToken cancellationToken) =>
        (await memberships.DecideAsync(caller, id, approve: true, cancellationToken)).ToOk();

    public static async Task<Results<Ok<JoinRequestDto>, ValidationProblem, ProblemHttpResult>> DeclineJoinRequest(
        Guid id, Caller caller, MembershipService memberships, CancellationToken cancellationToken) =>
        (await memberships.DecideAsync(caller, id, approve: false, cancellationToken)).ToOk();

    public static async Task<Ok<MeDto>> GetMe(Caller caller, MembershipService memberships, CancellationToken cancellationToken) =>
        TypedResults.Ok((await memberships.MeAsync(caller.UserId, cancellationToken))!);
}
