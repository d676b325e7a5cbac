using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Portal.Kernels.Inputs;
using Portal.Kernels.OpenCl;
using Portal.Kernels.Ops;
using Portal.Kernels.Spec;

namespace Portal.Kernels.References;

/// <summary>
/// Where the runner gets a custom op's reference outputs, one set per case: from <paramref name="precomputed"/> (what
/// the agent's cache handed the isolated child, by <see cref="CaseKey"/>), else computed on the host's CPU OpenCL device.
/// </summary>
public sealed class CustomReferences(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double[]>>? precomputed = null)
{
    /// <summary>How many cases were computed here rather than taken from <c>precomputed</c>.</summary>
    public int Computed { get; private set; }

    /// <summary>Time spent building and running the reference (zero when every case was precomputed).</summary>
    public TimeSpan ComputeTime { get; private set; }

    /// <summary>
    /// What identifies a case's reference outputs: SHA-256 of the definition hash, the case's params and distribution,
    /// the seed and each input's storage dtype (the inputs are rounded to it). Output dtypes do not matter: the
    /// reference is in double and rounded only when compared.
    /// </summary>
    public static string CaseKey(ValidatedSpec spec, CaseParams parameters)
    {
        var text = new StringBuilder(spec.Op.Custom?.DefinitionHash ?? throw new ArgumentException("not a custom op", nameof(spec)));
        text.Append('\n').Append(string.Join(",", parameters.Values.Select(v => $"{v.Key}={v.Value.ToString("R", CultureInfo.InvariantCulture)}")));
        text.Append('\n').Append(parameters.Distribution);
        text.Append('\n').Append(spec.Seed.ToString(CultureInfo.InvariantCulture));
        text.Append('\n').Append(string.Join(",", spec.Op.Inputs.Select(b => $"{b.Name}:{spec.TypeOf(b).Dtype()}")));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The reference outputs of every case, in the spec's case order, or why there are none.</summary>
    public Task<(IReadOnlyList<IReadOnlyDictionary<string, double[]>>? References, ReferenceFailure? Failure)> ComputeAllAsync(
        ValidatedSpec spec, CancellationToken cancellationToken) =>
        Task.Run(() => ComputeAll(spec, cancellationToken), cancellationToken);

    private (IReadOnlyList<IReadOnlyDictionary<string, double[]>>?, ReferenceFailure?) ComputeAll(ValidatedSpec spec, CancellationToken cancellationToken)
    {
        var all = new List<IReadOnlyDictionary<string, double[]>>();
        CustomReferenceProgram? program = null;
        var clock = new Stopwatch();
        try
        {
            foreach (var parameters in spec.Cases)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (precomputed is not null && precomputed.TryGetValue(CaseKey(spec, parameters), out var known))
                {
                    all.Add(known);
                    continue;
                }
                clock.Start();
                if (program is null)
                {
                    var (built, failure) = CustomReferenceProgram.Build(spec.Op);
                    if (failure is not null)
                        return (null, failure);
                    program = built!;
                }
                var inputs = InputGenerator.Generate(spec.Op, parameters, spec.Seed, spec.BufferTypes);
                var (outputs, runFailure) = program.Run(parameters, inputs);
                clock.Stop();
                if (runFailure is not null)
                    return (null, runFailure);
                Computed++;
                // Checked here too, so that an unusable reference is never cached and never meets the kernel.
                if (Comparison.ReferenceCheck.FindProblem(spec, parameters, outputs!) is { } unusable)
                    return (null, new ReferenceFailure(false, $"opDefinition.reference: cases[{all.Count}] ({parameters}): {unusable}"));
                all.Add(outputs!);
            }
            return (all, null);
        }
        finally
        {
            ComputeTime += clock.Elapsed;
            program?.Dispose();
        }
    }
}
