using Microsoft.EntityFrameworkCore;
using Portal.Api.Jobs;
using Portal.Data.Seed;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>The demo's requirement profile, taken from the conformance suite's own tests, loaded once.</summary>
public sealed class DemoProfileSeedTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task The_sovereign_inference_baseline_requires_attention_rope_and_bf16_rmsnorm_and_matmul_in_opencl_c_and_triton_once()
    {
        await using (var db = _database.CreateContext())
        {
            await ConformanceSuiteLoader.LoadAsync(db, DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.Equal(8, await DemoData.LoadProfilesAsync(db, CancellationToken.None));
            Assert.Equal(0, await DemoData.LoadProfilesAsync(db, CancellationToken.None));
        }

        await using var read = _database.CreateContext();
        var tests = await read.RequirementProfileTests.Where(t => t.Profile.Slug == DemoData.BaselineSlug)
            .Select(t => new { t.Test.Op, t.Test.Dtype, t.Test.Language, t.Test.Suite!.Slug })
            .ToListAsync();
        Assert.Equal(
            ["attention f32 opencl-c", "attention f32 triton", "matmul bf16 opencl-c", "matmul bf16 triton",
             "rmsnorm bf16 opencl-c", "rmsnorm bf16 triton", "rope f32 opencl-c", "rope f32 triton"],
            tests.Select(t => $"{t.Op} {t.Dtype} {t.Language}").Order(StringComparer.Ordinal));
        Assert.All(tests, t => Assert.Equal(Portal.Data.Compatibility.TestSuite.ConformanceSlug, t.Slug));
    }
}
