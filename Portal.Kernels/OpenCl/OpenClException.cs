using Portal.Kernels.OpenCl.Interop;

namespace Portal.Kernels.OpenCl;

/// <summary>
/// An OpenCL call returned an error status. Carries the call, the status and its CL name, and whatever the
/// driver said about it through the context's notification callback (many drivers explain the code there).
/// </summary>
/// <param name="hint">What the caller knows that makes the status actionable, e.g. the kernel's work-group limit.</param>
public sealed class OpenClException(string call, int status, string? driverMessage = null, string? hint = null)
    : Exception(Describe(call, status, driverMessage, hint))
{
    /// <summary>The OpenCL function that failed, e.g. "clEnqueueNDRangeKernel".</summary>
    public string Call { get; } = call;

    public int Status { get; } = status;

    /// <summary>The status's name, e.g. "CL_INVALID_WORK_GROUP_SIZE".</summary>
    public string StatusName => ClStatus.Name(Status);

    public string? DriverMessage { get; } = driverMessage;

    /// <summary>Throws for any status but CL_SUCCESS.</summary>
    internal static void ThrowIfFailed(int status, string call, string? driverMessage = null)
    {
        if (status != ClStatus.Success)
            throw new OpenClException(call, status, driverMessage);
    }

    private static string Describe(string call, int status, string? driverMessage, string? hint) =>
        $"{call} failed with {ClStatus.Name(status)} ({status})" +
        (string.IsNullOrWhiteSpace(hint) ? "" : $": {hint}") +
        (string.IsNullOrWhiteSpace(driverMessage) ? "" : $"; the driver says: {driverMessage}");
}
