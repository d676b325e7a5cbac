namespace Portal.Kernels.Expressions;

/// <summary>The parsed tree. Evaluation is checked 64-bit integer arithmetic.</summary>
internal abstract record ExpressionNode(int Position)
{
    public abstract long Evaluate(IReadOnlyDictionary<string, long> names);

    public abstract void CollectNames(ISet<string> names);
}

internal sealed record Literal(long Value, int Position) : ExpressionNode(Position)
{
    public override long Evaluate(IReadOnlyDictionary<string, long> names) => Value;

    public override void CollectNames(ISet<string> names) { }
}

internal sealed record Name(string Identifier, int Position) : ExpressionNode(Position)
{
    public override long Evaluate(IReadOnlyDictionary<string, long> names) =>
        names.TryGetValue(Identifier, out var value)
            ? value
            : throw new LaunchExpressionException($"unknown name '{Identifier}' at position {Position}", Position);

    public override void CollectNames(ISet<string> names) => names.Add(Identifier);
}

internal sealed record Negation(ExpressionNode Operand, int Position) : ExpressionNode(Position)
{
    public override long Evaluate(IReadOnlyDictionary<string, long> names) =>
        Arithmetic.Checked(() => checked(-Operand.Evaluate(names)), Position);

    public override void CollectNames(ISet<string> names) => Operand.CollectNames(names);
}

/// <summary>A binary operator or one of the two-argument functions; <paramref name="Operator"/> names it.</summary>
internal sealed record Binary(string Operator, ExpressionNode Left, ExpressionNode Right, int Position)
    : ExpressionNode(Position)
{
    public override long Evaluate(IReadOnlyDictionary<string, long> names)
    {
        var a = Left.Evaluate(names);
        var b = Right.Evaluate(names);
        return Operator switch
        {
            "+" => Arithmetic.Checked(() => checked(a + b), Position),
            "-" => Arithmetic.Checked(() => checked(a - b), Position),
            "*" => Arithmetic.Checked(() => checked(a * b), Position),
            "/" => Arithmetic.Checked(() => a / Arithmetic.NonZero(b, Position), Position),
            "ceil_div" => Arithmetic.Checked(() => Arithmetic.CeilDiv(a, Arithmetic.NonZero(b, Position)), Position),
            "min" => Math.Min(a, b),
            "max" => Math.Max(a, b),
            _ => throw new InvalidOperationException($"Unknown operator {Operator}."),
        };
    }

    public override void CollectNames(ISet<string> names)
    {
        Left.CollectNames(names);
        Right.CollectNames(names);
    }
}

internal static class Arithmetic
{
    public static long Checked(Func<long> compute, int position)
    {
        try
        {
            return compute();
        }
        catch (OverflowException)
        {
            throw new LaunchExpressionException($"64-bit overflow at position {position}", position);
        }
    }

    public static long NonZero(long divisor, int position) =>
        divisor != 0 ? divisor : throw new LaunchExpressionException($"division by zero at position {position}", position);

    /// <summary>The mathematical ceiling of a / b for any signs; '/' itself truncates toward zero as in C.</summary>
    public static long CeilDiv(long a, long b)
    {
        var quotient = a / b; // throws OverflowException for long.MinValue / -1
        var exact = a % b == 0;
        return !exact && (a < 0) == (b < 0) ? checked(quotient + 1) : quotient;
    }
}
