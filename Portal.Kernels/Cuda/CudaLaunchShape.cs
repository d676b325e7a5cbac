using Portal.Kernels.Spec;

namespace Portal.Kernels.Cuda;

/// <summary>cuLaunchKernel's grid, block and dynamic shared memory; dimensions a spec leaves out are 1.</summary>
internal sealed record CudaLaunchShape(uint GridX, uint GridY, uint GridZ, uint BlockX, uint BlockY, uint BlockZ, uint SharedBytes)
{
    /// <summary>
    /// Validation has checked that every value is positive and at most 2^31 − 1, so each fits a uint; limits of
    /// the device (1024 threads per block, 65535 grid rows) are the driver's to refuse, as a runtime error.
    /// </summary>
    public static CudaLaunchShape From(LaunchDimensions dimensions)
    {
        var grid = dimensions.Grid ?? throw new ArgumentException("a cuda-c launch needs a grid", nameof(dimensions));
        var block = dimensions.Block ?? throw new ArgumentException("a cuda-c launch needs a block", nameof(dimensions));
        static uint At(IReadOnlyList<long> values, int index) => index < values.Count ? checked((uint)values[index]) : 1;
        return new CudaLaunchShape(At(grid, 0), At(grid, 1), At(grid, 2), At(block, 0), At(block, 1), At(block, 2),
            checked((uint)(dimensions.SharedBytes ?? 0)));
    }
}
