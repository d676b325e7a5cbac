using Portal.Agent.Cli;

namespace Portal.Agent;

/// <summary>
/// Portal.Agent: devices | exec SPEC.json | suite | child (internal). A verdict is data: exec and suite exit 0
/// whatever the kernels did, and non-zero only when no result could be produced.
/// </summary>
public static class AgentProgram
{
    public static Task<int> Main(string[] args) => AgentCommands.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
}
