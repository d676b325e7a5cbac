using Portal.Kernels.Execution;
using Portal.Kernels.Ops;

namespace Portal.Kernels.Comparison;

/// <summary>
/// What a person needs beside the first wrong element to reproduce it by hand: where it lies in the op's shape (row and
/// column, for ops shaped rows × cols or m × n) and the input elements it was computed from. An input of the output's
/// length gives its element at the same index (elementwise ops); one as long as a row gives the element at the column
/// (<c>gamma[col]</c>); one with an element per row gives the row's (<c>target[row]</c>). Other inputs (a matmul's k-long
/// rows) are left out: the position says which row to look at.
/// </summary>
public static class MismatchContext
{
    /// <summary>At most this many inputs are named, in the op's order.</summary>
    public const int MaxInputs = 8;

    public static Mismatch Describe(Mismatch mismatch, CaseParams parameters, IEnumerable<BufferArgument> buffers, int outputLength)
    {
        var index = mismatch.Index;
        var (rows, cols) = Shape(parameters);
        long? row = null, col = null;
        if (rows > 0 && cols > 0 && outputLength == rows * cols)
            (row, col) = (index / cols, index % cols);
        else if (rows > 0 && outputLength == rows)
            row = index;

        var inputs = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var buffer in buffers)
        {
            if (buffer.Role != BufferRole.Input || buffer.Input is not { } data || inputs.Count >= MaxInputs)
                continue;
            long? at = data.Length == outputLength ? index
                : col is not null && data.Length == cols ? col
                : row is not null && data.Length == rows ? row
                : null;
            if (at is { } i && i < data.Length)
                inputs[buffer.Name] = data[(int)i];
        }
        var position = row is null ? null : new Dictionary<string, long>(StringComparer.Ordinal) { ["row"] = row.Value };
        if (position is not null && col is not null)
            position["col"] = col.Value;
        return mismatch with { Inputs = inputs.Count > 0 ? inputs : null, Position = position };
    }

    private static (long Rows, long Cols) Shape(CaseParams parameters)
    {
        var ints = parameters.Ints;
        return ints.TryGetValue("rows", out var r) && ints.TryGetValue("cols", out var c) ? (r, c)
            : ints.TryGetValue("m", out var m) && ints.TryGetValue("n", out var n) ? (m, n)
            : (0, 0);
    }
}
