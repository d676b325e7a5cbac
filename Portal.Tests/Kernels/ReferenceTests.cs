using Portal.Kernels.Buffers;
using Portal.Kernels.Ops;

namespace Portal.Tests.Kernels;

/// <summary>Each op's reference on inputs small enough to check by hand.</summary>
public class ReferenceTests
{
    private static double[] Run(string op, (string, double)[] parameters, params HostBuffer[] inputs)
    {
        var definition = OpCatalog.Get(op);
        var values = definition.Params.ToDictionary(p => p.Name, p => p.Default ?? 0);
        foreach (var (name, value) in parameters)
            values[name] = value;
        var outputs = definition.Reference(new CaseParams(definition, values), inputs.ToDictionary(b => b.Name));
        return Assert.Single(outputs).Value;
    }

    private static HostBuffer F(string name, params float[] values) => HostBuffer.Float32(name, values);

    private static HostBuffer I(string name, params int[] values) => HostBuffer.Int32(name, values);

    [Fact]
    public void Vector_add_adds() =>
        Assert.Equal([-2, 2.75], Run("vector_add", [("n", 2)], F("x", 1, 2.5f), F("y", -3, 0.25f)));

    [Fact]
    public void Saxpy_scales_x_by_a_and_adds_y() =>
        Assert.Equal([2.5, -3], Run("saxpy", [("n", 2), ("a", 2)], F("x", 1, -2), F("y", 0.5f, 1)));

    [Fact]
    public void Saxpy_uses_a_as_the_float32_the_kernel_receives()
    {
        // 0.1 is not a float32; the kernel gets 0.100000001490116…, and so must the reference.
        var z = Run("saxpy", [("n", 1), ("a", 0.1)], F("x", 1), F("y", 0));
        Assert.Equal((double)0.1f, z[0]);
    }

    [Fact]
    public void Gelu_is_the_tanh_approximation()
    {
        var y = Run("gelu", [("n", 3)], F("x", 0, 1, -1));
        Assert.Equal(0, y[0]);
        Assert.Equal(0.8411919906, y[1], 1e-9);
        Assert.Equal(-0.1588080094, y[2], 1e-9);
    }

    [Fact]
    public void Reduce_sum_sums_every_element() =>
        Assert.Equal([2.5], Run("reduce_sum", [("n", 3)], F("x", 1, -2, 3.5f)));

    [Fact]
    public void Reduce_sum_over_many_chunks_equals_a_sequential_sum()
    {
        var x = Enumerable.Range(0, 300_001).Select(i => (float)(i % 17 - 8)).ToArray();
        Assert.Equal([x.Sum(v => (double)v)], Run("reduce_sum", [("n", x.Length)], F("x", x)));
    }

    [Fact]
    public void Histogram_counts_each_bin() =>
        Assert.Equal([1, 1, 3], Run("histogram", [("n", 5), ("bins", 3)], I("x", 0, 2, 2, 1, 2)));

    [Fact]
    public void Histogram_over_many_chunks_counts_every_element()
    {
        var x = Enumerable.Range(0, 500_000).Select(i => i % 7).ToArray();
        var h = Run("histogram", [("n", x.Length), ("bins", 7)], I("x", x));
        Assert.Equal(Enumerable.Range(0, 7).Select(b => (double)x.Count(v => v == b)), h);
    }

    [Fact]
    public void Prefix_sum_is_inclusive() =>
        Assert.Equal([3, 4, 6], Run("prefix_sum", [("n", 3)], I("x", 3, 1, 2)));

    [Fact]
    public void Transpose_swaps_rows_and_columns() =>
        Assert.Equal([1, 4, 2, 5, 3, 6], Run("transpose", [("rows", 2), ("cols", 3)], F("x", 1, 2, 3, 4, 5, 6)));

    [Fact]
    public void Softmax_normalises_each_row_on_its_own()
    {
        var y = Run("softmax", [("rows", 2), ("cols", 2)], F("x", 0, MathF.Log(3), 5, 5));
        Assert.Equal(0.25, y[0], 1e-7);
        Assert.Equal(0.75, y[1], 1e-7);
        Assert.Equal(0.5, y[2], 1e-12);
        Assert.Equal(0.5, y[3], 1e-12);
    }

    [Fact]
    public void Layernorm_uses_the_biased_variance_then_scales_and_shifts()
    {
        // Row 1, 2, 3: mean 2, biased variance 2/3, so the normalised row is ∓√1.5 and 0.
        var y = Run("layernorm", [("rows", 1), ("cols", 3), ("eps", 0)], F("x", 1, 2, 3), F("gamma", 1, 2, 1), F("beta", 0, 1, -1));
        Assert.Equal(-Math.Sqrt(1.5), y[0], 1e-12);
        Assert.Equal(1, y[1], 1e-12);
        Assert.Equal(Math.Sqrt(1.5) - 1, y[2], 1e-12);
    }

    [Fact]
    public void Layernorm_adds_eps_to_the_variance() =>
        Assert.Equal([0.0, 0.0], Run("layernorm", [("rows", 1), ("cols", 2), ("eps", 1)], F("x", 1, 1), F("gamma", 1, 1), F("beta", 0, 0)));

    [Fact]
    public void Rmsnorm_divides_by_the_root_mean_square_and_weights()
    {
        // 3, 4: mean of squares 12.5.
        var y = Run("rmsnorm", [("rows", 1), ("cols", 2), ("eps", 0)], F("x", 3, 4), F("w", 1, 2));
        Assert.Equal(3 / Math.Sqrt(12.5), y[0], 1e-12);
        Assert.Equal(2 * 4 / Math.Sqrt(12.5), y[1], 1e-12);
    }

    [Fact]
    public void Matmul_multiplies_row_major_matrices() =>
        Assert.Equal([58, 64, 139, 154],
            Run("matmul", [("m", 2), ("n", 2), ("k", 3)], F("a", 1, 2, 3, 4, 5, 6), F("b", 7, 8, 9, 10, 11, 12)));

    [Fact]
    public void Blocked_matmul_equals_the_textbook_triple_loop_across_tile_and_vector_edges()
    {
        const int m = 19, n = 300, k = 17; // 19 rows: two full row blocks and a partial one; 300 columns: a tile and a tail
        var a = Enumerable.Range(0, m * k).Select(i => (float)(i % 5 - 2)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(i => (float)(i % 7 - 3)).ToArray();
        var expected = new double[m * n];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
                for (var kk = 0; kk < k; kk++)
                    expected[i * n + j] += (double)a[i * k + kk] * b[kk * n + j];
        Assert.Equal(expected, Run("matmul", [("m", m), ("n", n), ("k", k)], F("a", a), F("b", b)));
    }
}
