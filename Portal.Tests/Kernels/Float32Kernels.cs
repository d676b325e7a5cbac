using Portal.Kernels.Buffers;
using Portal.Kernels.Ops;

namespace Portal.Tests.Kernels;

/// <summary>
/// The catalog's ops written the way a plain single-precision kernel would compute them: float32 arithmetic,
/// sequential accumulation. If these pass a case, the case's tolerance admits honest float32 kernels.
/// </summary>
internal static class Float32Kernels
{
    public static Dictionary<string, HostBuffer> Compute(string op, CaseParams p, IReadOnlyDictionary<string, HostBuffer> inputs)
    {
        float[] F(string name) => inputs[name].AsFloat32().ToArray();
        return op switch
        {
            "vector_add" => Floats("z", Map(F("x"), F("y"), (x, y) => x + y)),
            "saxpy" => Floats("z", Map(F("x"), F("y"), (x, y) => p.Float("a") * x + y)),
            "gelu" => Floats("y", Map(F("x"), F("x"), (x, _) =>
                0.5f * x * (1f + MathF.Tanh(0.7978845608f * (x + 0.044715f * x * x * x))))),
            "reduce_sum" => Floats("s", [F("x").Aggregate(0f, (sum, x) => sum + x)]),
            "histogram" => Ints("h", Histogram(inputs["x"].AsInt32(), p.Int32("bins"))),
            "prefix_sum" => Ints("y", Scan(inputs["x"].AsInt32())),
            "transpose" => Floats("y", Transpose(F("x"), p.Int32("rows"), p.Int32("cols"))),
            "softmax" => Floats("y", PerRow(F("x"), p.Int32("cols"), Softmax)),
            "layernorm" => Floats("y", PerRow(F("x"), p.Int32("cols"), row => LayerNorm(row, F("gamma"), F("beta"), p.Float("eps")))),
            "rmsnorm" => Floats("y", PerRow(F("x"), p.Int32("cols"), row => RmsNorm(row, F("w"), p.Float("eps")))),
            "matmul" => Floats("c", Matmul(F("a"), F("b"), p.Int32("m"), p.Int32("n"), p.Int32("k"))),
            "attention" => Floats("o", Attention(F("q"), F("k"), F("v"), p.Int32("bh"), p.Int32("seq"), p.Int32("dim"), p.Int("causal") == 1)),
            "rope" => Floats("y", Rope(F("x"), inputs["pos"].AsInt32().ToArray(), p.Int32("heads"), p.Int32("dim"), p.Float("base"))),
            "swiglu" => Floats("y", Map(F("a"), F("b"), (a, b) => a / (1f + MathF.Exp(-a)) * b)),
            "embedding" => Floats("y", Embedding(F("table"), inputs["ids"].AsInt32(), p.Int32("dim"))),
            "cross_entropy" => Floats("loss", CrossEntropy(F("logits"), inputs["target"].AsInt32(), p.Int32("cols"))),
            "conv2d" => Floats("y", Conv2d(F("x"), F("wt"), p)),
            "softmax_backward" => Floats("dx", SoftmaxBackward(F("y"), F("dy"), p.Int32("cols"))),
            "cross_entropy_backward" => Floats("dlogits", CrossEntropyBackward(F("logits"), inputs["target"].AsInt32().ToArray(), p.Int32("cols"))),
            "layernorm_backward" => LayerNormBackward(F("x"), F("dy"), F("gamma"), p.Int32("cols"), p.Float("eps")),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        };
    }

    private static float[] SoftmaxBackward(float[] y, float[] dy, int cols)
    {
        var dx = new float[y.Length];
        for (var row = 0; row < y.Length; row += cols)
        {
            var sum = 0f;
            for (var j = row; j < row + cols; j++)
                sum += dy[j] * y[j];
            for (var j = row; j < row + cols; j++)
                dx[j] = y[j] * (dy[j] - sum);
        }
        return dx;
    }

