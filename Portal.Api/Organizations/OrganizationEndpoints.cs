using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Audit;
using Portal.Api.Common;
using Portal.Data;

namespace Portal.Api.Organizations;

public static class OrganizationEndpoints
{
    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/organizations").WithTags("Organizations");
        group.MapGet("/", ListOrganizations).WithName(nameof(ListOrganizations)).ProducesProblems(400).OpenToAnonymous();
        group.MapGet("/export.csv", ExportOrganizations).WithName(nameof(ExportOrganizations))
            .Produces<string>(200, "text/csv").ProducesProblems(400).OpenToAnonymous();
        group.MapGet("/{id:guid}", GetOrganization).WithName(nameof(GetOrganization)).ProducesProblems(404).OpenToAnonymous();
        group.MapGet("/{id:guid}/holdings", GetOrganizationHoldings).WithName(nameof(GetOrganizationHoldings)).ProducesProblems(404).OpenToAnonymous();
        group.MapGet("/{id:guid}/audit", GetOrganizationAudit).WithName(nameof(GetOrganizationAudit)).ProducesProblems(400);
        group.MapPost("/", CreateOrganization).WithName(nameof(CreateOrganization)).ProducesProblems(400, 403);
        group.MapPut("/{id:guid}", UpdateOrganization).WithName(nameof(UpdateOrganization)).ProducesProblems(400, 403, 404, 409);
        group.MapDelete("/{id:guid}", DeleteOrganization).WithName(nameof(DeleteOrganization)).ProducesProblems(403, 404);
        return app;
    }

    public static async Task<Results<Ok<PagedList<OrganizationDto>>, ValidationProblem, ProblemHttpResult>> ListOrganizations(
        [AsParameters] OrganizationQuery query, OrganizationService organizations, CancellationToken cancellationToken) =>
        (await organizations.ListAsync(query, cancellationToken)).ToOk();

    public static Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult> ExportOrganizations(
        [AsParameters] OrganizationQuery query, OrganizationService organizations, CancellationToken cancellationToken) =>
        organizations.Export(query).To(rows => TypedResults.Stream(
            stream => OrganizationCsv.WriteAsync(stream, rows, cancellationToken),
            contentType: "text/csv; charset=utf-8",
            fileDownloadName: "organizations.csv"));

    /// <summary>Its SKUs, agents, tests and deployments (a ministry's: those it sponsors), as links.</summary>
    public static async Task<Results<Ok<OrganizationHoldingsDto>, ValidationProblem, ProblemHttpResult>> GetOrganizationHoldings(
        Guid id, Caller? caller, OrganizationService organizations, CancellationToken cancellationToken) =>
        (await organizations.HoldingsAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Ok<OrganizationDto>, ValidationProblem, ProblemHttpResult>> GetOrganization(
        Guid id, OrganizationService organizations, CancellationToken cancellationToken) =>
        (await organizations.GetAsync(id, cancellationToken)).ToOk();

    public static async Task<Results<Ok<PagedList<AuditEntryDto>>, ValidationProblem, ProblemHttpResult>> GetOrganizationAudit(
        Guid id, int? page, int? pageSize, Caller caller, AuditService audit, CancellationToken cancellationToken) =>
        (await audit.ListAsync(caller, new AuditQuery { EntityType = "Organization", EntityId = id.ToString(), Page = page, PageSize = pageSize }, cancellationToken)).ToOk();

    public static async Task<Results<Created<OrganizationDto>, ValidationProblem, ProblemHttpResult>> CreateOrganization(
        OrganizationInput input, Caller caller, OrganizationService organizations, CancellationToken cancellationToken) =>
        (await organizations.CreateAsync(caller, input, cancellationToken)).ToCreated(o => $"/api/v1/organizations/{o.Id}");

    public static async Task<Results<Ok<OrganizationDto>, ValidationProblem, ProblemHttpResult>> UpdateOrganization(
        Guid id, OrganizationInput input, Caller caller, OrganizationService organizations, CancellationToken cancellationToken) =>
        (await organizations.UpdateAsync(caller, id, input, cancellationToken)).ToOk();

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteOrganization(
        Guid id, Caller caller, OrganizationService organizations, CancellationToken cancellationToken) =>
        (await organizations.DeleteAsync(caller, id, cancellationToken)).ToNoContent();
}
