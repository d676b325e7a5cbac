using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;
using Portal.Kernels.Suite;
using Xunit.Abstractions;

namespace Portal.Tests.Kernels.OpenCl;

/// <summary>
/// The known-wrong control kernels (Suite/&lt;language&gt;/controls): every op has one in every language, and every
/// opencl-c one fails on the OpenCL device under the suite's own spec. A control that passes is a hole in the checks.
/// </summary>
[Collection(OpenClCollection.Name)]
public class OpenClControlKernelTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> OpenClControls()
    {
        var data = new TheoryData<string, string>();
        foreach (var control in ControlKernels.For(KernelLanguage.OpenClC))
            data.Add(control.Op, control.BugName);
        return data;
    }

    [Fact]
    public void Every_op_has_a_control_kernel_in_every_language()
    {
        var missing = from op in OpCatalog.Names
                      from language in Enum.GetValues<KernelLanguage>()
                      where !ControlKernels.All.Any(c => c.Op == op && c.Language == language)
                      select $"{op} ({language.Name()})";

        Assert.Empty(missing);
    }

    [Fact]
    public void The_controls_together_make_every_class_of_bug()
    {
        Assert.Equal(Enum.GetValues<BugClass>(), ControlKernels.All.Select(c => c.Bug).Distinct().Order());
    }

    [Fact]
    public void Each_control_is_valid_under_its_suite_spec_and_says_what_is_wrong_with_it()
    {
        Assert.All(ControlKernels.All, c =>
        {
            Assert.True(KernelSpecValidator.Validate(c.Spec).IsValid, $"{c.Op}.{c.BugName} ({c.Language.Name()})");
            Assert.Contains($"CONTROL KERNEL, must fail ({c.BugName})", c.Spec.Source);
            Assert.NotEqual(ConformanceSuite.Plain(c.Language, c.Op)!.Spec.Source, c.Spec.Source);
        });
    }

    [Theory]
    [MemberData(nameof(OpenClControls))]
    public async Task Each_opencl_control_kernel_fails_on_the_OpenCL_device(string op, string bug)
    {
        var control = ControlKernels.For(KernelLanguage.OpenClC).Single(c => c.Op == op && c.BugName == bug);

        var result = await OpenClTestDevice.Run(control.Spec);

        output.WriteLine($"{op}.{bug}: {result.Status.Name()}: {result.Message}");
        Assert.True(result.Status == KernelStatus.Failed,
            $"control kernel {op}.{bug} (opencl-c) must fail but is {result.Status.Name()}: {result.Message}\n{result.CompileLog}");
        if (control.Bug == BugClass.Unstable)
        {
            // Right on the default inputs; only an adversarial distribution shows the instability.
            Assert.All(result.Cases!.Where(c => c.Status == KernelStatus.Failed), c => Assert.NotEqual(OpDefinition.DefaultDistribution, c.Distribution));
            Assert.Contains(result.Cases!, c => c.Status == KernelStatus.Passed && c.Distribution == OpDefinition.DefaultDistribution);
        }
    }
}
