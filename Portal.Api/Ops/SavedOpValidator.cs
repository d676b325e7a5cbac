using System.Text;
using System.Text.Json;
using Portal.Api.Common;
using Portal.Api.Tests;
using Portal.Contracts;
using Portal.Data;
using Portal.Data.Compatibility;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;

namespace Portal.Api.Ops;

/// <summary>
/// The rules for a saved op's fields and its definition. Problems of the definition are named under
/// <c>definition.&lt;field&gt;</c> (e.g. <c>definition.buffers[1].role</c>), as a spec's are under <c>spec.</c>.
/// </summary>
public static class SavedOpValidator
{
    public const int NameLength = 200;
    public const int DescriptionLength = 4000;

    /// <summary>The reference source may take 1 MiB (as a kernel's); JSON escaping can double it, and the rest is small.</summary>
    public const int MaxDefinitionBytes = 3 << 20;

    /// <summary>A definition as stored: its JSON as parsed (nulls left out), the engine's definition hash, and the contract.</summary>
    public sealed record ValidDefinition(string Json, string Hash, OpDefinitionSpec Spec);

    public static string Label(string key) => Localized<SavedOpText>.Get("Field" + key);

    public static TestVisibility Visibility(ValidationErrors errors, string? text)
    {
        var trimmed = errors.Text("visibility", text, 40, required: true, Label("Visibility"));
        if (trimmed is not null && Naming.TryParseSnakeCase<TestVisibility>(trimmed, out var visibility))
            return visibility;
        if (trimmed is not null)
            errors.Add("visibility", Localized<SavedOpText>.Format("ChoiceInvalid", Label("Visibility"),
                string.Join(", ", Enum.GetValues<TestVisibility>().Select(Naming.ToSnakeCase))));
        return default;
    }

    public static string DefinitionField(string field) => field is "" or "definition" ? "definition" : "definition." + field;

    /// <summary>Checks a definition and gives it back in canonical form, or null with the problems in <paramref name="errors"/>.</summary>
    public static ValidDefinition? Definition(ValidationErrors errors, JsonElement? definition)
    {
        if (definition is not { ValueKind: JsonValueKind.Object } document)
        {
            errors.Add("definition", Localized<SavedOpText>.Get("DefinitionRequired"));
            return null;
        }
        var text = document.GetRawText();
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxDefinitionBytes)
        {
            errors.Add("definition", Localized<SavedOpText>.Format("DefinitionTooLarge", bytes, MaxDefinitionBytes));
            return null;
        }
        if (ControlCharacters.InJson(Encoding.UTF8.GetBytes(text)) is { } at)
        {
            errors.Add(DefinitionField(at), Localized<SharedText>.Format("ControlCharacter", DefinitionField(at)));
            return null;
        }
        OpDefinitionSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<OpDefinitionSpec>(text, KernelSpecJson.Options);
        }
        catch (JsonException e)
        {
            var path = e.Path is null or "$" ? "" : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path;
            errors.Add(DefinitionField(path), Localized<SavedOpText>.Get(
                e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "DefinitionUnknownField" : "DefinitionWrongType"));
            return null;
        }
        if (spec is null)
        {
            errors.Add("definition", Localized<SavedOpText>.Get("DefinitionRequired"));
            return null;
        }
        var problems = new ValidationErrors();
        Check(problems, spec);
        // Then the engine's own rules (expressions, distributions, the reference's launch), with the messages an agent
        // gives for invalid_spec; the hash is the engine's too, the one that keys the agents' reference cache.
        var op = problems.Any
            ? null
            : CustomOps.Validate(spec, KernelLimits.Default, (field, message) => problems.Add(FromEngineField(field), message));
        foreach (var (field, messages) in problems.ToDictionary())
            foreach (var message in messages)
                errors.Add(field, message);
        if (problems.Any || op?.Custom is not { } custom)
            return null;
        return new ValidDefinition(JsonSerializer.Serialize(spec, KernelSpecJson.Options), custom.DefinitionHash, spec);
    }

    /// <summary>The engine names fields under the spec's "opDefinition"; here the definition is the request's "definition".</summary>
    private static string FromEngineField(string field) =>
        field == "opDefinition" ? "definition" : field.StartsWith("opDefinition.", StringComparison.Ordinal) ? "definition." + field["opDefinition.".Length..] : "definition." + field;

    /// <summary>
    /// The shape every definition needs: a name, inputs and outputs with roles, dtypes and lengths, and a reference. The
    /// engine checks these too, but only in English; the mistakes people make most get their messages here in both languages.
    /// </summary>
    private static void Check(ValidationErrors errors, OpDefinitionSpec spec)
    {
        if (string.IsNullOrWhiteSpace(spec.Name))
            errors.Add("definition.name", Localized<SharedText>.Format("Required", Label("DefinitionName")));
        var buffers = spec.Buffers ?? [];
        if (!buffers.Any(b => b?.Role == "input") || !buffers.Any(b => b?.Role == "output"))
            errors.Add("definition.buffers", Localized<SavedOpText>.Get("BuffersNeeded"));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < buffers.Count; i++)
        {
            var buffer = buffers[i];
            var field = $"definition.buffers[{i}]";
            if (buffer is null)
            {
                errors.Add(field, Localized<SavedOpText>.Get("DefinitionWrongType"));
                continue;
            }
            if (string.IsNullOrWhiteSpace(buffer.Name))
                errors.Add(field + ".name", Localized<SharedText>.Format("Required", Label("BufferName")));
            else if (!names.Add(buffer.Name))
                errors.Add(field + ".name", Localized<SavedOpText>.Format("NameTwice", buffer.Name));
            if (buffer.Role is not ("input" or "output"))
                errors.Add(field + ".role", Localized<SavedOpText>.Format("ChoiceInvalid", Label("Role"), "input, output"));
            if (buffer.Dtype is { } dtype && dtype != "int32" && ElementTypes.ParseDtype(dtype) is null)
                errors.Add(field + ".dtype", Localized<SavedOpText>.Format("ChoiceInvalid", Label("Dtype"),
                    string.Join(", ", ElementTypes.DtypeNames.Append("int32"))));
            if (string.IsNullOrWhiteSpace(buffer.Length))
                errors.Add(field + ".length", Localized<SharedText>.Format("Required", Label("Length")));
        }
        var parameters = spec.Params ?? [];
        for (var i = 0; i < parameters.Count; i++)
        {
            var field = $"definition.params[{i}]";
            if (parameters[i] is not { } parameter)
            {
                errors.Add(field, Localized<SavedOpText>.Get("DefinitionWrongType"));
                continue;
            }
            if (string.IsNullOrWhiteSpace(parameter.Name))
                errors.Add(field + ".name", Localized<SharedText>.Format("Required", Label("ParamName")));
            else if (!names.Add(parameter.Name))
                errors.Add(field + ".name", Localized<SavedOpText>.Format("NameTwice", parameter.Name));
            if (parameter.Type is not ("int" or "float"))
                errors.Add(field + ".type", Localized<SavedOpText>.Format("ChoiceInvalid", Label("ParamType"), "int, float"));
        }
        if (spec.Reference is not { } reference)
        {
            errors.Add("definition.reference", Localized<SavedOpText>.Get("ReferenceRequired"));
            return;
        }
        if (string.IsNullOrWhiteSpace(reference.Entry))
            errors.Add("definition.reference.entry", Localized<SharedText>.Format("Required", Label("ReferenceEntry")));
        if (string.IsNullOrWhiteSpace(reference.Source))
            errors.Add("definition.reference.source", Localized<SharedText>.Format("Required", Label("ReferenceSource")));
    }
}
