using System.Text;

namespace Portal.Kernels.Ops;

/// <summary>A buffer as a kernel receives it: its storage type and its length as an expression over the int params.</summary>
public sealed record SignatureBuffer(string Name, BufferRole Role, ElementType Type, string Length);

public sealed record SignatureParam(string Name, ParamKind Kind);

/// <summary>
/// What a kernel for an op is called with, in argument order (buffers, then params): the catalog op at a storage dtype, or a
/// custom op's definition. The editor shows it as a table of parameter types, and starter kernels are generated from it.
/// </summary>
public sealed record KernelSignature(string Name, IReadOnlyList<SignatureBuffer> Buffers, IReadOnlyList<SignatureParam> Params)
{
    /// <summary>A catalog op with every float buffer stored as <paramref name="dtype"/>; int32 buffers stay int32.</summary>
    public static KernelSignature Of(OpDefinition op, ElementType dtype) =>
        new(op.Name,
            [.. op.Buffers.Select(b => new SignatureBuffer(b.Name, b.Role, b.Type.IsFloat() ? dtype : b.Type, b.LengthFormula.Replace('·', '*')))],
            [.. op.Params.Select(p => new SignatureParam(p.Name, p.Kind))]);

    /// <summary>A custom op's definition as written (buffers without a dtype are f32); null when it lacks what a signature needs.</summary>
    public static KernelSignature? Of(OpDefinitionSpec definition)
    {
        var buffers = new List<SignatureBuffer>();
        foreach (var b in definition.Buffers ?? [])
        {
            var type = b.Dtype is null ? ElementType.Float32 : b.Dtype == "int32" ? ElementType.Int32 : ElementTypes.ParseDtype(b.Dtype);
            if (b.Name is null || type is null || b.Role is not ("input" or "output"))
                return null;
            buffers.Add(new SignatureBuffer(b.Name, b.Role == "input" ? BufferRole.Input : BufferRole.Output, type.Value, b.Length ?? "?"));
        }
        var parameters = (definition.Params ?? []).Where(p => p.Name is not null)
            .Select(p => new SignatureParam(p.Name!, p.Type == "float" ? ParamKind.Float : ParamKind.Int)).ToList();
        return new KernelSignature(definition.Name ?? "custom", buffers, parameters);
    }

    public IEnumerable<string> ArgumentNames => Buffers.Select(b => b.Name).Concat(Params.Select(p => p.Name));

    /// <summary>The kernel parameter's type for a scalar param: <c>const int</c>, <c>int</c>, or for Triton the Python type.</summary>
    public static string ParamType(ParamKind kind, KernelLanguage language) => (language, kind) switch
    {
        (KernelLanguage.OpenClC, ParamKind.Int) => "const int",
        (KernelLanguage.OpenClC, _) => "const float",
        (KernelLanguage.CudaC, ParamKind.Int) => "int",
        (KernelLanguage.CudaC, _) => "float",
        (_, ParamKind.Int) => "int (i32)",
        _ => "float (fp32)",
    };

    /// <summary>The buffer whose elements the starter's threads cover: the first output, or the first input when the output is one element (a reduction).</summary>
    public SignatureBuffer IndexBuffer =>
        Buffers.FirstOrDefault(b => b.Role == BufferRole.Output && b.Length.Trim() != "1")
        ?? Buffers.FirstOrDefault(b => b.Role == BufferRole.Input)
        ?? Buffers[0];
}

/// <summary>A generated starter: source, entry, args and a launch that covers the index buffer; the body is the developer's to write.</summary>
public sealed record StarterKernel(string Source, string Entry, IReadOnlyList<string> Args, LaunchSpec Launch);

/// <summary>
/// Starter kernels for ops and dtypes that the conformance suite has no kernel for: the right signature for the language
/// and storage dtype, one thread per element of the index buffer, loads and stores in the dtype's conversions, and a body
/// marked <see cref="BodyMarker"/> that computes nothing. A starter is never submitted by itself: the form labels it.
/// </summary>
public static class StarterKernels
{
    /// <summary>The line that marks where the developer's code goes; a source that still has it has not been written.</summary>
    public const string BodyMarker = "STARTER: write the body here";

    public static StarterKernel For(KernelSignature signature, KernelLanguage language)
    {
        var entry = Identifier(signature.Name);
        var index = signature.IndexBuffer;
        var length = index.Length;
        return language switch
        {
            KernelLanguage.CudaC => new StarterKernel(Cuda(signature, entry), entry, [.. signature.ArgumentNames],
                new LaunchSpec(Grid: [$"ceil_div({length}, 256)"], Block: [256])),
            KernelLanguage.Triton => new StarterKernel(Triton(signature, entry), entry, [.. signature.ArgumentNames],
                new LaunchSpec(Grid: [$"ceil_div({length}, 1024)"], Constexprs: new Dictionary<string, LaunchValue> { ["BLOCK"] = 1024 })),
            _ => new StarterKernel(OpenCl(signature, entry), entry, [.. signature.ArgumentNames],
                new LaunchSpec(Global: [$"ceil_div({length}, 256) * 256"], Local: [256])),
        };
    }

