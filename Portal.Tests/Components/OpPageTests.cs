using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api.Common;
using Portal.Api.Ops;
using Portal.Components.Pages.Ops;
using Portal.Components.Tests;
using Portal.Components.Pages.Tests;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Jobs;
using Portal.Data.Ops;
using Portal.Tests.Api;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>
/// The op definition pages and the test form's use of them, against a real database: the list and its empty state, a
/// definition with its buffers, versions and tests, and a test written against a saved op with the kernel's parameter types.
/// </summary>
public sealed class OpPageTests : CompatibilityComponentContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_list_says_what_to_do_when_there_is_no_op_definition_yet()
    {
        await SignInAsync(await AddOrganizationAsync("Empty Lab"));
        var page = Render<OpList>();

        page.WaitForAssertion(() => Assert.Contains("No op definitions yet", page.Find("[data-testid=ops-empty]").TextContent), Wait);
        Assert.Equal("/ops/new", page.Find("[data-testid=ops-empty] a").GetAttribute("href"));
    }

    [Fact]
    public async Task The_list_shows_shared_ops_and_hides_another_organisations_private_ones()
    {
        var mine = await AddOrganizationAsync("List Lab");
        var other = await AddOrganizationAsync("List Other");
        await AddOpAsync(other, "their secret op", TestVisibility.Private);
        await AddOpAsync(other, "their shared op", TestVisibility.Consortium);
        await AddOpAsync(mine, "our op", TestVisibility.Private);
        await SignInAsync(mine);

        var page = Render<OpList>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=op-row]").Count), Wait);
        Assert.Equal(["our op", "their shared op"], page.FindAll("[data-testid=op-row] a").Select(a => a.TextContent));
    }

    [Fact]
    public async Task A_definition_page_shows_buffers_with_role_dtype_and_length_its_versions_and_its_tests_with_verdicts()
    {
        var lab = await AddOrganizationAsync("Detail Lab");
        var (opId, versionId) = await AddOpAsync(lab, "bias relu page", TestVisibility.Consortium);
        var testId = await AddTestOfAsync(versionId, lab, "bias relu opencl");
        await CompleteAsync(testId, "failed");
        await SignInAsync(lab);

        var page = Render<OpDetail>(p => p.Add(o => o.Id, opId));

        page.WaitForAssertion(() => Assert.Equal("bias relu page", page.Find("[data-testid=op-name]").TextContent), Wait);
        var buffers = page.FindAll("[data-testid=op-buffer-row]").Select(r => string.Join("|", r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()))).ToList();
        Assert.Equal(["x|input|f32|n|normal", "y|output|f32|n|—"], buffers);
        Assert.Equal(2, page.FindAll("[data-testid=op-param-row]").Count);
        Assert.Single(page.FindAll("[data-testid=op-version]"));
        var row = page.Find("[data-testid=op-test-row]");
        Assert.Contains("bias relu opencl", row.TextContent);
        Assert.Contains("Failed", page.Find("[data-testid=op-test-verdict]").TextContent);
        Assert.Equal($"/tests/new?opVersion={versionId}", page.Find("[data-testid=op-new-test]").GetAttribute("href"));
        Assert.NotEmpty(page.FindAll("[data-testid=op-new-version]"));
    }

    [Fact]
    public async Task The_empty_list_and_a_definitions_buffers_read_in_Korean()
    {
        var lab = await AddOrganizationAsync("Korean Lab");
        await SignInAsync(lab);
        var (culture, uiCulture) = (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture);
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo("ko");
        try
        {
            var list = Render<OpList>();
            list.WaitForAssertion(() => Assert.Contains("아직 연산 정의가 없습니다", list.Find("[data-testid=ops-empty]").TextContent), Wait);

            var (opId, _) = await AddOpAsync(lab, "한국어 연산", TestVisibility.Private);
            var page = Render<OpDetail>(p => p.Add(o => o.Id, opId));
            page.WaitForAssertion(() => Assert.Contains("입력", page.Find("[data-testid=op-buffer-row]").TextContent), Wait);
            Assert.Contains("아직 이 연산을 쓰는 테스트가 없습니다", page.Find("[data-testid=op-tests-empty]").TextContent);
        }
        finally
        {
            (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Fact]
    public async Task A_test_written_against_a_saved_op_links_to_that_version_on_its_page()
    {
        var lab = await AddOrganizationAsync("Link Lab");
        var (opId, versionId) = await AddOpAsync(lab, "linked op", TestVisibility.Consortium);
        var testId = await AddTestOfAsync(versionId, lab, "linked test");
        await SignInAsync(lab);

        var page = Render<TestDetail>(p => p.Add(o => o.Id, testId));

        page.WaitForAssertion(() => Assert.Contains("linked op, version 1", page.Find("[data-testid=test-op-version]").TextContent), Wait);
        Assert.Equal($"/ops/{opId}", page.Find("[data-testid=test-op-version]").GetAttribute("href"));
    }

    [Fact]
    public async Task Another_organisation_finds_no_private_definition()
    {
        var (opId, _) = await AddOpAsync(await AddOrganizationAsync("Hidden Lab"), "hidden op", TestVisibility.Private);
        await SignInAsync(await AddOrganizationAsync("Curious Co"));

        var page = Render<OpDetail>(p => p.Add(o => o.Id, opId));

        page.WaitForAssertion(() => Assert.Contains("no op definition", page.Find("[data-testid=op-missing]").TextContent), Wait);
        Assert.DoesNotContain("hidden op", page.Markup);
    }

    [Fact]
    public async Task A_new_version_from_the_form_keeps_the_first_and_a_bad_definition_names_its_field()
    {
        var lab = await AddOrganizationAsync("Version Lab");
        var (opId, _) = await AddOpAsync(lab, "versioned op", TestVisibility.Private);
        await SignInAsync(lab);
        var page = Render<OpEdit>(p => p.Add(o => o.Id, opId));
        page.WaitForElement("[data-testid=op-field-definition]", Wait);

        var definition = page.Find("[data-testid=op-field-definition] textarea, textarea[data-testid=op-field-definition]");
        definition.Change(JsonSerializer.Serialize(SavedOpTests.FusedBiasRelu()).Replace("\"f32\"", "\"f17\"", StringComparison.Ordinal));
        page.Find("[data-testid=op-save]").Click();
        page.WaitForAssertion(() => Assert.Contains("definition.buffers[0].dtype", page.Find("[data-testid=op-definition-error]").TextContent), Wait);

        page.Find("[data-testid=op-field-definition] textarea, textarea[data-testid=op-field-definition]")
            .Change(JsonSerializer.Serialize(SavedOpTests.FusedBiasRelu(0.125)));
        page.Find("[data-testid=op-save]").Click();

        page.WaitForAssertion(() => Assert.EndsWith($"/ops/{opId}", Services.GetRequiredService<NavigationManager>().Uri), Wait);
        var versions = await InDbAsync(db => db.SavedOpVersions.Where(v => v.OpId == opId).OrderBy(v => v.Number).Select(v => v.Definition).ToListAsync());
        Assert.Equal(2, versions.Count);
        Assert.Contains("0.5", versions[0]);
        Assert.Contains("0.125", versions[1]);
    }

    [Fact]
    public async Task The_test_form_shows_each_buffer_with_its_kernel_type_for_the_language_and_dtype_and_labels_a_generated_starter()
    {
        await SignInAsync(await AddOrganizationAsync("Dtype Lab"));
        var page = Render<TestEdit>();
        page.WaitForElement("[data-testid=field-dtype]", Wait);
        Assert.Equal(["__global const float*", "__global const float*", "__global float*", "const int"], Types(page));
        Assert.Empty(page.FindAll("[data-testid=starter-label]"));

        await page.InvokeAsync(() => page.FindComponents<MudBlazor.MudSelect<string>>().Single(s => s.Instance.Label == "Dtype").Instance.ValueChanged.InvokeAsync("bf16"));

        page.WaitForAssertion(() => Assert.Equal(["__global const ushort*", "__global const ushort*", "__global ushort*", "const int"], Types(page)), Wait);
        page.WaitForElement("[data-testid=starter-label]", Wait);
        page.Find("[data-testid=field-name]").Change("bf16 add, not written");
        page.Find("[data-testid=save]").Click();
        page.WaitForAssertion(() => Assert.Contains("still the generated starter", page.Find("[data-testid=error-source]").TextContent), Wait);
        Assert.Equal(0, await InDbAsync(db => db.CompatibilityTests.CountAsync()));
    }

    [Fact]
    public async Task A_test_written_against_a_saved_op_shows_its_buffers_types_and_links_to_the_definition()
    {
        var lab = await AddOrganizationAsync("Custom Lab");
        var (opId, versionId) = await AddOpAsync(lab, "relu for tests", TestVisibility.Private, dtype: "bf16");
        await SignInAsync(lab);
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/tests/new?opVersion={versionId}");

        var page = Render<TestEdit>();

        page.WaitForElement("[data-testid=saved-op-link]", Wait);
        Assert.Equal($"/ops/{opId}", page.Find("[data-testid=saved-op-link]").GetAttribute("href"));
        Assert.Equal(["__global const ushort*", "__global ushort*", "const int", "const float"], Types(page));
        Assert.Empty(page.FindAll("[data-testid=field-dtype]"));
        Assert.NotEmpty(page.FindAll("[data-testid=starter-label]"));

        // Written and saved, the test is a custom-op test carrying that version's definition, linked to it.
        page.Find("[data-testid=field-name]").Change("bf16 relu");
        await page.InvokeAsync(() => page.FindComponent<CodeEditor>().Instance.ValueChanged.InvokeAsync(
            "__kernel void fused_bias_relu(__global const ushort* x, __global ushort* y, const int n, const float b) { }"));
        page.Find("[data-testid=save]").Click();
        var saved = await PollAsync(() => InDbAsync(db => db.CompatibilityTests.AsNoTracking().SingleOrDefaultAsync()));
        // A custom test's op column holds its definition's name (TestValidator), its spec says "custom".
        Assert.Equal(("fused_bias_relu", versionId), (saved.Op, saved.OpVersionId));
        Assert.Equal("custom", saved.Spec.Op);
        Assert.NotNull(saved.Spec.OpDefinition);
    }

    private static async Task<T> PollAsync<T>(Func<Task<T?>> read) where T : class
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            if (await read() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The condition did not come true in time.");
            SpinWait.SpinUntil(() => false, 20);
        }
    }

    private static List<string> Types(IRenderedComponent<TestEdit> page) =>
        [.. page.FindAll("[data-testid=signature-type]").Select(e => e.TextContent)];

    private Task<(Guid Op, Guid Version)> AddOpAsync(Guid organizationId, string name, TestVisibility visibility, string dtype = "f32") =>
        InDbAsync(async db =>
        {
            var definition = JsonSerializer.Serialize(SavedOpTests.FusedBiasRelu()).Replace("\"f32\"", $"\"{dtype}\"", StringComparison.Ordinal);
            var now = DateTimeOffset.UtcNow;
            var op = new SavedOp { Name = name, OrganizationId = organizationId, Visibility = visibility, LatestVersion = 1, CreatedAt = now, UpdatedAt = now };
            var hash = SavedOpValidator.Definition(new ValidationErrors(), JsonDocument.Parse(definition).RootElement)!.Hash;
            op.Versions.Add(new SavedOpVersion { Number = 1, Definition = definition, Hash = hash, CreatedAt = now });
            db.SavedOps.Add(op);
            await db.SaveChangesAsync();
            return (op.Id, op.Versions[0].Id);
        });

    private Task<Guid> AddTestOfAsync(Guid versionId, Guid organizationId, string name) =>
        InDbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var test = new CompatibilityTest
            {
                Name = name, OrganizationId = organizationId, Visibility = TestVisibility.Consortium, Op = "custom", Language = "opencl-c",
                Spec = SpecJson.Deserialize("{\"op\": \"custom\"}"), OpVersionId = versionId, CreatedAt = now, UpdatedAt = now,
            };
            db.CompatibilityTests.Add(test);
            await db.SaveChangesAsync();
            return test.Id;
        });

    /// <summary>A completed job of the test on a device, with its verdict.</summary>
    private Task CompleteAsync(Guid testId, string verdict) =>
        InDbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var organization = await db.CompatibilityTests.Where(t => t.Id == testId).Select(t => t.OrganizationId!.Value).SingleAsync();
            var agent = new Portal.Data.Agents.Agent
            {
                OrganizationId = organization, Name = "agent", TokenPrefix = "cpa_test", TokenHash = new byte[32], RegisteredAt = now, LastHeartbeatAt = now,
                AgentVersion = "1", EngineVersion = "1",
            };
            var device = new Portal.Data.Agents.AgentDevice
            {
                Agent = agent, LocalId = "opencl:0:0", Name = "GPU", Vendor = "Test", Runtime = "OpenCL", RuntimeVersion = "3.0", DriverVersion = "1",
                Languages = ["opencl-c"], FirstSeenAt = now, LastSeenAt = now,
            };
            var run = new TestRun { TestId = testId, Reason = RunReason.Submitted, CreatedAt = now };
            run.Jobs.Add(new Job
            {
                TestId = testId, Language = "opencl-c", Status = JobStatus.Completed, Verdict = verdict, MaxAttempts = 3, Attempts = 1, CreatedAt = now,
                StartedAt = now, FinishedAt = now, Device = device, TargetDeviceId = device.Id,
            });
            db.TestRuns.Add(run);
            return await db.SaveChangesAsync();
        });
}
