using System.Globalization;

namespace Portal.Agent.Cli;

public sealed class CommandLineException(string message) : Exception(message);

/// <summary>Options (--name value, --flag; an option given twice keeps both values) and positional arguments of one command.</summary>
public sealed class CommandLine
{
    private static readonly HashSet<string> Flags = ["--json", "--wait", "--controls"];
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    public static CommandLine Parse(string[] args)
    {
        var line = new CommandLine();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                line._positional.Add(arg);
                continue;
            }
            var values = line._options.TryGetValue(arg, out var known) ? known : line._options[arg] = [];
            if (Flags.Contains(arg))
                continue;
            if (i + 1 >= args.Length)
                throw new CommandLineException($"{arg} needs a value");
            values.Add(args[++i]);
        }
        return line;
    }

    public void AllowOnly(params string[] names)
    {
        var unknown = _options.Keys.Except(names).FirstOrDefault();
        if (unknown is not null)
            throw new CommandLineException($"unknown option {unknown}");
    }

    public bool Flag(string name) => _options.ContainsKey(name);

    /// <summary>The option's value; given more than once, the last one (as most tools do).</summary>
    public string? Value(string name) => _options.TryGetValue(name, out var values) ? values.LastOrDefault() : null;

    /// <summary>Every value of a repeatable option, in order.</summary>
    public IReadOnlyList<string> Values(string name) => _options.TryGetValue(name, out var values) ? values : [];

    /// <summary>A whole number option within [min, max], or <paramref name="fallback"/> when it is absent.</summary>
    public int Integer(string name, int fallback, int min, int max)
    {
        if (Value(name) is not { } text)
            return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new CommandLineException($"{name} must be a whole number from {min} to {max}, not '{text}'");
        return value;
    }

    public string SinglePositional(string what) => _positional.Count switch
    {
        1 => _positional[0],
        0 => throw new CommandLineException($"{what} is missing"),
        _ => throw new CommandLineException($"expected one {what}, got {_positional.Count} arguments"),
    };

    /// <summary>The one positional argument, or null when there is none.</summary>
    public string? OptionalPositional(string what) => _positional.Count == 0 ? null : SinglePositional(what);

    public void NoPositional()
    {
        if (_positional.Count > 0)
            throw new CommandLineException($"unexpected argument '{_positional[0]}'");
    }
}
