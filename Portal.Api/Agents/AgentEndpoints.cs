using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Portal.Api.Common;

namespace Portal.Api.Agents;

/// <summary>What people do with agents (user API), and the one call an agent makes before it has its own token.</summary>
public static class AgentEndpoints
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/agents").WithTags("Agents");
        agents.MapGet("/", ListAgents).WithName(nameof(ListAgents));
        agents.MapDelete("/{id:guid}", RevokeAgent).WithName(nameof(RevokeAgent)).ProducesProblems(403, 404);
        agents.MapPut("/{id:guid}/devices/{deviceId:guid}/sku", SetDeviceSku).WithName(nameof(SetDeviceSku)).ProducesProblems(400, 403, 404);
        agents.MapPost("/{id:guid}/devices/{deviceId:guid}/sku/confirm", ConfirmDeviceSku).WithName(nameof(ConfirmDeviceSku)).ProducesProblems(403, 404, 409);

        var tokens = app.MapGroup("/agent-registration-tokens").WithTags("Agents");
        tokens.MapGet("/", ListRegistrationTokens).WithName(nameof(ListRegistrationTokens));
        tokens.MapPost("/", CreateRegistrationToken).WithName(nameof(CreateRegistrationToken)).ProducesProblems(400, 403, 404);
        tokens.MapDelete("/{id:guid}", RevokeRegistrationToken).WithName(nameof(RevokeRegistrationToken)).ProducesProblems(404);
        return app;
    }

    /// <summary>`POST /api/v1/agents/register`: authenticated by the registration token itself, not by a person's token.</summary>
    public static IEndpointRouteBuilder MapAgentRegistration(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/agents/register", RegisterAgent).WithName(nameof(RegisterAgent)).WithTags("Agent protocol")
            .AllowAnonymous().DisableAntiforgery().WithRequestBodyCap(Portal.Kernels.Results.ResultLimits.MaxRequestBytes).ProducesProblems(400, 401, 409, 413);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<AgentDto>>> ListAgents(Guid? organizationId, Caller caller, AgentService agents,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await agents.ListAsync(caller, organizationId, cancellationToken));

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RevokeAgent(Guid id, Caller caller,
        RegistrationTokenService registrations, CancellationToken cancellationToken) =>
        (await registrations.RevokeAgentAsync(caller, id, cancellationToken)).ToNoContent();

    public static async Task<Results<Ok<AgentDeviceDto>, ValidationProblem, ProblemHttpResult>> SetDeviceSku(Guid id, Guid deviceId,
        DeviceSkuInput input, Caller caller, AgentService agents, CancellationToken cancellationToken) =>
        (await agents.SetDeviceSkuAsync(caller, id, deviceId, input, cancellationToken)).ToOk();

    /// <summary>A consortium admin confirms a device's SKU set by hand, so that its verdicts count toward the SKU.</summary>
    public static async Task<Results<Ok<AgentDeviceDto>, ValidationProblem, ProblemHttpResult>> ConfirmDeviceSku(Guid id, Guid deviceId,
        Caller caller, AgentService agents, CancellationToken cancellationToken) =>
        (await agents.ConfirmDeviceSkuAsync(caller, id, deviceId, cancellationToken)).ToOk();

    public static async Task<Ok<IReadOnlyList<RegistrationTokenDto>>> ListRegistrationTokens(Caller caller, RegistrationTokenService tokens,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await tokens.ListAsync(caller, cancellationToken));

    public static async Task<Results<Created<CreatedRegistrationTokenDto>, ValidationProblem, ProblemHttpResult>> CreateRegistrationToken(
        RegistrationTokenInput input, Caller caller, RegistrationTokenService tokens, CancellationToken cancellationToken) =>
        (await tokens.CreateAsync(caller, input, cancellationToken)).ToCreated(t => $"/api/v1/agent-registration-tokens/{t.RegistrationToken.Id}");

    public static async Task<Results<Ok<RegistrationTokenDto>, ValidationProblem, ProblemHttpResult>> RevokeRegistrationToken(Guid id,
        Caller caller, RegistrationTokenService tokens, CancellationToken cancellationToken) =>
        (await tokens.RevokeAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Created<RegisteredAgent>, ValidationProblem, ProblemHttpResult>> RegisterAgent(AgentRegistration registration,
        HttpRequest request, RegistrationTokenService tokens, CancellationToken cancellationToken)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
        if (!presented.StartsWith(AgentProtocol.RegistrationTokenPrefix, StringComparison.Ordinal))
            return Unauthorized(Localized<AgentText>.Get("RegistrationTokenMissing"));
        return await tokens.RegisterAsync(presented, registration, cancellationToken) switch
        {
            Outcome<RegisteredAgent>.Forbidden refused => Unauthorized(refused.Message),
            var outcome => outcome.ToCreated(a => $"/api/v1/agents/{a.AgentId}"),
        };
    }

    private static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: Localized<AgentText>.Get("AgentUnauthorizedTitle"));
}
