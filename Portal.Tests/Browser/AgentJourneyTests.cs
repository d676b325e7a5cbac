using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

using static Portal.Tests.Browser.PageWaits;

namespace Portal.Tests.Browser;

/// <summary>A partner admin attaches an agent: a registration token and its command on the agents page, then the agent as it shows up.</summary>
public sealed class AgentJourneyTests(BrowserPortal portal) : IClassFixture<BrowserPortal>
{
    [Fact]
    public async Task Partner_admin_creates_a_registration_token_sees_the_command_and_then_the_agent_online_with_its_mapped_device()
    {
        var page = await portal.SignedInPageAsync("partner@samsung.demo");
        var agentName = $"journey-rack-{Guid.NewGuid():N}"[..20];
        // A Samsung accelerator: a SKU's patterns map only its vendor's (and the consortium's) devices.
        var skuName = $"Mach-1 {Guid.NewGuid():N}"[..14];
        var deviceName = "Samsung " + skuName;
        var samsung = await portal.WithDbAsync(db => db.Organizations.Where(o => o.Name == "Samsung Electronics").Select(o => o.Id).SingleAsync());
        await portal.AddSkuAsync(samsung, skuName, SkuCategory.Npu, s => s.DeviceNamePatterns = [skuName]);

        // The navigation drawer's link (the partner's home may link to the agents page too).
        await Assertions.Expect(page.GetByRole(AriaRole.Complementary).GetByRole(AriaRole.Link, new() { Name = "Agents", Exact = true }))
            .ToHaveAttributeAsync("href", "/agents");
        // A full load, then the circuit: a link clicked while the sign-in page's circuit is still starting can race it.
        await page.GotoAsync(portal.BaseUrl + "/agents");
        await WaitForInteractivityAsync(page);
        await page.GetByTestId("token-name").FillAsync("journey rack");
        await page.GetByTestId("create-token").ClickAsync();

        var secret = page.GetByTestId("registration-token-secret");
        await Assertions.Expect(secret).ToContainTextAsync("cpr_");
        var token = (await secret.TextContentAsync())!.Trim();
        await Assertions.Expect(page.GetByTestId("agent-command"))
            .ToHaveTextAsync($"Portal.Agent run --portal {portal.BaseUrl} --registration-token {token}");
        await Assertions.Expect(page.GetByTestId("new-registration-token")).ToContainTextAsync("Samsung Electronics");

        // What `Portal.Agent run` does first: register with the token and report the host's devices.
        await portal.RegisterAgentAsync(token, agentName, devices: AgentFixtures.Gpu("cuda:0", name: deviceName));

        await page.GetByTestId("agents-refresh").ClickAsync();
        var agent = page.Locator($"[data-testid=agent][data-agent-name='{agentName}']");
        await Assertions.Expect(agent.GetByTestId("agent-status")).ToHaveTextAsync("Online");
        await Assertions.Expect(agent.GetByTestId("agent-organization")).ToHaveTextAsync("Samsung Electronics");
        var device = agent.GetByTestId("device");
        await Assertions.Expect(device.GetByTestId("device-link")).ToHaveTextAsync(deviceName);
        await Assertions.Expect(device.GetByTestId("device-sku")).ToHaveTextAsync(skuName);
        await Assertions.Expect(device).ToContainTextAsync("(automatic)");
        // The admin may correct the mapping.
        await Assertions.Expect(device.GetByTestId("device-sku-edit")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("registration-token-list")).ToContainTextAsync("journey rack");

        await device.GetByTestId("device-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("device-name")).ToHaveTextAsync(deviceName);
        await Assertions.Expect(page.GetByTestId("device-sku")).ToHaveTextAsync(skuName);
        await Assertions.Expect(page.GetByTestId("conformance-empty")).ToContainTextAsync("No results yet");
    }
}
