using System.Text;
using System.Text.Json;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Compatibility;
using Portal.Kernels.Spec;

namespace Portal.Api.Tests;

/// <summary>The rules for a test's fields; the spec is checked by the kernel engine's own validator.</summary>
public static class TestValidator
{
    public const int NameLength = 200;
    public const int DescriptionLength = 4000;
    public const int MaxTags = 20;
    public const int TagLength = 40;

    /// <summary>The source alone may take 1 MiB (KernelLimits); JSON escaping can double it, and the rest is small.</summary>
    public const int MaxSpecBytes = 3 << 20;

    public sealed record Valid(string Name, string Description, TestVisibility Visibility, List<string> Tags, KernelSpec Spec, string Op, string Language);

    public static (Valid? Value, ValidationErrors Errors) Validate(TestInput input)
    {
        var errors = new ValidationErrors();
        var name = errors.Text("name", input.Name, NameLength, required: true, Label("Name"));
        var description = errors.Text("description", input.Description, DescriptionLength, required: false, Label("Description"));
        var visibility = Visibility(errors, input.Visibility);
        var tags = Tags(errors, input.Tags);
        var spec = Spec(errors, input.Spec);
        return errors.Any || spec is null
            ? (null, errors)
            : (new Valid(name!, description ?? "", visibility, tags, spec.Value.Document, spec.Value.Op, spec.Value.Language), errors);
    }

    /// <summary>The field's name as a person reads it, in the current language.</summary>
    public static string Label(string key) => Localized<TestText>.Get("Field" + key);

    /// <summary>A problem the kernel engine found, under the request's field: "spec.launch.global[0]", or "spec" for the whole document.</summary>
    public static string SpecField(string field) => field == "spec" ? "spec" : "spec." + field;

    private static TestVisibility Visibility(ValidationErrors errors, string? text)
    {
        var trimmed = errors.Text("visibility", text, 40, required: true, Label("Visibility"));
        if (trimmed is not null && Naming.TryParseSnakeCase<TestVisibility>(trimmed, out var visibility))
            return visibility;
        if (trimmed is not null)
            errors.Add("visibility", Localized<TestText>.Format("ChoiceInvalid", Label("Visibility"),
                string.Join(", ", Enum.GetValues<TestVisibility>().Select(Naming.ToSnakeCase))));
        return default;
    }

    /// <summary>Tags are matched exactly by the list filter, so they are kept trimmed, lower-case and once each.</summary>
    private static List<string> Tags(ValidationErrors errors, IReadOnlyList<string>? tags)
    {
        var given = tags ?? [];
        var valid = new List<string>();
        if (given.Count > MaxTags)
            errors.Add("tags", Localized<TestText>.Format("TagsTooMany", MaxTags));
        for (var i = 0; i < given.Count; i++)
        {
            var tag = given[i]?.Trim().ToLowerInvariant() ?? "";
            if (tag.Length == 0)
                errors.Add("tags", Localized<TestText>.Format("TagEmpty", i + 1));
            else if (tag.Length > TagLength)
                errors.Add("tags", Localized<TestText>.Format("TagTooLong", i + 1, TagLength));
            else if (!valid.Contains(tag))
                valid.Add(tag);
        }
        return valid;
    }

    private static (KernelSpec Document, string Op, string Language)? Spec(ValidationErrors errors, JsonElement? spec)
    {
        if (spec is not { ValueKind: JsonValueKind.Object } document)
        {
            errors.Add("spec", Localized<TestText>.Get("SpecRequired"));
            return null;
        }
        var text = document.GetRawText();
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxSpecBytes)
        {
            errors.Add("spec", Localized<TestText>.Format("SpecTooLarge", bytes, MaxSpecBytes));
            return null;
        }
        // The input rule (no NUL or other control characters but tab and line breaks), as for every other text field.
        if (ControlCharacters.InJson(Encoding.UTF8.GetBytes(text)) is { } field)
        {
            errors.Add(SpecField(field), Localized<SharedText>.Format("ControlCharacter", SpecField(field)));
            return null;
        }
        // The same validation, with the same messages, that an agent applies before it runs the spec (invalid_spec).
        var validation = KernelSpecJson.Parse(text);
        foreach (var problem in validation.Problems)
            errors.Add(SpecField(problem.Field), problem.Message);
        return validation is { Spec: { } valid, Document: { } written } ? (written, valid.Op.Name, valid.Language.Name()) : null;
    }
}
