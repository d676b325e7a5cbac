using System.Text.RegularExpressions;
using Portal.Api.Common;

namespace Portal.Components.Shared;

/// <summary>
/// How the audit log's actions, entity types and field names read to a person. A name without a
/// text yet (a field added later) shows as stored rather than failing the page.
/// </summary>
public static partial class AuditLabels
{
    public static string Action(string action) => Localized<SharedPageText>.Find("Action." + action) ?? action;

    public static string Entity(string entityType) => Localized<SharedPageText>.Find("Entity." + entityType) ?? entityType;

    /// <summary>
    /// A field's label. A part's field ("Participant {organisation id} (sponsor): Role", "Hardware line {id}: Count") reads as
    /// the part's kind, the name of what it names (from <paramref name="names"/>, the entry's names by id) and the field's label.
    /// </summary>
    public static string Field(string field, IReadOnlyDictionary<string, string>? names = null)
    {
        var colon = field.LastIndexOf(": ", StringComparison.Ordinal);
        if (colon < 0)
            return FieldName(field);
        return $"{Part(field[..colon], names)}: {FieldName(field[(colon + 2)..])}";
    }

    private static string FieldName(string name) => Localized<SharedPageText>.Find("Field." + name) ?? name;

    private static string Part(string label, IReadOnlyDictionary<string, string>? names)
    {
        var match = PartLabel().Match(label);
        if (!match.Success)
            return label;
        var kind = Localized<SharedPageText>.Find("Part." + match.Groups["kind"].Value.Replace(" ", "", StringComparison.Ordinal)) ?? match.Groups["kind"].Value;
        var id = match.Groups["id"].Value;
        var role = match.Groups["role"].Success ? Localized<SharedPageText>.Find("Role." + match.Groups["role"].Value) ?? match.Groups["role"].Value : null;
        // A hardware line's or a milestone's own id means nothing to a person; a participant's organisation, a component's
        // SKU and a device's number do.
        string? named = kind switch
        {
            _ when names is not null && names.TryGetValue(id, out var name) => name,
            _ when match.Groups["kind"].Value == "Device" => id,
            _ => null,
        };
        return string.Join(" ", new[] { kind, named, role is null ? null : $"({role})" }.Where(p => p is not null));
    }

    /// <summary>The part labels <c>IAuditedPart.PartLabel</c> writes: a kind, an id, and for a participant its role.</summary>
    [GeneratedRegex(@"^(?<kind>Participant|Hardware line|Milestone|Component|Device) (?<id>\S+)(?: \((?<role>[a-z_]+)\))?$")]
    private static partial Regex PartLabel();
}