    private static float[] CrossEntropyBackward(float[] logits, int[] target, int cols) =>
        [.. logits.Chunk(cols).SelectMany((row, i) => Softmax(row).Select((v, j) => j == target[i] ? v - 1f : v))];

    private static Dictionary<string, HostBuffer> LayerNormBackward(float[] x, float[] dy, float[] gamma, int cols, float eps)
    {
        var (dx, dgamma, dbeta) = (new float[x.Length], new float[cols], new float[cols]);
        for (var row = 0; row < x.Length; row += cols)
        {
            var mean = 0f;
            for (var j = 0; j < cols; j++)
                mean += x[row + j];
            mean /= cols;
            float variance = 0f, dxhat = 0f, dxhatDev = 0f;
            for (var j = 0; j < cols; j++)
            {
                var d = x[row + j] - mean;
                variance += d * d;
                dxhat += dy[row + j] * gamma[j];
                dxhatDev += dy[row + j] * gamma[j] * d;
            }
            var rstd = 1f / MathF.Sqrt(variance / cols + eps);
            var (meanDxhat, meanDxhatXhat) = (dxhat / cols, dxhatDev * rstd / cols);
            for (var j = 0; j < cols; j++)
            {
                var xhat = (x[row + j] - mean) * rstd;
                dx[row + j] = rstd * (dy[row + j] * gamma[j] - meanDxhat - xhat * meanDxhatXhat);
                dgamma[j] += dy[row + j] * xhat;
                dbeta[j] += dy[row + j];
            }
        }
        return new()
        {
            ["dx"] = HostBuffer.Float32("dx", dx),
            ["dgamma"] = HostBuffer.Float32("dgamma", dgamma),
            ["dbeta"] = HostBuffer.Float32("dbeta", dbeta),
        };
    }

    private static Dictionary<string, HostBuffer> Floats(string name, float[] data) => new() { [name] = HostBuffer.Float32(name, data) };

    private static Dictionary<string, HostBuffer> Ints(string name, int[] data) => new() { [name] = HostBuffer.Int32(name, data) };

    private static float[] Map(float[] x, float[] y, Func<float, float, float> f) => [.. x.Select((v, i) => f(v, y[i]))];

    private static int[] Histogram(ReadOnlySpan<int> x, int bins)
    {
        var h = new int[bins];
        foreach (var v in x)
            h[v]++;
        return h;
    }

    private static int[] Scan(ReadOnlySpan<int> x)
    {
        var y = new int[x.Length];
        var sum = 0;
        for (var i = 0; i < x.Length; i++)
            y[i] = sum += x[i];
        return y;
    }

