using Microsoft.EntityFrameworkCore;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Data.Profiles;

namespace Portal.Data.Seed;

public static partial class DemoData
{
    public const string ProfilesSeed = "demo-profiles-v1";

    public const string BaselineSlug = "sovereign-inference-baseline-2026";

    /// <summary>
    /// The suite kernels the demo's "Sovereign inference baseline 2026" requires, as (op, dtype), each in OpenCL C and Triton.
    /// The suite has bf16 variants of matmul and rmsnorm; attention and rope exist in f32 only, so the profile takes those.
    /// </summary>
    private static readonly (string Op, string Dtype)[] BaselineKernels = [("attention", "f32"), ("rope", "f32"), ("rmsnorm", "bf16"), ("matmul", "bf16")];

    private static readonly string[] BaselineLanguages = ["opencl-c", "triton"];

    /// <summary>
    /// Loads the demo's requirement profile from the conformance suite's tests (loaded before), unless this seed was applied
    /// before or the suite is not there; answers how many tests the profile requires (0 when nothing was loaded).
    /// </summary>
    public static async Task<int> LoadProfilesAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (await db.AppliedSeeds.AnyAsync(s => s.Name == ProfilesSeed, cancellationToken)
            || await db.RequirementProfiles.AnyAsync(p => p.Slug == BaselineSlug, cancellationToken))
            return 0;
        var suite = await db.CompatibilityTests.AsNoTracking()
            .Where(t => t.Suite!.Slug == TestSuite.ConformanceSlug && BaselineLanguages.Contains(t.Language))
            .Select(t => new { t.Id, t.Op, t.Dtype })
            .ToListAsync(cancellationToken);
        var tests = suite.Where(t => BaselineKernels.Contains((t.Op, t.Dtype))).Select(t => t.Id).ToList();
        if (tests.Count == 0)
            return 0;
        var now = db.Now;
        db.RequirementProfiles.Add(new RequirementProfile
        {
            Slug = BaselineSlug,
            Name = "Sovereign inference baseline 2026",
            Description = "The kernels an LLM inference stack needs, in the two open kernel languages: attention and rope, " +
                "rmsnorm and matmul in bf16, each in OpenCL C and in Triton.",
            Tests = [.. tests.Select(id => new RequirementProfileTest { TestId = id })],
            CreatedAt = now,
            UpdatedAt = now,
        });
        db.AppliedSeeds.Add(new AppliedSeed { Name = ProfilesSeed, AppliedAt = now });
        db.Actor = AuditActor.System;
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return tests.Count;
    }
}
