namespace Portal.Kernels.Expressions;

/// <summary>
/// A launch expression that does not parse, or that cannot be evaluated for a case (division by zero,
/// 64-bit overflow, an unknown name). <see cref="Position"/> is the 1-based character position of the
/// offending token, so a person can find it in the spec.
/// </summary>
public sealed class LaunchExpressionException(string message, int position) : Exception(message)
{
    public int Position { get; } = position;
}
