using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Portal.Api.Subscriptions;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Data.Subscriptions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Webhooks end to end against a local receiver: the signed body, retries with exponential backoff on the portal's clock,
/// the delivery log, and a real verdict change coming through the queue that reaches the SKU's vendor while another
/// organisation's private test does not.
/// </summary>
public sealed class WebhookTests(WebhookTests.Hooks portal) : IClassFixture<WebhookTests.Hooks>
{
    public sealed class Hooks : PortalFactory
    {
        public const int MaxAttempts = 3;

        public Guid Vendor { get; private set; }
        public Guid Rival { get; private set; }
        public Guid H200 { get; private set; }
        public HttpClient VendorAdmin { get; private set; } = null!;
        public HttpClient VendorMember { get; private set; } = null!;
        public HttpClient RivalAdmin { get; private set; } = null!;
        public string ConsortiumAgentToken { get; private set; } = "";

        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
            [.. base.Settings, new("Portal:Subscriptions:MaxAttempts", MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
             new("Portal:Subscriptions:BackoffSeconds", "30")];

        protected override async Task StartedAsync()
        {
            Vendor = await AddOrganizationAsync("Hook Chips", OrganizationKind.ChipDesigner, "KR");
            Rival = await AddOrganizationAsync("Hook Rival", OrganizationKind.ChipDesigner, "US");
            H200 = await this.AddSkuAsync(Vendor, "Hook H200", SkuCategory.Gpu, s => s.DeviceNamePatterns = ["H200"]);
            VendorAdmin = await CreateClientForAsync(await CreateUserAsync("Vendor admin", false, (Vendor, MemberRole.Admin)));
            VendorMember = await CreateClientForAsync(await CreateUserAsync("Vendor member", false, (Vendor, MemberRole.Member)));
            RivalAdmin = await CreateClientForAsync(await CreateUserAsync("Rival admin", false, (Rival, MemberRole.Admin)));
            // The consortium's agents run everyone's tests, private ones too (LeaseRule), and map every SKU's devices.
            ConsortiumAgentToken = await this.CreateRegistrationTokenAsync(await AddOrganizationAsync("Hook Consortium", OrganizationKind.Consortium));
        }

        public Task<int> SendDueAsync() => Services.GetRequiredService<WebhookSender>().SendDueAsync(CancellationToken.None);

        public Task<int> DetectAsync() => Services.GetRequiredService<ChangeDetector>().DetectOnceAsync(CancellationToken.None);
    }

    private static async Task<CreatedWebhookDto> CreateAsync(HttpClient admin, Guid organization, string url, params string[] kinds) =>
        await admin.PostJsonAsync($"/api/v1/organizations/{organization}/webhooks", new WebhookInput(url, kinds))
            .ExpectAsync<CreatedWebhookDto>(HttpStatusCode.Created);

    private Task<WebhookDelivery> DeliveryAsync(Guid id) =>
        portal.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Include(d => d.AttemptLog).SingleAsync(d => d.Id == id));

