using System.Threading.Channels;
using Npgsql;

namespace Portal.Api.Jobs;

/// <summary>
/// Coalesces concurrent calls of one kind (completions, lease grants) into one database round trip and one commit, as
/// riverqueue/river's batch completer does: each caller puts its call in a channel and awaits its own answer; one loop
/// takes whatever has gathered (up to <c>max</c> calls, waiting up to <c>gather</c> after the first for more), runs them
/// as one set-based statement, and hands each caller the answer for its own call, in the order the calls were given.
/// With <c>gather</c> zero, nothing waits: a call alone goes at once, and calls that arrive while a batch runs form the
/// next one. A batch PostgreSQL refuses (one bad call fails the whole statement, and nothing of it was applied) is run
/// again call by call, so that only the bad call fails and no other is lost or answered with another's outcome.
/// Disposing flushes: calls already taken are run and answered; a call made after that runs alone.
/// With <c>inFlight</c> above one, that many batches may run at once (each its own loop over the one channel): a call that
/// arrives while a batch runs need not wait for it to finish, only for a free loop. Batches are still formed one at a time
/// (a loop gathers only while no other does), so a gather window fills one batch rather than splitting its calls. Each batch is its own statement and
/// transaction, so whatever makes one call safe beside another (SKIP LOCKED for leases, the lease fence for completions)
/// makes batches safe beside each other.
/// </summary>
public sealed class StatementBatch<TCall, TAnswer> : IAsyncDisposable
{
    private sealed record Pending(TCall Call, TaskCompletionSource<TAnswer> Answer);

    private readonly Channel<Pending> _calls;
    private readonly Func<IReadOnlyList<TCall>, Task<IReadOnlyList<TAnswer>>> _execute;
    private readonly int _max;
    private readonly TimeSpan _gather;
    private readonly Task[] _loops;
    private readonly SemaphoreSlim _forming = new(1, 1);
    private long _batches;
    private long _callsRun;

    /// <param name="execute">Runs the calls as one statement; answers one answer per call, in the calls' order.</param>
    /// <param name="inFlight">How many batches may run at once.</param>
    public StatementBatch(Func<IReadOnlyList<TCall>, Task<IReadOnlyList<TAnswer>>> execute, int max, TimeSpan gather, int inFlight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inFlight, 1);
        _execute = execute;
        _max = max;
        _gather = gather;
        _calls = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = inFlight == 1 });
        _loops = [.. Enumerable.Range(0, inFlight).Select(_ => Task.Run(LoopAsync))];
    }

    /// <summary>Batches run so far, and the calls in them (the mean batch size is the one over the other).</summary>
    public (long Batches, long Calls) Counts => (Interlocked.Read(ref _batches), Interlocked.Read(ref _callsRun));

    /// <summary>
    /// The answer to this call, once the batch it went in is committed. Not cancellable on purpose: the call may already be
    /// in a statement, and its caller must learn what it came to (a lease granted to a caller that left must be handed back).
    /// </summary>
    public Task<TAnswer> RunAsync(TCall call)
    {
        var pending = new Pending(call, new TaskCompletionSource<TAnswer>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_calls.Writer.TryWrite(pending))
            return pending.Answer.Task;
        return RunAloneAsync(call);
    }

    private async Task<TAnswer> RunAloneAsync(TCall call) => (await _execute([call]))[0];

    private async Task LoopAsync()
    {
        var batch = new List<Pending>(_max);
        var reader = _calls.Reader;
        while (true)
        {
            await _forming.WaitAsync();
            try
            {
                if (!await reader.WaitToReadAsync())
                    return;
                while (batch.Count < _max && reader.TryRead(out var pending))
                    batch.Add(pending);
                if (batch.Count < _max && _gather > TimeSpan.Zero)
                    await GatherMoreAsync(batch);
            }
            finally
            {
                _forming.Release();
            }
            if (batch.Count > 0)
                await RunAsync(batch);
            batch.Clear();
        }
    }

    private async Task GatherMoreAsync(List<Pending> batch)
    {
        using var window = new CancellationTokenSource(_gather);
        try
        {
            while (batch.Count < _max && await _calls.Reader.WaitToReadAsync(window.Token))
            {
                while (batch.Count < _max && _calls.Reader.TryRead(out var pending))
                    batch.Add(pending);
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
            // The window closed: the batch goes with what it has.
        }
    }

    private async Task RunAsync(IReadOnlyList<Pending> batch)
    {
        IReadOnlyList<TAnswer> answers;
        try
        {
            answers = await _execute([.. batch.Select(p => p.Call)]);
            if (answers.Count != batch.Count)
                throw new InvalidOperationException($"A batch of {batch.Count} calls was answered with {answers.Count} answers.");
        }
        catch (PostgresException) when (batch.Count > 1)
        {
            // Refused by PostgreSQL: the one statement was not applied at all. Each call again on its own, so that the
            // bad one fails alone.
            foreach (var pending in batch)
                await RunAsync([pending]);
            return;
        }
        catch (Exception e)
        {
            // Not swallowed: every caller of the batch gets the error as its own call's, as it would have without batching.
            foreach (var pending in batch)
                pending.Answer.TrySetException(e);
            return;
        }
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _callsRun, batch.Count);
        for (var i = 0; i < batch.Count; i++)
            batch[i].Answer.TrySetResult(answers[i]);
    }

    /// <summary>Stops taking calls into batches and runs those already taken; answers once every one is answered.</summary>
    public async ValueTask DisposeAsync()
    {
        _calls.Writer.TryComplete();
        await Task.WhenAll(_loops);
    }
}
