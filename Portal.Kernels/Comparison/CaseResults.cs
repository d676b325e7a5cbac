using Portal.Kernels.Ops;

namespace Portal.Kernels.Comparison;

public static class CaseResults
{
    /// <summary>A checked case's result from its output buffers' comparisons; the pattern is that of the first mismatch's buffer.</summary>
    public static CaseResult From(CaseParams parameters, IReadOnlyList<BufferComparison> buffers)
    {
        var firstFailed = buffers.FirstOrDefault(b => b.FirstMismatch is not null);
        return new(
            parameters.Values,
            buffers.All(b => b.Passed) ? KernelStatus.Passed : KernelStatus.Failed,
            buffers.Sum(b => b.Elements),
            buffers.Sum(b => b.Mismatches),
            buffers.Select(b => b.MaxAbsError).DefaultIfEmpty(0).Max(),
            buffers.Select(b => b.MaxRelError).DefaultIfEmpty(0).Max(),
            firstFailed?.FirstMismatch,
            parameters.Distribution,
            firstFailed?.Pattern);
    }
}
