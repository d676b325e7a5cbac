using Portal.Api.Jobs;

namespace Portal.Tests.Api;

/// <summary>
/// StatementBatch with more than one batch in flight: a call that arrives while a batch runs goes in a free loop instead of
/// waiting for that batch to finish (the lease's tail on 2026-12-06), and every call is still answered with its own answer.
/// </summary>
public sealed class StatementBatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Each batch answers each call with the call itself doubled; a call of 0 holds its batch until the gate opens.</summary>
    private sealed class Doubler
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource HeldBatchStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<IReadOnlyList<int>> ExecuteAsync(IReadOnlyList<int> calls)
        {
            if (calls.Contains(0))
            {
                HeldBatchStarted.TrySetResult();
                await Gate.Task;
            }
            return [.. calls.Select(c => c * 2)];
        }
    }

    [Fact]
    public async Task With_two_in_flight_a_call_made_while_a_batch_is_held_is_answered_before_that_batch_ends()
    {
        var doubler = new Doubler();
        await using var batch = new StatementBatch<int, int>(doubler.ExecuteAsync, max: 8, gather: TimeSpan.Zero, inFlight: 2);

        var held = batch.RunAsync(0);
        await doubler.HeldBatchStarted.Task.WaitAsync(Patience);
        // The held batch has not ended; the next call goes in the other loop and is answered.
        Assert.Equal(42, await batch.RunAsync(21).WaitAsync(Patience));
        Assert.False(held.IsCompleted);

        doubler.Gate.SetResult();
        Assert.Equal(0, await held.WaitAsync(Patience));
    }

    [Fact]
    public async Task Many_calls_over_four_loops_each_get_their_own_answer_and_disposing_answers_every_call_taken()
    {
        var doubler = new Doubler();
        doubler.Gate.SetResult();
        var batch = new StatementBatch<int, int>(doubler.ExecuteAsync, max: 5, gather: TimeSpan.Zero, inFlight: 4);
        var calls = Enumerable.Range(1, 500).Select(i => (Call: i, Answer: batch.RunAsync(i))).ToList();
        await batch.DisposeAsync();

        foreach (var (call, answer) in calls)
            Assert.Equal(call * 2, await answer.WaitAsync(Patience));
        var (batches, run) = batch.Counts;
        Assert.Equal(500, run);
        Assert.True(batches >= 100, $"{batches} batches of at most 5 calls ran 500 calls");
    }

    /// <summary>Batches are formed one at a time: with two loops and a gather window, calls made together still go as one
    /// batch (CI caught two loops gathering at once and splitting them).</summary>
    [Fact]
    public async Task With_two_in_flight_a_gather_window_still_fills_one_batch()
    {
        var doubler = new Doubler();
        doubler.Gate.SetResult();
        await using var batch = new StatementBatch<int, int>(doubler.ExecuteAsync, max: 3, gather: TimeSpan.FromMinutes(5), inFlight: 2);

        var answers = await Task.WhenAll(batch.RunAsync(1), batch.RunAsync(2), batch.RunAsync(3)).WaitAsync(Patience);

        Assert.Equal([2, 4, 6], answers);
        Assert.Equal((1L, 3L), batch.Counts);
    }
}
