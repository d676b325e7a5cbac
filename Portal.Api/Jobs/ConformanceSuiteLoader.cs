using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Compatibility;
using Portal.Kernels.Spec;
using Portal.Kernels.Suite;

namespace Portal.Api.Jobs;

/// <summary>
/// Keeps the built-in conformance suite (v2) in the database as a consortium-wide suite: one test per op, dtype variant
/// and language, as shipped in Portal.Kernels. Runs at every start; a kernel changed in a new engine version
/// updates its test, a new one (a new op, a new dtype variant) is added, nothing else is touched. The suite keeps its
/// slug, so auto-qualification, which queues every test of the suite, queues v2.
/// </summary>
public static class ConformanceSuiteLoader
{
    public static async Task<int> LoadAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var suite = await db.TestSuites.Include(s => s.Tests).FirstOrDefaultAsync(s => s.Slug == TestSuite.ConformanceSlug, cancellationToken);
        if (suite is null)
        {
            suite = new TestSuite
            {
                Slug = TestSuite.ConformanceSlug,
                Name = SuiteName,
                Description = SuiteDescription,
                BuiltIn = true,
                CreatedAt = now,
            };
            db.TestSuites.Add(suite);
        }
        var changed = 0;
        if (suite.Name != SuiteName || suite.Description != SuiteDescription)
        {
            (suite.Name, suite.Description) = (SuiteName, SuiteDescription);
            changed++;
        }
        foreach (var entry in ConformanceSuite.All)
        {
            var name = NameOf(entry);
            var spec = entry.Spec;
            var test = suite.Tests.FirstOrDefault(t => t.Name == name);
            if (test is null)
            {
                // Added explicitly: its key is set already, so through the collection EF would take it for an existing row.
                db.CompatibilityTests.Add(new CompatibilityTest
                {
                    Suite = suite,
                    Name = name,
                    Description = $"Built-in conformance kernel: {entry.Op} ({entry.Dtype}) in {entry.Language.Name()}.",
                    Visibility = TestVisibility.Consortium,
                    Tags = ["conformance", entry.Op, entry.Dtype],
                    Op = entry.Op,
                    Language = entry.Language.Name(),
                    Spec = spec,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
                changed++;
            }
            else if (SpecJson.Serialize(test.Spec) != SpecJson.Serialize(spec))
            {
                test.Spec = spec;
                test.UpdatedAt = now;
                changed++;
            }
        }
        if (changed > 0 || db.Entry(suite).State == EntityState.Added)
        {
            db.Actor = AuditActor.System;
            await db.SaveChangesAsync(cancellationToken);
        }
        db.ChangeTracker.Clear();
        return changed;
    }

    public const string SuiteName = "Conformance suite v2";

    private const string SuiteDescription = "One kernel per op of the catalog in each language, and dtype variants (bf16, f16) " +
        "where they make sense, checked against the CPU reference. Queued automatically for every new device and driver version.";

    /// <summary>"matmul · opencl-c" for an op's f32 kernel (as in v1), "matmul.bf16 · opencl-c" for a dtype variant.</summary>
    public static string NameOf(SuiteEntry entry) => $"{entry.Name} · {entry.Language.Name()}";

    // jsonb normalises key order and spacing: compare documents, not text.
}
