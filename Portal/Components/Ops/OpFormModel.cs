using System.Text.Json;
using Portal.Api.Ops;
using Portal.Api.Skus;

namespace Portal.Components.Ops;

/// <summary>What the op form edits: the op's fields (on create) and the definition as JSON text.</summary>
public sealed class OpFormModel
{
    /// <summary>DESIGN.md's example, so that a new definition starts from something that validates.</summary>
    public const string ExampleDefinition = """
        {
          "name": "fused_bias_relu",
          "params": [ { "name": "n", "type": "int", "default": 1024 }, { "name": "b", "type": "float", "default": 0.5 } ],
          "buffers": [
            { "name": "x", "role": "input", "dtype": "f32", "length": "n", "distribution": "normal" },
            { "name": "y", "role": "output", "dtype": "f32", "length": "n" }
          ],
          "reference": {
            "entry": "ref",
            "launch": { "global": ["n"] },
            "source": "__kernel void ref(__global const double* x, __global double* y, const int n, const double b) { int i = get_global_id(0); if (i < n) y[i] = fmax(x[i] + b, 0.0); }"
          },
          "tolerance": { "atol": 1e-5, "rtol": 1e-5 }
        }
        """;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string? Name { get; set; }
    public string? Description { get; set; }
    public string Visibility { get; set; } = "private";
    public VendorRef? Organization { get; set; }
    public string Definition { get; set; } = ExampleDefinition;

    /// <summary>On a new version: the latest version the editor started from.</summary>
    public int? BaseVersion { get; set; }

    public static OpFormModel NextVersionOf(SavedOpDto op) => new()
    {
        Name = op.Name,
        BaseVersion = op.LatestVersion,
        Definition = JsonSerializer.Serialize(op.Versions[0].Definition, Indented),
    };

    /// <summary>The definition as JSON; text that is not JSON is a problem under "definition".</summary>
    public JsonElement? DefinitionJson(IDictionary<string, string[]> errors)
    {
        try
        {
            using var document = JsonDocument.Parse(Definition);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            errors["definition"] = [Portal.Api.Common.Localized<OpPageText>.Format("DefinitionNotJson", e.Message)];
            return null;
        }
    }
}
