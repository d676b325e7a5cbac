using System.Linq.Expressions;
using Portal.Data.Agents;
using Portal.Data.Compatibility;
using Portal.Data.Organizations;

namespace Portal.Api.Jobs;

/// <summary>
/// Which agents may lease a test's jobs: anyone's when the test is consortium-visible, else only agents of the test's
/// organisation or of the consortium (a private test's source is not shown to others). The lease statement, the
/// submitter's choice of targets and a waiting job's reason all read the rule here, in the three forms they need, so
/// that a run is never queued for devices that may not take it. LeaseRuleTests holds the three forms together.
/// </summary>
public static class LeaseRule
{
    /// <summary>The rule in the lease statement: <c>t</c> is the test, <c>@organization</c> and <c>@consortium</c> the leasing agent's.</summary>
    public const string Sql = "(t.visibility = 'consortium' or t.organization_id = @organization or @consortium)";

    public static bool MayLease(TestVisibility visibility, Guid? testOrganizationId, Guid agentOrganizationId, bool consortiumAgent) =>
        visibility == TestVisibility.Consortium || testOrganizationId == agentOrganizationId || consortiumAgent;

    /// <summary>The rule as a filter on devices (for EF queries): those whose agent may lease a test of this visibility and organisation.</summary>
    public static Expression<Func<AgentDevice, bool>> DevicesThatMayLease(TestVisibility visibility, Guid? testOrganizationId) =>
        visibility == TestVisibility.Consortium
            ? d => true
            : d => d.Agent!.OrganizationId == testOrganizationId || d.Agent.Organization!.Kind == OrganizationKind.Consortium;
}
