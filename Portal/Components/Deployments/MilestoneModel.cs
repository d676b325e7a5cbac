using System.Globalization;
using Portal.Api.Deployments;
using Portal.Data;
using Portal.Data.Deployments;

namespace Portal.Components.Deployments;

/// <summary>The editable state of one milestone; the date is the browser's yyyy-MM-dd text.</summary>
public sealed class MilestoneModel
{
    public Guid? Id { get; init; }
    public string? Date { get; set; }
    public string? Title { get; set; }
    public string Status { get; set; } = Naming.ToSnakeCase(MilestoneStatus.Planned);
    public string? Note { get; set; }
    public uint? Version { get; init; }

    public static MilestoneModel From(MilestoneDto milestone) => new()
    {
        Id = milestone.Id,
        Date = milestone.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Title = milestone.Title,
        Status = Naming.ToSnakeCase(milestone.Status),
        Note = milestone.Note,
        Version = milestone.Version,
    };

    // An unreadable date goes as none, which the rules answer with "Date is required" beside the field.
    public MilestoneInput ToInput() => new()
    {
        Date = DateOnly.TryParseExact(Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null,
        Title = Title,
        Status = Status,
        Note = Note,
        Version = Version,
    };
}
