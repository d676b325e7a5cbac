namespace Portal.Kernels;

/// <summary>
/// Splits [0, length) into contiguous chunks run on the thread pool. Generation, references and
/// comparison touch up to 2^30 elements; chunks keep per-element overhead out of the inner loops,
/// and a small buffer runs inline because a case with n = 1 should not pay for scheduling.
/// </summary>
internal static class ChunkedParallel
{
    public const int ChunkSize = 1 << 16;

    public static int ChunkCount(long length) => (int)((length + ChunkSize - 1) / ChunkSize);

    public static void For(long length, Action<int, int> body)
    {
        var chunks = ChunkCount(length);
        if (chunks <= 1)
        {
            body(0, (int)length);
            return;
        }
        Parallel.For(0, chunks, chunk => body(chunk * ChunkSize, (int)Math.Min(length, (long)(chunk + 1) * ChunkSize)));
    }

    /// <summary>
    /// Sums per-chunk results in chunk order, so the total does not depend on thread timing.
    /// </summary>
    public static double Sum(long length, Func<int, int, double> chunkSum)
    {
        var partials = new double[Math.Max(1, ChunkCount(length))];
        For(length, (from, to) => partials[from / ChunkSize] = chunkSum(from, to));
        var total = 0.0;
        foreach (var partial in partials)
            total += partial;
        return total;
    }

    /// <summary>Runs <paramref name="body"/> once per index in [0, count), in parallel: for row-wise ops.</summary>
    public static void ForEachIndex(int count, Action<int> body)
    {
        if (count == 1)
        {
            body(0);
            return;
        }
        Parallel.For(0, count, body);
    }
}
