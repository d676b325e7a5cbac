namespace Portal.Agent.Cli;

public sealed class CommandLineException(string message) : Exception(message);

/// <summary>Options (--name value, --flag) and positional arguments of one command.</summary>
public sealed class CommandLine
{
    private static readonly HashSet<string> Flags = ["--json"];
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
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
            if (Flags.Contains(arg))
            {
                line._options[arg] = null;
                continue;
            }
            if (i + 1 >= args.Length)
                throw new CommandLineException($"{arg} needs a value");
            line._options[arg] = args[++i];
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

    public string? Value(string name) => _options.GetValueOrDefault(name);

    public string SinglePositional(string what) => _positional.Count switch
    {
        1 => _positional[0],
        0 => throw new CommandLineException($"{what} is missing"),
        _ => throw new CommandLineException($"expected one {what}, got {_positional.Count} arguments"),
    };

    public void NoPositional()
    {
        if (_positional.Count > 0)
            throw new CommandLineException($"unexpected argument '{_positional[0]}'");
    }
}
