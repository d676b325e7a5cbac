namespace Portal.Kernels.Expressions;

/// <summary>
/// One launch dimension of a spec: an integer, or an expression over a case's int params with
/// <c>+ - * /</c>, unary minus, parentheses, <c>ceil_div(a, b)</c>, <c>min(a, b)</c>, <c>max(a, b)</c>.
/// Arithmetic is 64-bit and checked; <c>/</c> truncates toward zero (as C, CUDA and OpenCL do, so
/// -7 / 2 = -3); <c>ceil_div</c> is the mathematical ceiling for any signs (ceil_div(-7, 2) = -3).
/// </summary>
public sealed class LaunchExpression
{
    /// <summary>Long enough for any real launch shape, short enough that recursion depth stays small.</summary>
    public const int MaxLength = 256;

    private readonly ExpressionNode root;

    private LaunchExpression(string text, ExpressionNode root)
    {
        Text = text;
        this.root = root;
        var names = new SortedSet<string>(StringComparer.Ordinal);
        root.CollectNames(names);
        Names = names;
    }

    public string Text { get; }

    /// <summary>The param names the expression refers to, sorted.</summary>
    public IReadOnlySet<string> Names { get; }

    /// <exception cref="LaunchExpressionException">The text is not a valid expression.</exception>
    public static LaunchExpression Parse(string text) => new(text, new ExpressionParser(text).ParseAll());

    /// <exception cref="LaunchExpressionException">Division by zero, overflow, or a name without a value.</exception>
    public long Evaluate(IReadOnlyDictionary<string, long> names) => root.Evaluate(names);

    public override string ToString() => Text;
}
