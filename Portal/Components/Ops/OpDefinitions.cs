using System.Text.Json;
using Portal.Kernels.Spec;

namespace Portal.Components.Ops;

/// <summary>Reads a stored definition (JSON) into the contract the pages display.</summary>
public static class OpDefinitions
{
    /// <summary>The definition, or null when it cannot be read (it was validated when saved, so this means a newer format).</summary>
    public static OpDefinitionSpec? Read(JsonElement definition)
    {
        try
        {
            return definition.Deserialize<OpDefinitionSpec>(KernelSpecJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
