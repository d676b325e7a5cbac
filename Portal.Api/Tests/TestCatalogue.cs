using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Data.Compatibility;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;

namespace Portal.Api.Tests;

/// <summary>The test list's filters and row projection, shared by the list, the suites and the matrix.</summary>
internal static class TestCatalogue
{
    public static IQueryable<CompatibilityTest>? Filter(IQueryable<CompatibilityTest> tests, TestQuery query, ValidationErrors errors)
    {
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var pattern = "%" + Like.Escape(query.Q.Trim()) + "%";
            tests = tests.Where(t => EF.Functions.ILike(t.Name, pattern, Like.EscapeCharacter)
                || EF.Functions.ILike(t.Description, pattern, Like.EscapeCharacter));
        }
        if (!string.IsNullOrWhiteSpace(query.Language))
        {
            var language = query.Language.Trim().ToLowerInvariant();
            if (KernelLanguages.Parse(language) is not null)
                tests = tests.Where(t => t.Language == language);
            else
                errors.Add("language", Localized<TestText>.Format("LanguageUnknown", query.Language.Trim(), string.Join(", ", KernelLanguages.Names)));
        }
        if (!string.IsNullOrWhiteSpace(query.Op))
        {
            var op = query.Op.Trim().ToLowerInvariant();
            if (OpCatalog.Find(op) is not null)
                tests = tests.Where(t => t.Op == op);
            else
                errors.Add("op", Localized<TestText>.Format("OpUnknown", query.Op.Trim(), string.Join(", ", OpCatalog.Names)));
        }
        if (!string.IsNullOrWhiteSpace(query.Dtype))
        {
            var dtype = query.Dtype.Trim().ToLowerInvariant();
            if (ElementTypes.ParseDtype(dtype) is not null)
                tests = tests.Where(t => t.Dtype == dtype);
            else
                errors.Add("dtype", Localized<TestText>.Format("DtypeUnknown", query.Dtype.Trim(), string.Join(", ", ElementTypes.DtypeNames)));
        }
        if (!string.IsNullOrWhiteSpace(query.Suite))
        {
            var slug = query.Suite.Trim();
            tests = tests.Where(t => t.Suite != null && t.Suite.Slug == slug);
        }
        if (!string.IsNullOrWhiteSpace(query.Tag))
        {
            var tag = query.Tag.Trim().ToLowerInvariant();
            tests = tests.Where(t => t.Tags.Contains(tag));
        }
        if (query.OrganizationId is { } organizationId)
            tests = tests.Where(t => t.OrganizationId == organizationId);
        return errors.Any ? null : tests;
    }

    public static IQueryable<TestListItem> Project(IQueryable<CompatibilityTest> tests) =>
        tests.Select(t => new TestListItem(
            t.Id, t.Name, t.Description, t.Visibility, t.Tags, t.Op, t.Language,
            t.Organization == null ? null : new OrganizationRef(t.Organization.Id, t.Organization.Name, t.Organization.Country),
            t.Suite == null ? null : new SuiteRef(t.Suite.Id, t.Suite.Slug, t.Suite.Name),
            t.CreatedAt, t.UpdatedAt, null, t.Dtype));
}
