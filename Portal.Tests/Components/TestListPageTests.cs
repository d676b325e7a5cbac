using Bunit;
using Portal.Components.Pages.Tests;
using Portal.Kernels.Results;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>The test list answers how each test fares: its latest verdict on each device it ran on, at a glance.</summary>
public sealed class TestListPageTests : CompatibilityComponentContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Each_test_shows_on_how_many_devices_its_latest_verdict_passed()
    {
        var lab = await AddOrganizationAsync("Results Lab");
        await SignInAsync(lab);
        var (agentA, deviceA) = await AddAgentAsync(lab, "Device A", null);
        var (agentB, deviceB) = await AddAgentAsync(lab, "Device B", null);
        var (_, deviceC) = await AddAgentAsync(lab, "Device C", null);
        var add = await AddTestAsync("add", lab);
        var softmax = await AddTestAsync("softmax rows", lab, op: "softmax");
        await AddTestAsync("never run", lab);

        // add: passed on A once, then failed there (the latest counts); passed on B; still queued on C (not a verdict).
        await CompleteAsync(add, deviceA, agentA, lab, KernelStatus.Passed, DateTimeOffset.UtcNow.AddHours(-2));
        await CompleteAsync(add, deviceA, agentA, lab, KernelStatus.Failed, DateTimeOffset.UtcNow.AddHours(-1));
        await CompleteAsync(add, deviceB, agentB, lab, KernelStatus.Passed, DateTimeOffset.UtcNow.AddHours(-3));
        await AddRunAsync(add, deviceC, null);
        await CompleteAsync(softmax, deviceA, agentA, lab, KernelStatus.Passed, DateTimeOffset.UtcNow.AddMinutes(-5));

        var page = Render<TestList>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=test-results]").Count), Wait);
        var results = page.FindAll("tr").Where(r => r.QuerySelector("[data-testid=test-results]") is not null)
            .ToDictionary(r => r.QuerySelector("a")!.TextContent.Trim(), r => r.QuerySelector("[data-testid=test-results]")!);
        var addChip = results["add"].QuerySelector(".mud-chip")!;
        Assert.Equal(("1", "2"), (addChip.GetAttribute("data-passed"), addChip.GetAttribute("data-devices")));
        Assert.Contains("passed on 1 of 2 devices", addChip.TextContent);
        Assert.Contains("mud-chip-color-warning", addChip.ClassName);
        var softmaxChip = results["softmax rows"].QuerySelector(".mud-chip")!;
        Assert.Contains("passed on 1 of 1 devices", softmaxChip.TextContent);
        Assert.Contains("mud-chip-color-success", softmaxChip.ClassName);
        Assert.Null(results["never run"].QuerySelector(".mud-chip"));
        Assert.Contains("Not run yet", results["never run"].TextContent);
    }

    private async Task CompleteAsync(Guid test, Guid device, Guid agent, Guid organization, KernelStatus verdict, DateTimeOffset finishedAt)
    {
        var (_, job) = await AddRunAsync(test, device, null);
        await UpdateJobAsync(job, j =>
        {
            Complete(j, new KernelResult(verdict, verdict.ToString()), null, agent, organization, device);
            j.FinishedAt = finishedAt;
        });
    }
}
