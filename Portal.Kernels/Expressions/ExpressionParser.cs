namespace Portal.Kernels.Expressions;

/// <summary>
/// Recursive descent over: expr = term (('+'|'-') term)*; term = unary (('*'|'/') unary)*;
/// unary = '-' unary | primary; primary = integer | name | function '(' expr ',' expr ')' | '(' expr ')'.
/// Positions in messages are 1-based.
/// </summary>
internal sealed class ExpressionParser(string text)
{
    private static readonly HashSet<string> Functions = ["ceil_div", "min", "max"];
    private const int MaxDepth = 32;

    private int index;
    private int depth;

    public ExpressionNode ParseAll()
    {
        if (text.Length > LaunchExpression.MaxLength)
            throw Error($"expression is longer than {LaunchExpression.MaxLength} characters", 1);
        SkipSpace();
        if (index == text.Length)
            throw Error("empty expression at position 1", 1);
        var node = ParseSum();
        SkipSpace();
        if (index < text.Length)
            throw Error($"unexpected '{text[index]}' at position {index + 1}", index + 1);
        return node;
    }

    private ExpressionNode ParseSum()
    {
        var left = ParseProduct();
        while (TryOperator('+', '-') is { } op)
            left = new Binary(op.Symbol.ToString(), left, ParseProduct(), op.Position);
        return left;
    }

    private ExpressionNode ParseProduct()
    {
        var left = ParseUnary();
        while (TryOperator('*', '/') is { } op)
            left = new Binary(op.Symbol.ToString(), left, ParseUnary(), op.Position);
        return left;
    }

    private ExpressionNode ParseUnary()
    {
        if (TryOperator('-') is not { } minus)
            return ParsePrimary();
        SkipSpace();
        // A negated literal is read whole so that -9223372036854775808 (long.MinValue) is expressible, as in C.
        if (index < text.Length && char.IsAsciiDigit(text[index]))
            return ParseInteger(index + 1, negated: true, minus.Position);
        Enter(minus.Position);
        var operand = ParseUnary();
        depth--;
        return new Negation(operand, minus.Position);
    }

    private ExpressionNode ParsePrimary()
    {
        SkipSpace();
        var position = index + 1;
        if (index == text.Length)
            throw Error($"expected a number, a name or '(' at position {position}, found the end", position);
        var c = text[index];
        if (char.IsAsciiDigit(c))
            return ParseInteger(position);
        if (char.IsAsciiLetter(c) || c == '_')
            return ParseNameOrCall(position);
        if (c == '(')
        {
            index++;
            Enter(position);
            var inner = ParseSum();
            Expect(')');
            depth--;
            return inner;
        }
        throw Error($"expected a number, a name or '(' at position {position}, found '{c}'", position);
    }

    private Literal ParseInteger(int position, bool negated = false, int? literalPosition = null)
    {
        var start = index;
        while (index < text.Length && char.IsAsciiDigit(text[index]))
            index++;
        var digits = text[start..index];
        var limit = negated ? (ulong)long.MaxValue + 1 : long.MaxValue;
        if (!ulong.TryParse(digits, out var value) || value > limit)
            throw Error($"integer '{digits}' at position {position} does not fit in 64 bits", position);
        return new Literal(negated ? unchecked(-(long)value) : (long)value, literalPosition ?? position);
    }

    private ExpressionNode ParseNameOrCall(int position)
    {
        var start = index;
        while (index < text.Length && (char.IsAsciiLetterOrDigit(text[index]) || text[index] == '_'))
            index++;
        var name = text[start..index];
        SkipSpace();
        if (index == text.Length || text[index] != '(')
            return new Name(name, position);
        if (!Functions.Contains(name))
            throw Error($"unknown function '{name}' at position {position}; use ceil_div, min or max", position);
        index++;
        Enter(position);
        var first = ParseSum();
        Expect(',');
        var second = ParseSum();
        Expect(')');
        depth--;
        return new Binary(name, first, second, position);
    }

    private (char Symbol, int Position)? TryOperator(params char[] symbols)
    {
        SkipSpace();
        if (index < text.Length && Array.IndexOf(symbols, text[index]) >= 0)
            return (text[index], ++index);
        return null;
    }

    private void Expect(char symbol)
    {
        SkipSpace();
        if (index < text.Length && text[index] == symbol)
        {
            index++;
            return;
        }
        var found = index < text.Length ? $"'{text[index]}'" : "the end";
        throw Error($"expected '{symbol}' at position {index + 1}, found {found}", index + 1);
    }

    private void Enter(int position)
    {
        if (++depth > MaxDepth)
            throw Error($"expression nests deeper than {MaxDepth} levels at position {position}", position);
    }

    private void SkipSpace()
    {
        while (index < text.Length && char.IsWhiteSpace(text[index]))
            index++;
    }

    private static LaunchExpressionException Error(string message, int position) => new(message, position);
}
