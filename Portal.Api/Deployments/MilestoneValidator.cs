using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Deployments;

namespace Portal.Api.Deployments;

/// <summary>The rules for one milestone of a deployment.</summary>
public static class MilestoneValidator
{
    public sealed record Valid(DateOnly Date, string Title, MilestoneStatus Status, string? Note);

    public static (Valid? Value, ValidationErrors Errors) Validate(MilestoneInput input)
    {
        var errors = new ValidationErrors();
        if (input.Date is not { } date)
            errors.Add("date", Localized<SharedText>.Format("Required", DeploymentValidator.Label("Date")));
        else if (date < DeploymentLimits.EarliestMilestone || date > DeploymentLimits.LatestMilestone)
            errors.Add("date", Localized<DeploymentText>.Format("DateRange",
                DeploymentLimits.EarliestMilestone.ToString("d"), DeploymentLimits.LatestMilestone.ToString("d")));

        var title = errors.Text("title", input.Title, DeploymentLimits.TextLength, required: true, DeploymentValidator.Label("Title"));
        var note = errors.Text("note", input.Note, DeploymentLimits.NoteLength, required: false, DeploymentValidator.Label("Note"));
        var status = MilestoneStatus.Planned;
        if (!string.IsNullOrWhiteSpace(input.Status) && !Naming.TryParseSnakeCase(input.Status.Trim(), out status))
            errors.Add("status", Localized<DeploymentText>.Format("MilestoneStatusInvalid", DeploymentValidator.OneOf<MilestoneStatus>()));

        return errors.Any ? (null, errors) : (new Valid(input.Date!.Value, title!, status, note), errors);
    }
}