    /// <summary>Polls the outbox until the delivery has been tried <paramref name="attempts"/> times and its outcome recorded.</summary>
    private async Task<WebhookDelivery> AttemptedAsync(Guid id, int attempts)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await portal.SendDueAsync();
            var delivery = await DeliveryAsync(id);
            if (delivery.AttemptLog.Count >= attempts)
                return delivery;
            Assert.True(DateTime.UtcNow < deadline, $"delivery {id} has {delivery.AttemptLog.Count} attempt(s), not {attempts}");
        }
    }

    /// <summary>The receiver's own check, written out here rather than calling the portal's signer.</summary>
    private static void AssertSigned(ReceivedRequest request, string secret)
    {
        var timestamp = request.Headers["X-Portal-Timestamp"];
        var expected = "sha256=" + Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + request.Body)));
        Assert.Equal(expected, request.Headers["X-Portal-Signature"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(request.Headers["X-Portal-Delivery"], body.RootElement.GetProperty("deliveryId").GetString());
        Assert.Equal("POST", request.Method);
    }

    [Fact]
    public async Task A_webhook_stored_before_secrets_were_sealed_still_signs_with_its_secret()
    {
        await using var receiver = new WebhookReceiver(200);
        var created = await CreateAsync(portal.VendorAdmin, portal.Vendor, receiver.Url, ChangeKinds.MilestoneSlippedName);
        var legacy = WebhookSignature.NewSecret();
        await portal.WithDbAsync(db => db.Webhooks.Where(w => w.Id == created.Webhook.Id).ExecuteUpdateAsync(u => u.SetProperty(w => w.Secret, legacy)));

        var queued = await portal.VendorAdmin.PostJsonAsync($"/api/v1/webhooks/{created.Webhook.Id}/test", new { })
            .ExpectAsync<WebhookDeliveryDto>(HttpStatusCode.OK);

        Assert.Equal(DeliveryState.Delivered, (await AttemptedAsync(queued.Id, 1)).State);
        AssertSigned(Assert.Single(receiver.Requests), legacy);
    }

    [Fact]
    public async Task A_test_event_is_signed_retried_after_a_500_with_backoff_and_logged()
    {
        await using var receiver = new WebhookReceiver(500);
        var created = await CreateAsync(portal.VendorAdmin, portal.Vendor, receiver.Url, ChangeKinds.MilestoneSlippedName);
        Assert.StartsWith("whsec_", created.Secret);
        // No deployment exists here, so no slipped milestone can interleave with the test event. The secret is shown once: the list never carries it.
        var listed = await portal.VendorAdmin.GetStringAsync($"/api/v1/organizations/{portal.Vendor}/webhooks");
        Assert.DoesNotContain(created.Secret, listed);
        // At rest it is sealed: the table holds neither the secret nor any part of its random half.
        var stored = await portal.WithDbAsync(db => db.Webhooks.Where(w => w.Id == created.Webhook.Id).Select(w => w.Secret).SingleAsync());
        Assert.DoesNotContain(created.Secret["whsec_".Length..][..16], stored);
        Assert.False(stored.StartsWith("whsec_", StringComparison.Ordinal));

        var queued = await portal.VendorAdmin.PostJsonAsync($"/api/v1/webhooks/{created.Webhook.Id}/test", new { })
            .ExpectAsync<WebhookDeliveryDto>(HttpStatusCode.OK);

        var first = await AttemptedAsync(queued.Id, 1);
        Assert.Equal(DeliveryState.Pending, first.State);
        Assert.Equal(500, Assert.Single(first.AttemptLog).StatusCode);
        Assert.Equal(first.AttemptLog[0].At + TimeSpan.FromSeconds(30), first.NextAttemptAt);

        // Not due until the backoff has passed on the portal's clock.
        await portal.SendDueAsync();
        Assert.Single((await DeliveryAsync(queued.Id)).AttemptLog);
        portal.Time.Advance(TimeSpan.FromSeconds(30));

        var second = await AttemptedAsync(queued.Id, 2);
        Assert.Equal(DeliveryState.Delivered, second.State);
        Assert.Equal([500, 200], second.AttemptLog.OrderBy(a => a.Number).Select(a => a.StatusCode ?? 0));
        Assert.Equal(2, second.Attempts);

        var requests = receiver.Requests.ToList();
        Assert.Equal(2, requests.Count);
        foreach (var request in requests)
            AssertSigned(request, created.Secret);
        // The same body both times: the signature covers it, and its delivery id lets the receiver drop a repeat.
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal("ping", requests[0].Headers["X-Portal-Event"]);

        var log = await portal.VendorAdmin.GetJsonAsync<List<WebhookDeliveryDto>>($"/api/v1/webhooks/{created.Webhook.Id}/deliveries");
        var logged = Assert.Single(log);
        Assert.Equal(("delivered", 2), (logged.State, logged.Attempts));
        Assert.Equal([500, 200], logged.Log.Select(a => a.StatusCode ?? 0));
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_backs_off_exponentially_and_stops_at_the_last_attempt()
    {
        await using var receiver = new WebhookReceiver(503, 503, 503, 503);
        var created = await CreateAsync(portal.VendorAdmin, portal.Vendor, receiver.Url, ChangeKinds.MilestoneSlippedName);
        var queued = await portal.VendorAdmin.PostJsonAsync($"/api/v1/webhooks/{created.Webhook.Id}/test", new { })
            .ExpectAsync<WebhookDeliveryDto>(HttpStatusCode.OK);

        var first = await AttemptedAsync(queued.Id, 1);
        portal.Time.Advance(TimeSpan.FromSeconds(30));
        var second = await AttemptedAsync(queued.Id, 2);
        // The second wait is twice the first.
        var secondAt = second.AttemptLog.Single(a => a.Number == 2).At;
        Assert.Equal(secondAt + TimeSpan.FromSeconds(60), second.NextAttemptAt);
        portal.Time.Advance(TimeSpan.FromSeconds(30));
        await portal.SendDueAsync();
        Assert.Equal(2, (await DeliveryAsync(queued.Id)).AttemptLog.Count);
        portal.Time.Advance(TimeSpan.FromSeconds(30));

        var last = await AttemptedAsync(queued.Id, Hooks.MaxAttempts);
        Assert.Equal(DeliveryState.Failed, last.State);
        Assert.Equal(Hooks.MaxAttempts, last.Attempts);
        portal.Time.Advance(TimeSpan.FromHours(1));
        await portal.SendDueAsync();
        Assert.Equal(Hooks.MaxAttempts, receiver.Requests.Count);
        // The first wait was the configured 30 s, which the second doubled.
        Assert.Equal(first.AttemptLog.Single().At + TimeSpan.FromSeconds(30), first.NextAttemptAt);
    }

    [Fact]
    public async Task A_regression_reported_through_the_queue_reaches_the_vendor_and_a_rivals_private_test_does_not()
    {
        await using var vendorReceiver = new WebhookReceiver();
        await using var rivalReceiver = new WebhookReceiver();
        var vendorHook = await CreateAsync(portal.VendorAdmin, portal.Vendor, vendorReceiver.Url, ChangeKinds.RegressionName, ChangeKinds.VerdictChangedName);
        var rivalHook = await CreateAsync(portal.RivalAdmin, portal.Rival, rivalReceiver.Url, ChangeKinds.RegressionName, ChangeKinds.VerdictChangedName);

        var (agent, _) = await portal.RegisterAgentAsync(portal.ConsortiumAgentToken, devices: AgentFixtures.Gpu("cuda:0"));
        var open = await portal.AddVectorAddTestAsync("cuda-c");
        var secret = await portal.AddVectorAddTestAsync("cuda-c", TestVisibility.Private, portal.Rival);
        var secretName = await portal.WithDbAsync(db => db.CompatibilityTests.Where(t => t.Id == secret).Select(t => t.Name).SingleAsync());

        async Task RunAsync(Guid test, KernelStatus verdict)
        {
            await portal.SubmitAsync(test, $"sku:{portal.H200}");
            var lease = await agent.PostJsonAsync("/api/v1/agent/lease", new LeaseRequest(["cuda:0"], 0)).ExpectAsync<JobLease>(HttpStatusCode.OK);
            await agent.PostJsonAsync($"/api/v1/agent/jobs/{lease.JobId}/complete", new JobCompletion(lease.LeaseId, new KernelResult(verdict, "from the test agent")))
                .ExpectAsync(HttpStatusCode.OK);
            portal.Time.Advance(TimeSpan.FromMinutes(1));
        }

        await RunAsync(open, KernelStatus.Passed);
        await RunAsync(secret, KernelStatus.Passed);
        await RunAsync(open, KernelStatus.Failed);
        await RunAsync(secret, KernelStatus.Failed);
        await portal.DetectAsync();

        var delivered = await vendorReceiver.WaitForAsync(1, async () => await portal.SendDueAsync());
        var request = Assert.Single(delivered);
        AssertSigned(request, vendorHook.Secret);
        var payload = WebhookPayload.Parse(request.Body)!;
        Assert.Equal(("regression", "failed", "passed"), (payload.Kind, payload.Verdict, payload.PreviousVerdict));
        Assert.Equal((open, portal.H200), (payload.Test!.Id, payload.Sku!.Id));
        // The rival's private test changed the same way on the vendor's SKU; the vendor hears nothing of it.
        Assert.DoesNotContain(secretName, request.Body);
        var vendorKinds = await portal.WithDbAsync(db => db.WebhookDeliveries.Where(d => d.WebhookId == vendorHook.Webhook.Id).Select(d => d.Body).ToListAsync());
        Assert.Single(vendorKinds);

        // The rival owns the private test and hears of its regression (and of nothing about the open test, which is not its own).
        var rivals = await rivalReceiver.WaitForAsync(1, async () => await portal.SendDueAsync());
        var rivalPayload = WebhookPayload.Parse(Assert.Single(rivals).Body)!;
        Assert.Equal((secret, "regression"), (rivalPayload.Test!.Id, rivalPayload.Kind));

        // Detecting again records nothing twice.
        await portal.DetectAsync();
        Assert.Equal(1, await portal.WithDbAsync(db => db.WebhookDeliveries.CountAsync(d => d.WebhookId == vendorHook.Webhook.Id)));
    }

    [Fact]
    public async Task Only_the_organisations_admins_manage_its_webhooks()
    {
        await portal.VendorMember.GetAsync($"/api/v1/organizations/{portal.Vendor}/webhooks").ExpectAsync(HttpStatusCode.Forbidden);
        await portal.RivalAdmin.PostJsonAsync($"/api/v1/organizations/{portal.Vendor}/webhooks", new WebhookInput("https://example.com/h", ["new_sku"]))
            .ExpectAsync(HttpStatusCode.Forbidden);
        var created = await CreateAsync(portal.VendorAdmin, portal.Vendor, "https://example.com/hook", ChangeKinds.NewSkuName);
        await portal.RivalAdmin.GetAsync($"/api/v1/webhooks/{created.Webhook.Id}/deliveries").ExpectAsync(HttpStatusCode.NotFound);
        await portal.RivalAdmin.PostJsonAsync($"/api/v1/webhooks/{created.Webhook.Id}/test", new { }).ExpectAsync(HttpStatusCode.NotFound);
        await portal.VendorAdmin.DeleteAsync($"/api/v1/webhooks/{created.Webhook.Id}").ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task The_webhooks_page_lists_an_organisations_webhooks_to_its_admin_without_the_secret()
    {
        var created = await CreateAsync(portal.VendorAdmin, portal.Vendor, "https://example.com/page-hook", ChangeKinds.MilestoneSlippedName);
        var admin = await portal.CreateUserWithPasswordAsync("Page admin", PasswordUsers.Password, (portal.Vendor, MemberRole.Admin));
        using var session = new WebSession(portal);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(admin.Email, PasswordUsers.Password)).StatusCode);
        using var response = await session.GetAsync($"/organizations/{portal.Vendor}/webhooks");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("https://example.com/page-hook", html);
        Assert.Contains("data-testid=\"send-test\"", html);
        Assert.DoesNotContain(created.Secret, html);
    }

    [Fact]
    public async Task An_address_must_be_https_and_kinds_known()
    {
        var problem = await portal.VendorAdmin.PostJsonAsync($"/api/v1/organizations/{portal.Vendor}/webhooks",
            new WebhookInput("http://example.com/hook", ["new_sku", "everything"])).ExpectValidationProblemAsync();
        Assert.Contains("https", Assert.Single(problem.Errors["url"]));
        Assert.Contains("everything", Assert.Single(problem.Errors["kinds"]));
    }

    [Theory]
    [InlineData("https://example.com/hook", null)]
    [InlineData("http://localhost:5000/hook", "Url.Https")]
    [InlineData("https://localhost/hook", "Url.Private")]
    [InlineData("https://127.0.0.1/hook", "Url.Private")]
    [InlineData("https://10.1.2.3/hook", "Url.Private")]
    [InlineData("https://172.20.0.1/hook", "Url.Private")]
    [InlineData("https://192.168.1.1/hook", "Url.Private")]
    [InlineData("https://169.254.169.254/latest/meta-data", "Url.Private")]
    [InlineData("https://[::1]/hook", "Url.Private")]
    [InlineData("https://[fd00::1]/hook", "Url.Private")]
    [InlineData("https://user:pw@example.com/hook", "Url.Invalid")]
    [InlineData("ftp://example.com/hook", "Url.Https")]
    public void Outside_development_private_and_local_targets_are_refused(string url, string? refusal)
    {
        var production = new WebhookTargets(Options.Create(new SubscriptionOptions()), new HostingEnvironment { EnvironmentName = "Production" });
        Assert.Equal(refusal, production.Refusal(url));
    }

    /// <summary>
    /// A private SKU is its vendor's alone (SkuAccess): its "new SKU" event reaches the vendor's webhook, and another
    /// organisation's only the public SKU's. Before, every subscriber heard of every new SKU, private ones included.
    /// </summary>
    [Fact]
    public async Task A_private_sku_is_announced_to_its_vendor_and_to_nobody_else()
    {
        await using var receiver = new WebhookReceiver();
        var vendorHook = await CreateAsync(portal.VendorAdmin, portal.Vendor, receiver.Url, ChangeKinds.NewSkuName);
        var rivalHook = await CreateAsync(portal.RivalAdmin, portal.Rival, receiver.Url, ChangeKinds.NewSkuName);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var open = await portal.AddSkuAsync(portal.Vendor, "Hook open " + suffix);
        var unreleased = await portal.AddSkuAsync(portal.Vendor, "Hook unreleased " + suffix, SkuCategory.Gpu,
            s => s.Publication = Portal.Data.Publishing.Publication.Private);

        await portal.DetectAsync();

        async Task<string> BodiesAsync(Guid hook) => string.Join("\n", await portal.WithDbAsync(db =>
            db.WebhookDeliveries.Where(d => d.WebhookId == hook).Select(d => d.Body).ToListAsync()));
        var vendorHeard = await BodiesAsync(vendorHook.Webhook.Id);
        Assert.Contains(open.ToString(), vendorHeard);
        Assert.Contains(unreleased.ToString(), vendorHeard);
        var rivalHeard = await BodiesAsync(rivalHook.Webhook.Id);
        Assert.Contains(open.ToString(), rivalHeard);
        Assert.DoesNotContain(unreleased.ToString(), rivalHeard);
        Assert.DoesNotContain("Hook unreleased", rivalHeard);
    }
}
