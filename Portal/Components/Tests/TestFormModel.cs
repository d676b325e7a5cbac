using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Api.Common;
using Portal.Api.Ops;
using Portal.Api.Skus;
using Portal.Api.Tests;
using Portal.Data;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;
using Portal.Kernels.Suite;

using Portal.Components.Ops;

namespace Portal.Components.Tests;

/// <summary>A launch dimension list as the form edits it: up to three expression fields.</summary>
public sealed class LaunchDims
{
    public string?[] Values { get; } = new string?[3];

    public void Set(IReadOnlyList<LaunchValue>? values)
    {
        Array.Clear(Values);
        for (var i = 0; i < Math.Min(3, values?.Count ?? 0); i++)
            Values[i] = values![i].Text;
    }

    /// <summary>The dimensions up to the last one filled in; null when none is.</summary>
    public JsonArray? ToJson()
    {
        var last = Array.FindLastIndex(Values, v => !string.IsNullOrWhiteSpace(v));
        return last < 0 ? null : [.. Values.Take(last + 1).Select(TestFormModel.LaunchJson)];
    }
}

public sealed class ConstexprRow
{
    public string? Name { get; set; }
    public string? Value { get; set; }
}

/// <summary>
/// What the test form edits: the test's fields and the kernel job spec taken apart into fields. <see cref="ToInput"/> puts
/// the spec back together as JSON for the service, which validates it exactly as the API does.
/// </summary>
public sealed class TestFormModel
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string Visibility { get; set; } = "consortium";

    /// <summary>A private test's embargo day (UTC), if any: on it the test turns consortium-visible, and so public.</summary>
    public DateTime? EmbargoUntil { get; set; }
    public List<string> Tags { get; set; } = [];
    public VendorRef? Organization { get; set; }

    public string Op { get; set; } = "vector_add";
    public string Language { get; set; } = "opencl-c";

    /// <summary>The storage dtype of the float buffers of a catalog op (f32, f16, bf16, fp8e4m3, fp8e5m2); sent only when not f32.</summary>
    public string Dtype { get; set; } = "f32";

    /// <summary>
    /// The saved op version the test is written against; then <see cref="Op"/> is "custom" and the spec carries that version's
    /// definition as its opDefinition, unchanged.
    /// </summary>
    public SavedOpVersionRef? SavedOp { get; private set; }

    /// <summary>The saved version's definition as stored (JSON), sent as the spec's opDefinition.</summary>
    public JsonElement? SavedDefinition { get; private set; }

    /// <summary>Whether the starter in the editor was generated (no conformance kernel for the op, language and dtype): it computes nothing.</summary>
    public bool StarterIsGenerated { get; private set; }
    public string Source { get; set; } = "";
    public string? Entry { get; set; }
    public List<string> Args { get; set; } = [];
    public LaunchDims Global { get; } = new();
    public LaunchDims Local { get; } = new();
    public LaunchDims Grid { get; } = new();
    public LaunchDims Block { get; } = new();
    public string? SharedBytes { get; set; }
    public string? NumWarps { get; set; }
    public List<ConstexprRow> Constexprs { get; set; } = [];

    /// <summary>A JSON array of objects (param → value); empty means the op's default cases.</summary>
    public string Cases { get; set; } = "";
    public double? Atol { get; set; }
    public double? Rtol { get; set; }
    public long? Seed { get; set; }
    public int? Warmup { get; set; }
    public int? Iterations { get; set; }
    public int? MaxIterations { get; set; }
    public int? TimeoutSeconds { get; set; }

    /// <summary>The version read, for the update's concurrency check.</summary>
    public uint? Version { get; set; }

    /// <summary>The starter kernel last put in the editor; a source still equal to it may be replaced without asking.</summary>
    public string? StarterSource { get; private set; }

    public OpDefinition? OpDefinition => SavedOp is null ? OpCatalog.Find(Op) : null;

    /// <summary>What the kernel is called with: the catalog op at <see cref="Dtype"/>, or the saved definition's buffers and params.</summary>
    public KernelSignature? Signature =>
        SavedDefinition is { } definition
            ? (OpDefinitions.Read(definition) is { } spec ? KernelSignature.Of(spec) : null)
            : OpDefinition is { } op && ElementTypes.ParseDtype(Dtype) is { } dtype ? KernelSignature.Of(op, dtype) : null;

    /// <summary>Whether the editor still shows a generated starter, whose body is not written.</summary>
    public bool ShowsGeneratedStarter => StarterIsGenerated && Source == StarterSource;

    /// <summary>Writes the test against a saved op version (its definition as stored), or back against the catalog op <paramref name="catalogOp"/>.</summary>
    public void UseSavedOp(SavedOpVersionRef? version, JsonElement? definition, string catalogOp = "vector_add")
    {
        SavedOp = version;
        SavedDefinition = version is null ? null : definition;
        Op = version is null ? catalogOp : "custom";
    }

    /// <summary>Whether changing op or language may replace the kernel: nothing has been written beyond the starter.</summary>
    public bool SourceIsStarter => string.IsNullOrWhiteSpace(Source) || Source == StarterSource;

    /// <summary>
    /// Fills the spec fields with the starter kernel: the built-in suite's kernel for this op, language and dtype where there
    /// is one, else a generated kernel with the right signature and a body marked for the developer to write.
    /// </summary>
    public void ApplyStarter()
    {
        var language = KernelLanguages.Parse(Language);
        var shipped = language is null || SavedOp is not null
            ? null
            : ConformanceSuite.Find(language.Value, Op, Dtype);
        StarterIsGenerated = false;
        if (shipped is not null)
        {
            ApplySpec(shipped.Spec);
        }
        else if (language is { } known && Signature is { } signature)
        {
            var starter = StarterKernels.For(signature, known);
            ApplySpec(new KernelSpec(Op, Language, starter.Entry, starter.Source, starter.Args, starter.Launch));
            StarterIsGenerated = true;
        }
        else
        {
            ApplySpec(new KernelSpec(Op, Language, Op, "", OpDefinition?.ArgumentNames.ToList(), null));
        }
        StarterSource = Source;
    }

    public static TestFormModel From(TestDto test)
    {
        var spec = test.Spec;
        var model = new TestFormModel
        {
            Name = test.Name,
            Description = test.Description,
            Visibility = Naming.ToSnakeCase(test.Visibility),
            EmbargoUntil = test.EmbargoUntil?.UtcDateTime.Date,
            Tags = [.. test.Tags],
            Organization = test.Organization is { } o ? new VendorRef(o.Id, o.Name, o.Country) : null,
            Op = spec.Op ?? test.Op,
            Language = spec.Language ?? test.Language,
            Dtype = spec.Dtype ?? "f32",
            Version = test.Version,
        };
        if (test.OpVersion is { } version && spec.OpDefinition is { } definition)
            model.UseSavedOp(version, JsonSerializer.SerializeToElement(definition, Portal.Contracts.SpecJson.Options));
        model.ApplySpec(spec);
        return model;
    }

    private void ApplySpec(KernelSpec spec)
    {
        Source = spec.Source ?? "";
        Entry = spec.Entry;
        Args = [.. spec.Args ?? []];
        Global.Set(spec.Launch?.Global);
        Local.Set(spec.Launch?.Local);
        Grid.Set(spec.Launch?.Grid);
        Block.Set(spec.Launch?.Block);
        SharedBytes = spec.Launch?.SharedBytes?.Text;
        NumWarps = spec.Launch?.NumWarps?.Text;
        Constexprs = spec.Launch?.Constexprs?.Select(c => new ConstexprRow { Name = c.Key, Value = c.Value.Text }).ToList() ?? [];
        Cases = spec.Cases is { } cases ? FormatCases(cases) : "";
        (Atol, Rtol) = (spec.Tolerance?.Atol, spec.Tolerance?.Rtol);
        Seed = spec.Seed is { } seed ? (long)Math.Min(seed, long.MaxValue) : null;
        (Warmup, Iterations, MaxIterations) = (spec.Timing?.Warmup, spec.Timing?.Iterations, spec.Timing?.MaxIterations);
        TimeoutSeconds = spec.TimeoutSeconds;
    }

    /// <summary>One case per line, so that a long list stays readable and a field error's index is easy to find.</summary>
    public static string FormatCases(IEnumerable<CaseSpec> cases) =>
        "[\n" + string.Join(",\n", cases.Select(c => "  " + JsonSerializer.Serialize(c))) + "\n]";

    /// <summary>
    /// The create or update body. Problems the form finds itself (cases that are not JSON) come back in
    /// <paramref name="errors"/>, under the field names the service uses.
    /// </summary>
    public TestInput ToInput(ValidationErrors errors) => new()
    {
        Name = Name,
        Description = Description,
        Visibility = Visibility,
        EmbargoUntil = Shared.EmbargoDate.ToTestInput(Visibility, EmbargoUntil),
        Tags = Tags,
        OrganizationId = Organization?.Id,
        Version = Version,
        OpVersionId = SavedOp?.VersionId,
        Spec = JsonSerializer.SerializeToElement(SpecJson(errors)),
    };

    private JsonObject SpecJson(ValidationErrors errors)
    {
        var spec = new JsonObject
        {
            ["op"] = Op,
            ["language"] = Language,
            ["entry"] = Blank(Entry),
            ["source"] = Source,
            ["args"] = new JsonArray([.. Args.Select(a => (JsonNode?)a)]),
            ["launch"] = LaunchJson(),
        };
        if (SavedDefinition is { } definition)
            spec["opDefinition"] = JsonNode.Parse(definition.GetRawText());
        else if (Dtype != "f32")
            spec["dtype"] = Dtype;
        // A generated starter computes nothing: it is never sent as if it were the developer's kernel.
        if (Source.Contains(StarterKernels.BodyMarker, StringComparison.Ordinal))
            errors.Add("spec.source", Localized<Portal.Components.Ops.OpPageText>.Get("StarterNotWritten"));
        if (!string.IsNullOrWhiteSpace(Cases))
        {
            try
            {
                spec["cases"] = JsonNode.Parse(Cases);
            }
            catch (JsonException e)
            {
                errors.Add("spec.cases", Localized<TestPageText>.Format("CasesNotJson", e.Message));
            }
        }
        if (Atol is not null || Rtol is not null)
            spec["tolerance"] = Object(("atol", Atol), ("rtol", Rtol));
        if (Seed is { } seed)
            spec["seed"] = seed;
        if (Warmup is not null || Iterations is not null || MaxIterations is not null)
            spec["timing"] = Object(("warmup", Warmup), ("iterations", Iterations), ("maxIterations", MaxIterations));
        if (TimeoutSeconds is { } timeout)
            spec["timeoutSeconds"] = timeout;
        // The validator refuses nulls in some places and unknown fields everywhere: leave out what is not set.
        foreach (var key in spec.Where(p => p.Value is null).Select(p => p.Key).ToList())
            spec.Remove(key);
        return spec;
    }

    /// <summary>Only the fields of the chosen language: the validator names a field another language uses as a mistake.</summary>
    private JsonObject LaunchJson()
    {
        var launch = new JsonObject();
        switch (Language)
        {
            case "cuda-c":
                launch["grid"] = Grid.ToJson();
                launch["block"] = Block.ToJson();
                launch["sharedBytes"] = Blank(SharedBytes) is { } shared ? LaunchJson(shared) : null;
                break;
            case "triton":
                launch["grid"] = Grid.ToJson();
                launch["numWarps"] = Blank(NumWarps) is { } warps ? LaunchJson(warps) : null;
                var constexprs = Constexprs.Where(c => !string.IsNullOrWhiteSpace(c.Name)).ToList();
                if (constexprs.Count > 0)
                    launch["constexprs"] = new JsonObject(constexprs.Select(c => KeyValuePair.Create(c.Name!.Trim(), LaunchJson(c.Value))));
                break;
            default:
                launch["global"] = Global.ToJson();
                launch["local"] = Local.ToJson();
                break;
        }
        foreach (var key in launch.Where(p => p.Value is null).Select(p => p.Key).ToList())
            launch.Remove(key);
        return launch;
    }

    /// <summary>An integer as a JSON number, anything else as the expression string it is.</summary>
    internal static JsonNode? LaunchJson(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        return long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : JsonValue.Create(trimmed);
    }

    private static JsonObject Object(params (string Name, double? Value)[] members)
    {
        var json = new JsonObject();
        foreach (var (name, value) in members.Where(m => m.Value is not null))
            json[name] = value;
        return json;
    }

    private static JsonObject Object(params (string Name, int? Value)[] members)
    {
        var json = new JsonObject();
        foreach (var (name, value) in members.Where(m => m.Value is not null))
            json[name] = value;
        return json;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
