using Portal.Api.Common;
using Portal.Data.Compatibility;

namespace Portal.Api.Tests;

/// <summary>
/// Who sees and changes a compatibility test. A private test (with its runs, jobs, results and source) is seen
/// only by its organisation's members and consortium admins; to anyone else it does not exist (404, not 403).
/// Consortium tests and the built-in suite (no organisation) are public: seen by everyone, signed in or not (a null caller).
/// A test's runs and results follow it: private, embargoed (private with <c>EmbargoUntil</c>, public at that date), public.
/// </summary>
public static class TestAccess
{
    /// <param name="caller">Null for an anonymous reader.</param>
    public static IQueryable<CompatibilityTest> VisibleTo(this IQueryable<CompatibilityTest> tests, Caller? caller)
    {
        if (caller is { IsConsortiumAdmin: true })
            return tests;
        var mine = caller?.Roles.Keys.ToList() ?? [];
        return tests.Where(t => t.Visibility == TestVisibility.Consortium || t.OrganizationId == null || mine.Contains(t.OrganizationId.Value));
    }

    /// <summary>
    /// <see cref="VisibleTo"/> for raw SQL over a <c>compatibility_tests</c> row aliased <c>t</c>; its parameters come from
    /// <see cref="AddVisibilityParameters"/>. The same rule, kept beside it so that the two cannot drift apart.
    /// </summary>
    public const string VisibleSql =
        "(@admin or t.visibility = 'consortium' or t.organization_id is null or t.organization_id = any(@organizations))";

    public static void AddVisibilityParameters(Npgsql.NpgsqlCommand command, Caller? caller)
    {
        command.Parameters.Add(new Npgsql.NpgsqlParameter("admin", caller?.IsConsortiumAdmin ?? false));
        command.Parameters.Add(new Npgsql.NpgsqlParameter("organizations", caller?.Roles.Keys.ToArray() ?? []));
    }

    public static bool CanSee(Caller? caller, Guid? organizationId, TestVisibility visibility) =>
        visibility == TestVisibility.Consortium || organizationId is null
        || (caller is not null && (caller.IsConsortiumAdmin || caller.IsMemberOf(organizationId.Value)));

    /// <summary>Any member of the owner organisation edits; built-in tests only consortium admins.</summary>
    public static bool CanEdit(Caller caller, Guid? organizationId) =>
        caller.IsConsortiumAdmin || (organizationId is { } owner && caller.IsMemberOf(owner));

    /// <summary>The owner organisation's admins and the author delete; a built-in test only a consortium admin.</summary>
    public static bool CanDelete(Caller caller, Guid? organizationId, Guid? authorId, bool builtIn) =>
        caller.IsConsortiumAdmin
        || (!builtIn && ((organizationId is { } owner && caller.IsAdminOf(owner)) || (authorId is { } author && author == caller.UserId)));

    /// <summary>A job is cancelled by whoever asked for its run, the test organisation's admins and consortium admins.</summary>
    public static bool CanCancel(Caller? caller, Guid? organizationId, Guid? requestedBy) =>
        caller is not null && (caller.IsConsortiumAdmin || requestedBy == caller.UserId || (organizationId is { } owner && caller.IsAdminOf(owner)));
}
