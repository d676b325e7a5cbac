namespace Portal.Agent.Queue;

/// <summary>One line per event on the agent's output, with the UTC time: what an operator reads in `docker logs` or the journal.</summary>
public sealed class AgentLog(TextWriter output, TimeProvider time)
{
    private readonly TextWriter _output = TextWriter.Synchronized(output);

    public void Write(string message) =>
        _output.WriteLine($"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ} {message}");
}
