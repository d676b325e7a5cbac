using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Portal.Api.Common;

namespace Portal.Api.Subscriptions;

public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/").WithTags("Webhooks");
        group.MapGet("/organizations/{id:guid}/webhooks", ListWebhooks).WithName(nameof(ListWebhooks)).ProducesProblems(403, 404);
        group.MapPost("/organizations/{id:guid}/webhooks", CreateWebhook).WithName(nameof(CreateWebhook)).ProducesProblems(400, 403, 404);
        group.MapDelete("/webhooks/{id:guid}", DeleteWebhook).WithName(nameof(DeleteWebhook)).ProducesProblems(404);
        group.MapGet("/webhooks/{id:guid}/deliveries", ListWebhookDeliveries).WithName(nameof(ListWebhookDeliveries)).ProducesProblems(404);
        group.MapPost("/webhooks/{id:guid}/test", SendWebhookTest).WithName(nameof(SendWebhookTest)).ProducesProblems(404);
        return app;
    }

    public static async Task<Results<Ok<List<WebhookDto>>, ValidationProblem, ProblemHttpResult>> ListWebhooks(
        Guid id, Caller caller, WebhookService webhooks, CancellationToken cancellationToken) =>
        (await webhooks.ListAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Created<CreatedWebhookDto>, ValidationProblem, ProblemHttpResult>> CreateWebhook(
        Guid id, WebhookInput input, Caller caller, WebhookService webhooks, CancellationToken cancellationToken) =>
        (await webhooks.CreateAsync(caller, id, input, cancellationToken)).ToCreated(w => $"/api/v1/webhooks/{w.Webhook.Id}");

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteWebhook(
        Guid id, Caller caller, WebhookService webhooks, CancellationToken cancellationToken) =>
        (await webhooks.DeleteAsync(caller, id, cancellationToken)).ToNoContent();

    public static async Task<Results<Ok<List<WebhookDeliveryDto>>, ValidationProblem, ProblemHttpResult>> ListWebhookDeliveries(
        Guid id, Caller caller, WebhookService webhooks, CancellationToken cancellationToken) =>
        (await webhooks.DeliveriesAsync(caller, id, cancellationToken)).ToOk();

    public static async Task<Results<Ok<WebhookDeliveryDto>, ValidationProblem, ProblemHttpResult>> SendWebhookTest(
        Guid id, Caller caller, WebhookService webhooks, CancellationToken cancellationToken) =>
        (await webhooks.SendTestAsync(caller, id, cancellationToken)).ToOk();
}