    private static string Identifier(string name)
    {
        var text = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
        return text.Length == 0 || char.IsAsciiDigit(text[0]) ? "k_" + text : text;
    }

    private static string Header(KernelSignature signature, KernelLanguage language, string comment) =>
        $"{comment} Starter kernel for {signature.Name} in {language.Name()}, buffers {string.Join(", ", signature.Buffers.Select(b => $"{b.Name}: {b.Type.Dtype()}"))}.\n" +
        $"{comment} It has the right signature and one thread per element of {signature.IndexBuffer.Name}; it computes nothing yet.\n" +
        $"{comment} Write the body where it says {BodyMarker}; the portal never submits a starter by itself.\n";

    private static string OpenCl(KernelSignature s, string entry)
    {
        var text = new StringBuilder(Header(s, KernelLanguage.OpenClC, "//"));
        foreach (var type in s.Buffers.Select(b => b.Type).Distinct())
            text.Append(OpenClConversions(type));
        var parameters = s.Buffers.Select(b => $"{KernelTypes.BufferParameter(b.Type, KernelLanguage.OpenClC, b.Role)} {b.Name}")
            .Concat(s.Params.Select(p => $"{KernelSignature.ParamType(p.Kind, KernelLanguage.OpenClC)} {p.Name}"));
        text.Append($"\n__kernel void {entry}({string.Join(", ", parameters)})\n{{\n");
        text.Append("    const int i = get_global_id(0);\n");
        text.Append($"    if (i >= {s.IndexBuffer.Length}) return;\n");
        foreach (var input in s.Buffers.Where(b => b.Role == BufferRole.Input))
            text.Append($"    // read:  {OpenClLoad(input, "i")}\n");
        text.Append($"    // {BodyMarker}\n");
        foreach (var output in s.Buffers.Where(b => b.Role == BufferRole.Output))
            text.Append($"    // write: {OpenClStore(output, "i", "value")}\n");
        text.Append("}\n");
        return text.ToString();
    }

    private static string OpenClLoad(SignatureBuffer b, string i) => b.Type switch
    {
        ElementType.Float16 => $"float {b.Name}_i = vload_half({i}, {b.Name});",
        ElementType.BFloat16 => $"float {b.Name}_i = load_bf16({b.Name}[{i}]);",
        ElementType.Float8E4M3 => $"float {b.Name}_i = load_fp8e4m3({b.Name}[{i}]);",
        ElementType.Float8E5M2 => $"float {b.Name}_i = load_fp8e5m2({b.Name}[{i}]);",
        ElementType.Int32 => $"int {b.Name}_i = {b.Name}[{i}];",
        _ => $"float {b.Name}_i = {b.Name}[{i}];",
    };

    private static string OpenClStore(SignatureBuffer b, string i, string value) => b.Type switch
    {
        ElementType.Float16 => $"vstore_half({value}, {i}, {b.Name});",
        ElementType.BFloat16 => $"{b.Name}[{i}] = store_bf16({value});",
        ElementType.Float8E4M3 => $"{b.Name}[{i}] = store_fp8e4m3({value});",
        ElementType.Float8E5M2 => $"{b.Name}[{i}] = store_fp8e5m2({value});",
        _ => $"{b.Name}[{i}] = {value};",
    };

    /// <summary>bfloat16 is the top half of a float; fp8 codes are decoded exactly and encoded to nearest, ties to even, saturating.</summary>
    private static string OpenClConversions(ElementType type) => type switch
    {
        ElementType.BFloat16 => """

            static float load_bf16(ushort bits) { return as_float((uint)bits << 16); }
            static ushort store_bf16(float v)
            {
                uint u = as_uint(v);
                if ((u & 0x7fffffffu) > 0x7f800000u) return (ushort)((u >> 16) | 0x40u); /* NaN stays NaN */
                u += 0x7fffu + ((u >> 16) & 1u);                                        /* round to nearest, ties to even */
                return (ushort)(u >> 16);
            }

            """,
        ElementType.Float8E4M3 => """

            static float load_fp8e4m3(uchar b)
            {
                int e = (b >> 3) & 15, m = b & 7;
                if (e == 15 && m == 7) return NAN;
                float a = e == 0 ? ldexp((float)m, -9) : ldexp((float)(8 + m), e - 10);
                return (b & 0x80) ? -a : a;
            }
            /* Nearest code, ties to the even code, saturating at 448: simple rather than fast. */
            static uchar store_fp8e4m3(float v)
            {
                if (isnan(v)) return 0x7f;
                uchar sign = signbit(v) ? 0x80 : 0;
                float a = fabs(v);
                uchar best = 0;
                for (uchar c = 1; c <= 0x7e; c++)
                {
                    float d = fabs(load_fp8e4m3(c) - a), bd = fabs(load_fp8e4m3(best) - a);
                    if (d < bd || (d == bd && (c & 1) == 0)) best = c;
                }
                return sign | best;
            }

            """,
        ElementType.Float8E5M2 => """

            static float load_fp8e5m2(uchar b)
            {
                int e = (b >> 2) & 31, m = b & 3;
                float a = e == 31 ? (m == 0 ? INFINITY : NAN) : e == 0 ? ldexp((float)m, -16) : ldexp((float)(4 + m), e - 17);
                return (b & 0x80) ? -a : a;
            }
            /* Nearest code, ties to the even code, saturating at 57344: simple rather than fast. */
            static uchar store_fp8e5m2(float v)
            {
                if (isnan(v)) return 0x7f;
                uchar sign = signbit(v) ? 0x80 : 0;
                float a = fabs(v);
                uchar best = 0;
                for (uchar c = 1; c <= 0x7b; c++)
                {
                    float d = fabs(load_fp8e5m2(c) - a), bd = fabs(load_fp8e5m2(best) - a);
                    if (d < bd || (d == bd && (c & 1) == 0)) best = c;
                }
                return sign | best;
            }

            """,
        _ => "",
    };

