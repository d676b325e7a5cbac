using Portal.Benchmarks;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return await BenchmarkCommands.RunAsync(args, Console.Out, Console.Error, stop.Token);
