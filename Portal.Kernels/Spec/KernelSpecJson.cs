using System.Text.Json;

namespace Portal.Kernels.Spec;

/// <summary>
/// Reads a spec from JSON. Unknown fields are refused rather than ignored, so a misspelt optional field
/// ("tolerence") is an invalid spec instead of a silently applied default.
/// </summary>
public static class KernelSpecJson
{
    public static JsonSerializerOptions Options => SpecJson.Options;

    /// <summary>Parses and validates; malformed JSON is an invalid spec naming the field (path) at fault.</summary>
    public static SpecValidation Parse(string json, KernelLimits? limits = null)
    {
        KernelSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<KernelSpec>(json, Options);
        }
        catch (JsonException e)
        {
            return new SpecValidation(null, [Describe(e)]);
        }
        return spec is null
            ? new SpecValidation(null, [new SpecProblem("spec", "the document is null; send a JSON object")])
            : KernelSpecValidator.Validate(spec, limits);
    }

    public static string Serialize(KernelSpec spec) => SpecJson.Serialize(spec);

    private static SpecProblem Describe(JsonException e)
    {
        var field = e.Path is null or "$" ? "spec" : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path;
        if (e is CaseFieldException caseField)
            field += "." + caseField.Field;
        var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
        // System.Text.Json names the CLR type in its messages; say what the spec expects instead.
        var message = e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "unknown field"
            : e.Message.Contains("could not be converted", StringComparison.Ordinal) ? "has the wrong type for this field"
            : e.Message.StartsWith("expected ", StringComparison.Ordinal) ? e.Message
            : "not valid JSON";
        return new SpecProblem(field, message + where);
    }
}