    private static string Cuda(KernelSignature s, string entry)
    {
        var text = new StringBuilder(Header(s, KernelLanguage.CudaC, "//"));
        var types = s.Buffers.Select(b => b.Type).ToHashSet();
        if (types.Contains(ElementType.Float16))
            text.Append("#include <cuda_fp16.h>\n");
        if (types.Contains(ElementType.BFloat16))
            text.Append("#include <cuda_bf16.h>\n");
        if (types.Contains(ElementType.Float8E4M3) || types.Contains(ElementType.Float8E5M2))
            text.Append("#include <cuda_fp8.h>\n");
        var parameters = s.Buffers.Select(b => $"{KernelTypes.BufferParameter(b.Type, KernelLanguage.CudaC, b.Role)} {b.Name}")
            .Concat(s.Params.Select(p => $"{KernelSignature.ParamType(p.Kind, KernelLanguage.CudaC)} {p.Name}"));
        text.Append($"\nextern \"C\" __global__ void {entry}({string.Join(", ", parameters)})\n{{\n");
        text.Append("    const int i = blockIdx.x * blockDim.x + threadIdx.x;\n");
        text.Append($"    if (i >= {s.IndexBuffer.Length}) return;\n");
        foreach (var input in s.Buffers.Where(b => b.Role == BufferRole.Input))
            text.Append($"    // read:  {(input.Type == ElementType.Int32 ? "int" : "float")} {input.Name}_i = {CudaLoad(input, "i")};\n");
        text.Append($"    // {BodyMarker}\n");
        foreach (var output in s.Buffers.Where(b => b.Role == BufferRole.Output))
            text.Append($"    // write: {output.Name}[i] = {CudaStore(output, "value")};\n");
        text.Append("}\n");
        return text.ToString();
    }

    private static string CudaLoad(SignatureBuffer b, string i) => b.Type switch
    {
        ElementType.Float16 => $"__half2float({b.Name}[{i}])",
        ElementType.BFloat16 => $"__bfloat162float({b.Name}[{i}])",
        ElementType.Float8E4M3 or ElementType.Float8E5M2 => $"float({b.Name}[{i}])",
        _ => $"{b.Name}[{i}]",
    };

    private static string CudaStore(SignatureBuffer b, string value) => b.Type switch
    {
        ElementType.Float16 => $"__float2half_rn({value})",
        ElementType.BFloat16 => $"__float2bfloat16_rn({value})",
        ElementType.Float8E4M3 => $"__nv_fp8_e4m3({value})",
        ElementType.Float8E5M2 => $"__nv_fp8_e5m2({value})",
        _ => value,
    };

    private static string Triton(KernelSignature s, string entry)
    {
        var text = new StringBuilder(Header(s, KernelLanguage.Triton, "#"));
        text.Append("import triton\nimport triton.language as tl\n\n\n@triton.jit\n");
        text.Append($"def {entry}({string.Join(", ", s.ArgumentNames)}, BLOCK: tl.constexpr):\n");
        text.Append("    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)\n");
        text.Append($"    mask = offsets < {s.IndexBuffer.Length}\n");
        foreach (var input in s.Buffers.Where(b => b.Role == BufferRole.Input))
            text.Append($"    # read:  {input.Name}_i = tl.load({input.Name} + offsets, mask=mask){(input.Type == ElementType.Int32 ? "" : ".to(tl.float32)")}\n");
        text.Append($"    # {BodyMarker}\n");
        foreach (var output in s.Buffers.Where(b => b.Role == BufferRole.Output))
            text.Append($"    # write: tl.store({output.Name} + offsets, value.to({output.Name}.dtype.element_ty), mask=mask)\n");
        text.Append("    pass\n");
        return text.ToString();
    }
}