    private static float[] Transpose(float[] x, int rows, int cols)
    {
        var y = new float[x.Length];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++)
                y[j * rows + i] = x[i * cols + j];
        return y;
    }

    private static float[] Embedding(float[] table, ReadOnlySpan<int> ids, int dim)
    {
        var y = new float[ids.Length * dim];
        for (var t = 0; t < ids.Length; t++)
            Array.Copy(table, ids[t] * dim, y, t * dim, dim);
        return y;
    }

    private static float[] CrossEntropy(float[] logits, ReadOnlySpan<int> target, int cols)
    {
        var loss = new float[target.Length];
        for (var i = 0; i < target.Length; i++)
        {
            var row = logits.AsSpan(i * cols, cols);
            var max = float.NegativeInfinity;
            foreach (var v in row)
                max = MathF.Max(max, v);
            var sum = 0f;
            foreach (var v in row)
                sum += MathF.Exp(v - max);
            loss[i] = max + MathF.Log(sum) - row[target[i]];
        }
        return loss;
    }

    private static float[] Conv2d(float[] x, float[] wt, CaseParams p)
    {
        int n = p.Int32("n"), c = p.Int32("c"), h = p.Int32("h"), w = p.Int32("w"), k = p.Int32("k"), r = p.Int32("r"), s = p.Int32("s");
        var y = new float[n * k * h * w];
        for (var b = 0; b < n; b++)
            for (var o = 0; o < k; o++)
                for (var i = 0; i < h; i++)
                    for (var j = 0; j < w; j++)
                    {
                        var sum = 0f;
                        for (var ch = 0; ch < c; ch++)
                            for (var u = 0; u < r; u++)
                                for (var v = 0; v < s; v++)
                                {
                                    int ii = i + u - (r - 1) / 2, jj = j + v - (s - 1) / 2;
                                    if (ii >= 0 && ii < h && jj >= 0 && jj < w)
                                        sum += x[((b * c + ch) * h + ii) * w + jj] * wt[((o * c + ch) * r + u) * s + v];
                                }
                        y[((b * k + o) * h + i) * w + j] = sum;
                    }
        return y;
    }

    private static float[] PerRow(float[] x, int cols, Func<float[], float[]> row) =>
        [.. x.Chunk(cols).SelectMany(row)];

    private static float[] Softmax(float[] x)
    {
        var max = x.Max();
        var e = x.Select(v => MathF.Exp(v - max)).ToArray();
        var sum = e.Aggregate(0f, (s, v) => s + v);
        return [.. e.Select(v => v / sum)];
    }

    private static float[] LayerNorm(float[] x, float[] gamma, float[] beta, float eps)
    {
        var mean = x.Aggregate(0f, (s, v) => s + v) / x.Length;
        var variance = x.Aggregate(0f, (s, v) => s + (v - mean) * (v - mean)) / x.Length;
        var scale = 1f / MathF.Sqrt(variance + eps);
        return [.. x.Select((v, j) => (v - mean) * scale * gamma[j] + beta[j])];
    }

    private static float[] RmsNorm(float[] x, float[] w, float eps)
    {
        var scale = 1f / MathF.Sqrt(x.Aggregate(0f, (s, v) => s + v * v) / x.Length + eps);
        return [.. x.Select((v, j) => v * scale * w[j])];
    }

    private static float[] Matmul(float[] a, float[] b, int m, int n, int k)
    {
        var c = new float[m * n];
        for (var i = 0; i < m; i++)
            for (var kk = 0; kk < k; kk++)
                for (var j = 0; j < n; j++)
                    c[i * n + j] += a[i * k + kk] * b[kk * n + j];
        return c;
    }

    private static float[] Attention(float[] q, float[] k, float[] v, int bh, int seq, int dim, bool causal)
    {
        var o = new float[q.Length];
        var scale = 1f / MathF.Sqrt(dim);
        for (var row = 0; row < bh * seq; row++)
        {
            var head = row / seq * seq * dim;
            var scores = new float[causal ? row % seq + 1 : seq];
            for (var j = 0; j < scores.Length; j++)
                for (var d = 0; d < dim; d++)
                    scores[j] += q[row * dim + d] * k[head + j * dim + d] * scale;
            var weights = Softmax(scores);
            for (var j = 0; j < scores.Length; j++)
                for (var d = 0; d < dim; d++)
                    o[row * dim + d] += weights[j] * v[head + j * dim + d];
        }
        return o;
    }

    /// <summary>θ in float32, as torch builds its cos/sin tables.</summary>
    private static float[] Rope(float[] x, int[] pos, int heads, int dim, float @base)
    {
        var y = new float[x.Length];
        for (var t = 0; t < pos.Length; t++)
            for (var i = 0; i < dim / 2; i++)
            {
                var (sin, cos) = MathF.SinCos(pos[t] * MathF.Pow(@base, -2f * i / dim));
                for (var h = 0; h < heads; h++)
                {
                    var at = (t * heads + h) * dim + 2 * i;
                    y[at] = x[at] * cos - x[at + 1] * sin;
                    y[at + 1] = x[at] * sin + x[at + 1] * cos;
                }
            }
        return y;
    }
}
