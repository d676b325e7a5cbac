using Portal.Kernels.Buffers;
using Portal.Kernels.Inputs;
using Portal.Kernels.Ops;

namespace Portal.Tests.Kernels;

/// <summary>
/// The vectors below were produced by an independent Python implementation of docs/kernels.md
/// (and the first by Vigna's reference splitmix64.c); the same values are listed in the document.
/// </summary>
public class InputGenerationTests
{
    [Fact]
    public void Splitmix64_matches_the_reference_implementations_outputs_for_seed_1234567() =>
        Assert.Equal(
            [6457827717110365317UL, 3203168211198807973UL, 9817491932198370423UL, 4593380528125082431UL, 16408922859458223821UL],
            Enumerable.Range(0, 5).Select(i => SplitMix64.Value(1234567, i)));

    [Fact]
    public void Fnv1a_of_the_buffer_name_matches_the_published_constants()
    {
        Assert.Equal(0xCBF29CE484222325UL, SplitMix64.Fnv1a64([]));
        Assert.Equal(0xAF63F54C86021707UL, SplitMix64.Fnv1a64("x"u8));
    }

    [Theory]
    [InlineData(1UL, "x", 0x277D75376E9677C7UL, 0x537A7A12C30B21A9UL, 0x3169D0BF5D79D39BUL)]
    [InlineData(1UL, "y", 0xBD095B9B83EF51CFUL, 0x1F54041A875E4AC6UL, 0x03420F8A3693636BUL)]
    [InlineData(42UL, "x", 0xC52C4F7334B96069UL, 0x90750F1BC79FA07FUL, 0xFBD67200F9EA2C30UL)]
    public void Each_buffer_has_its_own_stream_derived_from_seed_and_name(ulong seed, string name, ulong start, ulong first, ulong second)
    {
        Assert.Equal(start, SplitMix64.StreamStart(seed, name));
        Assert.Equal(first, SplitMix64.Value(start, 0));
        Assert.Equal(second, SplitMix64.Value(start, 1));
    }

    [Fact]
    public void Vector_add_inputs_for_seed_1_match_the_documented_values()
    {
        var inputs = Generate("vector_add", 1, ("n", 6));
        Assert.Equal([-6f, -10f, 2f, -12f, -5f, -5f], inputs["x"].AsFloat32().ToArray());
        Assert.Equal([-12.5f, -15.5f, -1.5f, 13.5f, -10.5f, 7.5f], inputs["y"].AsFloat32().ToArray());
    }

    [Fact]
    public void Gelu_inputs_for_seed_1_match_the_documented_values() =>
        Assert.Equal([-1.1467409133911133f, -0.7808072566986084f, 1.7845197916030884f, -0.6019935011863708f],
            Generate("gelu", 1, ("n", 4))["x"].AsFloat32().ToArray());

    [Fact]
    public void Reduce_sum_inputs_are_nonzero_integers_with_a_half_added_to_the_first() =>
        Assert.Equal([-6.5f, 3f, 3f, -8f, 2f, 6f], Generate("reduce_sum", 7, ("n", 6))["x"].AsFloat32().ToArray());

    [Fact]
    public void Softmax_inputs_for_seed_1_match_the_documented_values() =>
        Assert.Equal([-0.6956496238708496f, -1.2279167175292969f, 0.23202872276306152f, -1.4880094528198242f],
            Generate("softmax", 1, ("rows", 1), ("cols", 4))["x"].AsFloat32().ToArray());

    [Fact]
    public void Histogram_inputs_follow_the_bins_param() =>
        Assert.Equal([0, 0, 4, 5, 5, 5, 0, 1], Generate("histogram", 3, ("n", 8), ("bins", 7))["x"].AsInt32().ToArray());

    [Fact]
    public void A_smaller_case_is_a_prefix_of_a_larger_one_with_the_same_seed()
    {
        var small = Generate("saxpy", 9, ("n", 100))["x"].AsFloat32().ToArray();
        var large = Generate("saxpy", 9, ("n", 1 << 20))["x"].AsFloat32()[..100].ToArray();
        Assert.Equal(small, large);
    }

    [Fact]
    public void Generation_in_parallel_chunks_equals_the_sequential_generator()
    {
        const int n = 300_000; // several chunks
        var buffer = InputGenerator.Generate("x", ElementType.Float32, n, new UniformReals(-1, 1), 5);
        var start = SplitMix64.StreamStart(5, "x");
        var state = start;
        var sequential = new float[n];
        for (var i = 0; i < n; i++)
        {
            state += SplitMix64.Gamma;
            sequential[i] = (float)(-1 + 2 * ((SplitMix64.Mix(state) >> 40) * (1.0 / (1 << 24))));
        }
        Assert.Equal(sequential, buffer.AsFloat32().ToArray());
    }

