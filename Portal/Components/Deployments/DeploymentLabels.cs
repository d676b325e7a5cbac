using System.Globalization;
using MudBlazor;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Data;
using Portal.Data.Deployments;

namespace Portal.Components.Deployments;

/// <summary>How deployment values read to a person, in the current culture.</summary>
public static class DeploymentLabels
{
    public static string Status(DeploymentStatus status) => Localized<DeploymentText>.Get("Status_" + Naming.ToSnakeCase(status));

    public static string Role(ParticipantRole role) => Localized<DeploymentText>.Get("Role_" + Naming.ToSnakeCase(role));

    public static string Milestone(MilestoneStatus status) => Localized<DeploymentText>.Get("Milestone_" + Naming.ToSnakeCase(status));

    public static string Energy(string source) => EnergySources.All.Contains(source) ? Localized<DeploymentText>.Get("Energy_" + source) : source;

    /// <summary>The marker colour on the map and the chip colour in lists.</summary>
    public static string StatusColor(DeploymentStatus status) => status switch
    {
        DeploymentStatus.Announced => "#7b61ff",
        DeploymentStatus.Planned => "#1e88e5",
        DeploymentStatus.UnderConstruction => "#f57c00",
        DeploymentStatus.Operational => "#2e7d32",
        DeploymentStatus.Paused => "#757575",
        _ => "#c62828",
    };

    /// <summary>Red for an overdue milestone (the one rule, carried on the DTO), else the status's colour.</summary>
    public static Color MilestoneColor(Portal.Api.Deployments.MilestoneDto milestone) =>
        milestone.Overdue ? Color.Error : MilestoneColor(milestone.Status);

    /// <summary>"Overdue" for a milestone still planned after its day; otherwise its status.</summary>
    public static string MilestoneState(Portal.Api.Deployments.MilestoneDto milestone) =>
        milestone.Overdue && milestone.Status == MilestoneStatus.Planned
            ? Localized<DeploymentUi>.Get("MilestoneOverdue")
            : Milestone(milestone.Status);

    public static Color MilestoneColor(MilestoneStatus status) => status switch
    {
        MilestoneStatus.Done => Color.Success,
        MilestoneStatus.Slipped => Color.Error,
        _ => Color.Info,
    };

    public static string Number(double? value, int decimals = 0) =>
        value is { } v ? v.ToString("N" + decimals, CultureInfo.CurrentCulture) : "—";

    public static string Number(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Percent(double? share) => share is { } s ? s.ToString("P0", CultureInfo.CurrentCulture) : "—";

    public static string Date(DateOnly date) => date.ToString("d", CultureInfo.CurrentCulture);

    public static string Budget(BudgetDto? budget) => budget is null ? "—" : Money.Format(budget.Amount, budget.Currency);

    public static string Country(string code) => $"{Countries.Display(code)} ({code})";
}
