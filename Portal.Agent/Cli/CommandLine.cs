using System.CommandLine;
using System.Globalization;

namespace Portal.Agent.Cli;

public sealed class CommandLineException(string message) : Exception(message);

/// <summary>
/// One command's options and positional arguments as System.CommandLine parsed them (<see cref="AgentCli"/> defines them,
/// with their help). The checks that need more than the grammar (a whole number in range, a token of the right kind) are
/// here and in each command, with messages that name the option.
/// </summary>
public sealed class CommandLine(ParseResult parse)
{
    public bool Flag(string name) => parse.GetValue<bool>(name);

    /// <summary>The option's value; given more than once, the last one (as most tools do).</summary>
    public string? Value(string name) => parse.GetValue<string[]>(name) is { Length: > 0 } values ? values[^1] : null;

    /// <summary>Every value of a repeatable option, in order.</summary>
    public IReadOnlyList<string> Values(string name) => parse.GetValue<string[]>(name) ?? [];

    private IReadOnlyList<string> Positional => parse.GetValue<string?>(AgentCli.PositionalName) is { } value ? [value] : [];

    /// <summary>A whole number option within [min, max], or <paramref name="fallback"/> when it is absent.</summary>
    public int Integer(string name, int fallback, int min, int max)
    {
        if (Value(name) is not { } text)
            return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new CommandLineException($"{name} must be a whole number from {min} to {max}, not '{text}'");
        return value;
    }

    public string SinglePositional(string what) => Positional.Count switch
    {
        1 => Positional[0],
        0 => throw new CommandLineException($"{what} is missing"),
        _ => throw new CommandLineException($"expected one {what}, got {Positional.Count} arguments"),
    };

    /// <summary>The one positional argument, or null when there is none.</summary>
    public string? OptionalPositional(string what) => Positional.Count == 0 ? null : SinglePositional(what);
}
