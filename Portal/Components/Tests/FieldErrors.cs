namespace Portal.Components.Tests;

/// <summary>
/// The service's field errors (camelCase paths such as "spec.launch.global[0]") as the test form shows them: each beside
/// its field, and whatever no field shows in one list, so that no message is ever hidden.
/// </summary>
public sealed class FieldErrors(IReadOnlyDictionary<string, string[]>? errors)
{
    // Keys the form places beside a field; anything under these prefixes is shown by its section.
    private static readonly string[] Placed =
        ["name", "description", "visibility", "tags", "organizationId", "spec.op", "spec.language", "spec.entry", "spec.source", "spec.args",
         "spec.seed", "spec.timeoutSeconds"];

    private static readonly string[] PlacedPrefixes = ["spec.launch", "spec.cases", "spec.tolerance", "spec.timing"];

    public static FieldErrors None { get; } = new(null);

    public bool Any => errors is { Count: > 0 };

    public bool Has(string field) => errors?.ContainsKey(field) == true;

    public string? Message(string field) => errors is not null && errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>Every message under a prefix ("spec.cases" takes "spec.cases[2].n" too), each with the field it names.</summary>
    public IReadOnlyList<string> Under(string prefix, params string[] except) =>
        errors is null
            ? []
            : [.. errors.Where(e => (e.Key == prefix || e.Key.StartsWith(prefix + ".", StringComparison.Ordinal) || e.Key.StartsWith(prefix + "[", StringComparison.Ordinal))
                                   && !except.Contains(e.Key))
                  .SelectMany(e => e.Value.Select(m => e.Key == prefix ? m : $"{e.Key["spec.".Length..]}: {m}"))];

    public bool HasUnder(string prefix) => Under(prefix).Count > 0;

    /// <summary>Messages no field of the form shows (e.g. about the spec as a whole).</summary>
    public IReadOnlyList<string> Unplaced =>
        errors is null
            ? []
            : [.. errors.Where(e => !Placed.Contains(e.Key) && !PlacedPrefixes.Any(p => e.Key == p || e.Key.StartsWith(p + ".", StringComparison.Ordinal)
                                                                                    || e.Key.StartsWith(p + "[", StringComparison.Ordinal)))
                  .SelectMany(e => e.Value)];
}
