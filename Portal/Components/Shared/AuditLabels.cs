using Portal.Api.Common;

namespace Portal.Components.Shared;

/// <summary>
/// How the audit log's actions, entity types and field names read to a person. A name without a
/// text yet (a field added later) shows as stored rather than failing the page.
/// </summary>
public static class AuditLabels
{
    public static string Action(string action) => Localized<SharedPageText>.Find("Action." + action) ?? action;

    public static string Entity(string entityType) => Localized<SharedPageText>.Find("Entity." + entityType) ?? entityType;

    public static string Field(string field) => Localized<SharedPageText>.Find("Field." + field) ?? field;
}
