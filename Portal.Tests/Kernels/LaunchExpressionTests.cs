using Portal.Kernels.Expressions;

namespace Portal.Tests.Kernels;

public class LaunchExpressionTests
{
    private static readonly Dictionary<string, long> N1000 = new() { ["n"] = 1000, ["rows"] = 3, ["cols"] = 7 };

    private static long Eval(string text) => LaunchExpression.Parse(text).Evaluate(N1000);

    [Theory]
    [InlineData("256", 256)]
    [InlineData("n", 1000)]
    [InlineData("n + 24", 1024)]
    [InlineData("2 + 3 * 4", 14)]
    [InlineData("(2 + 3) * 4", 20)]
    [InlineData("20 - 4 - 3", 13)]
    [InlineData("64 / 4 / 2", 8)]
    [InlineData("rows * cols - 1", 20)]
    [InlineData("  n/256*256  ", 768)]
    public void Operators_follow_usual_precedence_and_left_associativity(string text, long expected) =>
        Assert.Equal(expected, Eval(text));

    [Theory]
    [InlineData("ceil_div(n, 256)", 4)]
    [InlineData("ceil_div(1024, 256)", 4)]
    [InlineData("ceil_div(1, 256)", 1)]
    [InlineData("ceil_div(n, 256) * 256", 1024)]
    public void Ceil_div_rounds_up(string text, long expected) => Assert.Equal(expected, Eval(text));

    [Theory]
    [InlineData("min(n, 256)", 256)]
    [InlineData("max(n, 2048)", 2048)]
    [InlineData("min(max(rows, cols), 5)", 5)]
    [InlineData("max(ceil_div(n, 512), 1) * 2", 4)]
    public void Min_and_max_pick_and_nest(string text, long expected) => Assert.Equal(expected, Eval(text));

    [Theory]
    [InlineData("-5", -5)]
    [InlineData("--5", 5)]
    [InlineData("-(rows + cols)", -10)]
    [InlineData("2 * -3", -6)]
    [InlineData("-2 * 3 + 10", 4)]
    public void Unary_minus_binds_tighter_than_multiplication(string text, long expected) => Assert.Equal(expected, Eval(text));

    [Theory]
    [InlineData("-7 / 2", -3)]
    [InlineData("7 / -2", -3)]
    [InlineData("-7 / -2", 3)]
    [InlineData("ceil_div(-7, 2)", -3)]
    [InlineData("ceil_div(7, -2)", -3)]
    [InlineData("ceil_div(-7, -2)", 4)]
    [InlineData("ceil_div(-8, 2)", -4)]
    public void Division_truncates_toward_zero_and_ceil_div_is_the_true_ceiling_for_negatives(string text, long expected) =>
        Assert.Equal(expected, Eval(text));

    [Theory]
    [InlineData("n / 0", 3)]
    [InlineData("n / (rows - 3)", 3)]
    [InlineData("ceil_div(n, 0)", 1)]
    public void Division_by_zero_is_reported_with_the_operator_position(string text, int position)
    {
        var error = Assert.Throws<LaunchExpressionException>(() => Eval(text));
        Assert.Contains("division by zero", error.Message);
        Assert.Equal(position, error.Position);
    }

    [Theory]
    [InlineData("9223372036854775807 + 1")]
    [InlineData("4294967296 * 4294967296")]
    [InlineData("-9223372036854775808 - 1")]
    [InlineData("-(-9223372036854775807 - 1)")]
    [InlineData("(-9223372036854775807 - 1) / -1")]
    [InlineData("ceil_div(-9223372036854775808, -1)")]
    public void Overflow_is_an_error_not_a_wrapped_value(string text)
    {
        var error = Assert.Throws<LaunchExpressionException>(() => Eval(text));
        Assert.Contains("overflow", error.Message);
    }

    [Fact]
    public void The_most_negative_64_bit_integer_is_expressible() =>
        Assert.Equal(long.MinValue, Eval("-9223372036854775808"));

    [Theory]
    [InlineData("", "empty expression", 1)]
    [InlineData("   ", "empty expression", 1)]
    [InlineData("n +", "found the end", 4)]
    [InlineData("(n + 1", "expected ')'", 7)]
    [InlineData("n 256", "unexpected '2'", 3)]
    [InlineData("n % 2", "unexpected '%'", 3)]
    [InlineData("1.5", "unexpected '.'", 2)]
    [InlineData("1e3", "unexpected 'e'", 2)]
    [InlineData("floor(n, 2)", "unknown function 'floor'", 1)]
    [InlineData("min(n)", "expected ','", 6)]
    [InlineData("max(n, 1, 2)", "expected ')'", 9)]
    [InlineData("* 2", "found '*'", 1)]
    [InlineData("99999999999999999999", "does not fit in 64 bits", 1)]
    public void Parse_errors_say_what_is_wrong_and_where(string text, string message, int position)
    {
        var error = Assert.Throws<LaunchExpressionException>(() => LaunchExpression.Parse(text));
        Assert.Contains(message, error.Message);
        Assert.Equal(position, error.Position);
        Assert.Contains($"position {position}", error.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_before_it_can_exhaust_the_stack()
    {
        var text = new string('(', 40) + "1" + new string(')', 40);
        var error = Assert.Throws<LaunchExpressionException>(() => LaunchExpression.Parse(text));
        Assert.Contains("nests deeper", error.Message);
    }

    [Fact]
    public void Overlong_expressions_are_refused() =>
        Assert.Throws<LaunchExpressionException>(() => LaunchExpression.Parse(string.Join("+", Enumerable.Repeat("1", 200))));

    [Fact]
    public void Names_lists_every_param_the_expression_uses() =>
        Assert.Equal(["cols", "n", "rows"], LaunchExpression.Parse("ceil_div(n, rows) + max(cols, n)").Names);

    [Fact]
    public void Evaluating_with_a_missing_name_says_which_name()
    {
        var error = Assert.Throws<LaunchExpressionException>(() => LaunchExpression.Parse("m * 2").Evaluate(N1000));
        Assert.Contains("unknown name 'm'", error.Message);
    }
}
