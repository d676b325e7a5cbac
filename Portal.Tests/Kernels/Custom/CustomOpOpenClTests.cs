using Portal.Kernels.Execution;
using Portal.Kernels.OpenCl;
using Portal.Kernels.References;
using Portal.Kernels.Results;
using Portal.Tests.Kernels.OpenCl;
using static Portal.Tests.Kernels.Custom.CustomSpecs;

namespace Portal.Tests.Kernels.Custom;

/// <summary>Custom ops on PoCL, in process: the reference in OpenCL C over double, the kernel checked against it.</summary>
[Collection(OpenClCollection.Name)]
public class CustomOpOpenClTests
{
    private static Task<KernelResult> Run(KernelSpec spec, CustomReferences? references = null) =>
        new KernelRunner(new OpenClExecutor(), references: references).RunAsync(spec, OpenClTestDevice.Info, CancellationToken.None);

    [Fact]
    public async Task A_right_fused_bias_relu_passes_and_a_wrong_one_fails_naming_the_element()
    {
        var right = await Run(BiasReluSpec());
        var wrong = await Run(BiasReluSpec(BiasReluKernelWrongOnOdd));

        Assert.True(right.Status == KernelStatus.Passed, right.Message);
        Assert.Equal(KernelStatus.Failed, wrong.Status);
        // x is normal, so about half of the odd elements are wrong (those where x + b > 0 or x > 0); the first is odd.
        var first = wrong.Cases![0].FirstMismatch!;
        Assert.Equal("y", first.Buffer);
        Assert.Equal(1, first.Index % 2);
        Assert.Contains($"first y[{first.Index}]", wrong.Message);
    }

    [Fact]
    public async Task Two_inputs_of_different_dtypes_and_lengths_pass_and_an_off_by_one_gather_fails_on_the_last_row()
    {
        var right = await Run(GatherDotSpec());
        var wrong = await Run(GatherDotSpec(GatherDotKernelWrongLastRow));

        Assert.True(right.Status == KernelStatus.Passed, right.Message);
        Assert.Equal(KernelStatus.Failed, wrong.Status);
        Assert.Contains("1 of 300 elements wrong; first y[299]", wrong.Message);
    }

    [Fact]
    public async Task A_reference_that_does_not_compile_is_an_invalid_spec_naming_the_reference()
    {
        var broken = BiasRelu(BiasReluReference.Replace("fmax(x[i] + b, 0.0)", "fmax(x[i] + b, 0.0", StringComparison.Ordinal));

        var result = await Run(BiasReluSpec(definition: broken));

        Assert.Equal(KernelStatus.InvalidSpec, result.Status);
        Assert.StartsWith("opDefinition.reference: the reference does not compile", result.Message);
        Assert.Contains("error", result.CompileLog, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_broken_reference_wins_over_a_broken_kernel()
    {
        var broken = BiasRelu(BiasReluReference.Replace("get_global_id(0)", "get_global_id(0) +", StringComparison.Ordinal));

        var result = await Run(BiasReluSpec("this is not OpenCL C", broken));

        Assert.Equal(KernelStatus.InvalidSpec, result.Status);
        Assert.Contains("opDefinition.reference", result.Message);
    }

    [Fact]
    public async Task A_reference_with_the_wrong_parameters_is_an_invalid_spec()
    {
        var wrongArity = BiasRelu(BiasReluReference.Replace(", const double b)", ")", StringComparison.Ordinal).Replace("x[i] + b", "x[i] + 0.5", StringComparison.Ordinal));

        var result = await Run(BiasReluSpec(definition: wrongArity));

        Assert.Equal(KernelStatus.InvalidSpec, result.Status);
        Assert.Contains("takes 3 parameters; a reference takes the buffers then the params: x, y, n, b", result.Message);
    }

    [Fact]
    public async Task A_reference_that_writes_nothing_fails_the_reference_check()
    {
        var idle = BiasRelu(BiasReluReference.Replace("y[i] = fmax(x[i] + b, 0.0);", "y[i] = 0.0;", StringComparison.Ordinal));

        var result = await Run(BiasReluSpec(definition: idle));

        Assert.Equal(KernelStatus.InvalidSpec, result.Status);
        Assert.StartsWith("opDefinition.reference: cases[0]", result.Message);
        Assert.Contains("kernel writing zeros", result.Message);
    }

    [Fact]
    public async Task Precomputed_references_are_used_instead_of_running_the_reference()
    {
        var first = new CustomReferences();
        Assert.Equal(KernelStatus.Passed, (await Run(BiasReluSpec(), first)).Status);
        Assert.Equal(1, first.Computed);
        var spec = Portal.Kernels.Spec.KernelSpecValidator.Validate(BiasReluSpec()).Spec!;
        var (references, _) = await first.ComputeAllAsync(spec, CancellationToken.None);
        var cached = new CustomReferences(new Dictionary<string, IReadOnlyDictionary<string, double[]>>
        {
            [CustomReferences.CaseKey(spec, spec.Cases[0])] = references![0],
        });

        var second = await Run(BiasReluSpec(), cached);

        Assert.Equal(KernelStatus.Passed, second.Status);
        Assert.Equal(0, cached.Computed);
    }
}