    [Fact]
    public void Different_seeds_give_different_inputs() =>
        Assert.NotEqual(Generate("vector_add", 1, ("n", 64))["x"].AsFloat32().ToArray(),
            Generate("vector_add", 2, ("n", 64))["x"].AsFloat32().ToArray());

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Every_sample_stays_inside_its_distributions_range(Distribution distribution, double min, double max, bool neverZero)
    {
        var values = InputGenerator.Generate("v", ElementType.Float32, 100_000, distribution, 11).AsFloat32().ToArray();
        Assert.All(values, v => Assert.InRange(v, min, max));
        if (neverZero)
            Assert.DoesNotContain(0f, values);
        Assert.True(values.Min() < min + (max - min) * 0.01 && values.Max() > max - (max - min) * 0.01, "the range should be covered");
    }

    public static TheoryData<Distribution, double, double, bool> Distributions() => new()
    {
        { new UniformIntegers(-16, 16), -16, 16, false },
        { new UniformIntegers(-16, 15, 0.5), -15.5, 15.5, true },
        { new UniformReals(-2, 2), -2, 2, false },
        { new SignedReals(0.25, 3), -3, 3, true },
        { new NonZeroIntegers(8), -8, 8, true },
        { new SkewedIntegers(6), 0, 6, false },
        { new UniformIntegers(-8, -1, -0.5), -8.5, -1.5, true },
    };

    [Fact]
    public void Alternating_row_offsets_add_plus_the_offset_to_even_rows_and_minus_to_odd_ones()
    {
        var values = InputGenerator.Generate("x", ElementType.Float32, 4 * 10, new AlternatingRowOffset(new UniformReals(-2, 2), 10, 1000), 3)
            .AsFloat32().ToArray();
        var plain = InputGenerator.Generate("x", ElementType.Float32, 4 * 10, new UniformReals(-2, 2), 3).AsFloat32().ToArray();

        for (var i = 0; i < values.Length; i++)
            Assert.Equal(plain[i] + (i / 10 % 2 == 0 ? 1000 : -1000), values[i], 1e-3);
    }

    [Fact]
    public void Skewed_integers_put_about_half_the_elements_in_bin_zero()
    {
        var values = InputGenerator.Generate("x", ElementType.Int32, 100_000, new SkewedIntegers(255), 4).AsInt32().ToArray();

        Assert.InRange(values.Count(v => v == 0), 49_000, 51_500);
        Assert.All(values, v => Assert.InRange(v, 0, 255));
    }

    /// <summary>Each op's adversarial distributions: the same bytes from the same seed, other bytes than the default.</summary>
    [Theory]
    [MemberData(nameof(AdversarialDistributions))]
    public void An_adversarial_distribution_is_deterministic_and_differs_from_the_default(string op, string distribution)
    {
        var definition = OpCatalog.Get(op);
        var parameters = OpCatalogTests.Resolve(definition, definition.DefaultCases[2]);
        var chosen = new CaseParams(definition, parameters.Values, distribution);

        var once = InputGenerator.Generate(definition, chosen, 7);
        var again = InputGenerator.Generate(definition, chosen, 7);
        var byDefault = InputGenerator.Generate(definition, parameters, 7);

        Assert.All(once, kv => Assert.Equal(kv.Value.AsBytes().ToArray(), again[kv.Key].AsBytes().ToArray()));
        Assert.Contains(once, kv => !kv.Value.AsBytes().SequenceEqual(byDefault[kv.Key].AsBytes()));
    }

    /// <summary>The zero-writer rule holds for the adversarial inputs too, at the op's default tolerance.</summary>
    [Theory]
    [MemberData(nameof(AdversarialDistributions))]
    public void An_adversarial_distribution_keeps_a_reference_a_kernel_writing_zeros_cannot_match(string op, string distribution)
    {
        var definition = OpCatalog.Get(op);
        foreach (var values in definition.DefaultCases.SkipLast(1))
        {
            var parameters = new CaseParams(definition, OpCatalogTests.Resolve(definition, values).Values, distribution);
            var reference = definition.Reference(parameters, InputGenerator.Generate(definition, parameters, 1));
            Assert.Null(Portal.Kernels.Comparison.ReferenceCheck.FindProblem(definition, reference, definition.DefaultTolerance));
        }
    }

    public static TheoryData<string, string> AdversarialDistributions()
    {
        var data = new TheoryData<string, string>();
        foreach (var op in OpCatalog.All)
        {
            foreach (var name in op.DistributionNames.Skip(1))
                data.Add(op.Name, name);
        }
        return data;
    }

    /// <summary>
    /// softmax_backward has none: no input offset leaves its result unchanged while costing a naive kernel more than a
    /// correct one (docs/kernels.md, "Backward ops").
    /// </summary>
    [Fact]
    public void Every_op_but_softmax_backward_has_at_least_one_adversarial_distribution() =>
        Assert.All(OpCatalog.All.Where(op => op.Name != "softmax_backward"), op => Assert.True(op.DistributionNames.Count() > 1, op.Name));

    private static IReadOnlyDictionary<string, HostBuffer> Generate(string op, ulong seed, params (string, double)[] values)
    {
        var definition = OpCatalog.Get(op);
        var merged = definition.Params.ToDictionary(p => p.Name, p => p.Default ?? 0);
        foreach (var (name, value) in values)
            merged[name] = value;
        return InputGenerator.Generate(definition, new CaseParams(definition, merged), seed);
    }
}
