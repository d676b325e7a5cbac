namespace Portal.Api.Common;

/// <summary>Collects field-level messages in the order they were found.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
            _errors[field] = list = [];
        list.Add(message);
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public Outcome<T>.Invalid ToOutcome<T>() => new(ToDictionary());

    /// <summary>Trims text, checks required, length and the input rule (no control characters but tab and line breaks); returns the trimmed value (null when empty).</summary>
    public string? Text(string field, string? value, int maxLength, bool required, string label)
    {
        var trimmed = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (trimmed is null && required)
            Add(field, Localized<SharedText>.Format("Required", label));
        else if (trimmed is not null && trimmed.Length > maxLength)
            Add(field, Localized<SharedText>.Format("TooLong", label, maxLength, trimmed.Length));
        else if (trimmed is not null && ControlCharacters.InText(trimmed))
            Add(field, Localized<SharedText>.Format("ControlCharacter", label));
        return trimmed;
    }
}
