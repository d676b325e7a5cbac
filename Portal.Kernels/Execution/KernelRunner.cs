using Portal.Kernels.Buffers;
using Portal.Kernels.Comparison;
using Portal.Kernels.Inputs;
using Portal.Kernels.Ops;
using Portal.Kernels.Results;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Execution;

/// <summary>
/// Turns a spec into a verdict with one executor: validate, compile, then for each case generate inputs,
/// compute the reference, launch and compare; the last case is also timed, and its outputs are checked
/// again after the timed launches. Every checked launch request is also checked for writes outside the outputs
/// (<see cref="GuardZones"/>): into a buffer's guard zones or into an input; such a write fails the case, and its
/// message comes before any wrong elements, which it may have caused. Whatever the kernel does, the answer is a
/// <see cref="KernelResult"/>; only cancellation by the caller and executor bugs surface as exceptions.
/// </summary>
/// <param name="references">Where a custom op's references come from (precomputed by the agent's cache, or computed on the
/// host's CPU OpenCL device); null: computed here.</param>
/// <param name="progress">Told when each case starts and when timing starts (once per case, plus once); null: nobody listens.</param>
public sealed class KernelRunner(IKernelExecutor executor, TimeProvider? timeProvider = null, KernelLimits? limits = null,
    References.CustomReferences? references = null, IProgress<JobProgress>? progress = null)
{
    /// <summary>Timing stops adding launches once the standard error of the median is below this share of it.</summary>
    public const double TargetRelativeStandardError = 0.01;

    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private readonly KernelLimits limits = limits ?? KernelLimits.Default;

    public Task<KernelResult> RunAsync(string specJson, DeviceInfo device, CancellationToken cancellationToken) =>
        RunAsync(KernelSpecJson.Parse(specJson, limits), device, cancellationToken);

    public Task<KernelResult> RunAsync(KernelSpec spec, DeviceInfo device, CancellationToken cancellationToken) =>
        RunAsync(KernelSpecValidator.Validate(spec, limits), device, cancellationToken);

    private Task<KernelResult> RunAsync(SpecValidation validation, DeviceInfo device, CancellationToken cancellationToken) =>
        validation.Spec is { } spec
            ? RunAsync(spec, device, cancellationToken)
            : Task.FromResult(new KernelResult(KernelStatus.InvalidSpec, validation.Message, Device: device));

    public async Task<KernelResult> RunAsync(ValidatedSpec spec, DeviceInfo device, CancellationToken cancellationToken)
    {
        if (executor.Language != spec.Language)
            return new KernelResult(KernelStatus.Unsupported,
                $"this executor runs {executor.Language.Name()} kernels, not {spec.Language.Name()}", Device: device);
        if (!executor.SupportsDevice(device))
            return new KernelResult(KernelStatus.Unsupported,
                $"{spec.Language.Name()} kernels cannot run on {device.Name} ({device.Id})", Device: device);

        // Before the compiler sees it: an #include of a host file would echo the file in the build log.
        if (KernelSourceCheck.FindProblem(spec.Language, spec.Source, "compiling") is { } forbidden)
            return new KernelResult(KernelStatus.CompileError, forbidden, Device: device);

        // A custom op's reference comes before the kernel: a broken definition is invalid_spec, never a kernel verdict.
        IReadOnlyList<IReadOnlyDictionary<string, double[]>>? customReferences = null;
        if (spec.Op.Custom is not null)
        {
            var (computed, unusable) = await (references ?? new References.CustomReferences()).ComputeAllAsync(spec, cancellationToken);
            if (unusable is not null)
                return new KernelResult(unusable.Unsupported ? KernelStatus.Unsupported : KernelStatus.InvalidSpec, unusable.Message,
                    HostPaths.Redact(unusable.Log), device);
            customReferences = computed;
        }

        var budget = new KernelBudget(TimeSpan.FromSeconds(spec.TimeoutSeconds), time);
        var (preparation, timedOut) = await budget.RunAsync(
            token => executor.PrepareAsync(spec, device, token), cancellationToken);
        if (timedOut)
        {
            if (preparation?.Kernel is { } late)
                await late.DisposeAsync();
            return new KernelResult(KernelStatus.Timeout, $"compiling took longer than {spec.TimeoutSeconds} s", Device: device);
        }
        if (preparation!.Failure is { } failure)
            return FailureResult(failure, "compiling", device, []);

        await using var kernel = preparation.Kernel!;
        var run = new CaseRun(spec, kernel, budget, device, customReferences, progress, cancellationToken);
        return await run.ExecuteAsync();
    }

    internal static KernelResult FailureResult(ExecutionFailure failure, string during, DeviceInfo device,
        IReadOnlyList<CaseResult> cases, string? compileLog = null) => new(
        failure.Kind switch
        {
            FailureKind.CompileError => KernelStatus.CompileError,
            FailureKind.RuntimeError => KernelStatus.RuntimeError,
            FailureKind.Timeout => KernelStatus.Timeout,
            FailureKind.Crashed => KernelStatus.Crashed,
            FailureKind.Unsupported => KernelStatus.Unsupported,
            _ => throw new ArgumentOutOfRangeException(nameof(failure), failure.Kind, null),
        },
        // What the compiler or the kernel's runtime said is redacted; the agent's own diagnostics (which library it
        // could not load, for the operator to fix) are not.
        failure.Kind is FailureKind.CompileError or FailureKind.RuntimeError
            ? HostPaths.Redact($"{during}: {failure.Message}")!
            : $"{during}: {failure.Message}",
        HostPaths.Redact(failure.Log ?? compileLog),
        device,
        cases);

    /// <summary>The state of one run through the cases, so the steps can be separate methods.</summary>
    private sealed class CaseRun(ValidatedSpec spec, IPreparedKernel kernel, KernelBudget budget, DeviceInfo device,
        IReadOnlyList<IReadOnlyDictionary<string, double[]>>? customReferences, IProgress<JobProgress>? progress,
        CancellationToken cancellationToken)
    {
        private readonly List<CaseResult> results = [];

        /// <summary>Per case index, what the kernel wrote outside its outputs; such a case failed whatever its elements.</summary>
        private readonly Dictionary<int, string> strayWrites = [];

        public async Task<KernelResult> ExecuteAsync()
        {
            TimingResult? timing = null;
            for (var i = 0; i < spec.Cases.Count; i++)
            {
                var parameters = spec.Cases[i];
                var name = $"cases[{i}] ({parameters})";
                progress?.Report(new JobProgress(i + 1, spec.Cases.Count, JobProgress.Checking));
                var inputs = InputGenerator.Generate(spec.Op, parameters, spec.Seed, spec.BufferTypes);
                var reference = customReferences?[i] ?? spec.Op.Reference(parameters, inputs);
                if (ReferenceCheck.FindProblem(spec, parameters, reference) is { } unusable)
                    return Result(KernelStatus.InvalidSpec, $"{name}: {unusable}");

                var request = new LaunchRequest(parameters, spec.Launch.Evaluate(parameters), Arguments(parameters, inputs));
                var (check, stop) = await LaunchAndCompareAsync(request, reference, name);
                if (stop is not null)
                    return stop;
                results.Add(Record(i, request, check!));

                var isTimed = i == spec.Cases.Count - 1;
                if (isTimed && results.All(r => r.Status == KernelStatus.Passed))
                {
                    progress?.Report(new JobProgress(i + 1, spec.Cases.Count, JobProgress.Timing));
                    (timing, var timingStop) = await TimeAsync(request, reference, name);
                    if (timingStop is not null)
                        return timingStop;
                }
            }
            return Verdict(timing);
        }

        /// <summary>
        /// Warm-up once, then batches of timed launches until the standard error of the median is under 1 %, the timed
        /// launches have spent the plan's device-time budget, the cap is reached, or another batch might not fit in the
        /// job's remaining time, whichever comes first. A batch is never planned past the budget: its size is what the
        /// remaining budget fits at the mean device time so far, or, before the first, at the checked launch's wall time
        /// (an upper bound, as it includes the copies). At least one launch is timed whatever it costs.
        /// </summary>
        private async Task<(TimingResult? Timing, KernelResult? Stop)> TimeAsync(
            LaunchRequest request, IReadOnlyDictionary<string, double[]> reference, string name)
        {
            var samples = new List<double>();
            var plan = spec.Timing;
            var spentMs = 0.0;
            var estimateMs = budget.LastCall.TotalMilliseconds;
            var stoppedBy = TimingStops.MaxIterations;
            while (samples.Count < plan.MaxIterations)
            {
                var fits = estimateMs > 0 ? (int)Math.Min(int.MaxValue, Math.Floor((plan.BudgetMs - spentMs) / estimateMs)) : int.MaxValue;
                var batch = Math.Min(Math.Min(plan.Iterations, plan.MaxIterations - samples.Count), samples.Count == 0 ? Math.Max(fits, 1) : fits);
                if (batch <= 0)
                {
                    stoppedBy = TimingStops.Budget;
                    break;
                }
                var timed = request with { Timing = new TimedRepetitions(samples.Count == 0 ? plan.Warmup : 0, batch) };
                var (check, stop) = await LaunchAndCompareAsync(timed, reference, $"timing {name}");
                if (stop is not null)
                    return (null, stop);
                if (check!.StrayWrites.Count > 0 || check.Comparisons.Any(c => !c.Passed))
                {
                    results[^1] = Record(results.Count - 1, request, check);
                    // Right once, wrong when repeated: the kernel skips work or relies on what an earlier launch left.
                    return (null, Result(KernelStatus.Failed, $"timing {name}: " + (check.StrayWrites.Count > 0
                        ? $"during the timed launches: {Describe(results.Count - 1)}"
                        : $"outputs were right after one launch but wrong after the timed launches; {Describe(results.Count - 1)}")));
                }
                samples.AddRange(check.DeviceTimesMs);
                spentMs += check.DeviceTimesMs.Sum();
                estimateMs = spentMs / samples.Count;
                if (TimingSummary.MedianRelativeStandardError(samples) < TargetRelativeStandardError)
                {
                    stoppedBy = TimingStops.RelativeStandardError;
                    break;
                }
                if (spentMs >= plan.BudgetMs)
                {
                    stoppedBy = TimingStops.Budget;
                    break;
                }
                // Stop sampling with what we have rather than turn a passing kernel into a timeout.
                if (budget.Remaining < 2 * budget.LastCall)
                {
                    stoppedBy = TimingStops.TimeLimit;
                    break;
                }
            }
            return (TimingSummary.Summarise(samples, spec, request.Case) with { StoppedBy = stoppedBy }, null);
        }

        /// <param name="StrayWrites">What the kernel wrote outside its outputs, one line per buffer side or input.</param>
        private sealed record LaunchCheck(
            IReadOnlyList<BufferComparison> Comparisons, IReadOnlyList<string> StrayWrites, IReadOnlyList<double> DeviceTimesMs);

        private async Task<(LaunchCheck? Check, KernelResult? Stop)> LaunchAndCompareAsync(
            LaunchRequest request, IReadOnlyDictionary<string, double[]> reference, string name)
        {
            var (outcome, timedOut) = await budget.RunAsync(token => kernel.LaunchAsync(request, token), cancellationToken);
            if (timedOut)
                return (null, Result(KernelStatus.Timeout, $"{name}: the kernel did not finish within {spec.TimeoutSeconds} s"));
            if (outcome!.Failure is { } failure)
                return (null, FailureResult(failure, name, device, results, kernel.CompileLog));
            if (RunMessages.FindContractViolation(request, outcome) is { } violation)
                return (null, Result(KernelStatus.RuntimeError, $"{name}: the executor broke its contract: {violation}"));
            var comparisons = spec.Op.Outputs
                .Select(buffer => OutputComparer.Compare(reference[buffer.Name], outcome.Outputs![buffer.Name], spec.ToleranceFor(buffer, request.Case)))
                .ToList();
            var strays = GuardZones.FindStrayWrites(request.Arguments.OfType<BufferArgument>(), outcome.Guards!);
            return (new LaunchCheck(comparisons, strays, outcome.DeviceTimesMs ?? []), null);
        }

        private CaseResult Record(int index, LaunchRequest request, LaunchCheck check)
        {
            var result = CaseResults.From(request.Case, check.Comparisons);
            if (result.FirstMismatch is { } first)
            {
                var buffers = request.Arguments.OfType<BufferArgument>().ToList();
                var output = buffers.First(b => b.Name == first.Buffer);
                result = result with { FirstMismatch = MismatchContext.Describe(first, request.Case, buffers, output.Length) };
            }
            if (check.StrayWrites.Count == 0)
                return result;
            strayWrites[index] = string.Join("; ", check.StrayWrites);
            return result with { Status = KernelStatus.Failed };
        }

        /// <summary>Why a case failed: a write outside the outputs first (it may be what made elements wrong), then the elements.</summary>
        private string Describe(int index)
        {
            var elements = results[index].Mismatches > 0 ? RunMessages.Describe(results[index]) : null;
            return strayWrites.TryGetValue(index, out var strays)
                ? elements is null ? strays : $"{strays}; also {elements}"
                : elements!;
        }

        private IReadOnlyList<KernelArgument> Arguments(CaseParams parameters, IReadOnlyDictionary<string, HostBuffer> inputs) =>
            [.. spec.Args.Select<string, KernelArgument>(name => spec.Op.FindBuffer(name) is { } buffer
                ? new BufferArgument(name, spec.TypeOf(buffer), checked((int)buffer.Length(parameters)), buffer.Role,
                    buffer.Role == BufferRole.Input ? inputs[name] : null)
                : spec.Op.FindParam(name)!.Kind == ParamKind.Int
                    ? new IntArgument(name, parameters.Int32(name))
                    : new FloatArgument(name, parameters.Float(name)))];

        private KernelResult Verdict(TimingResult? timing)
        {
            var failedIndex = results.FindIndex(r => r.Status != KernelStatus.Passed);
            if (failedIndex >= 0)
                return Result(KernelStatus.Failed, $"cases[{failedIndex}] ({spec.Cases[failedIndex]}): {Describe(failedIndex)}");
            return Result(KernelStatus.Passed, RunMessages.Passed(results.Count, timing), timing);
        }

        private KernelResult Result(KernelStatus status, string message, TimingResult? timing = null) =>
            new(status, message, HostPaths.Redact(kernel.CompileLog), device, results, timing,
                spec.Op.Buffers.ToDictionary(b => b.Name, b => spec.TypeOf(b).Dtype(), StringComparer.Ordinal));
    }
}
