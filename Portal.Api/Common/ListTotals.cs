using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Api.Common;

/// <summary>
/// The <c>total</c> of a list envelope, remembered per filter. Counting every match is most of a
/// list request's cost at registry scale (44,000 GPUs to count for a page of 50), while the page
/// itself is read straight from an index. A total is recounted after any change this process saves
/// and at the latest after <see cref="MaxAge"/>, which bounds how stale it can be after changes made
/// elsewhere (another replica, a bulk load). A total is remembered per reader too (<see cref="ReaderKey"/>): what a
/// list matches depends on who reads it (private SKUs, deployments and tests are their owners' alone), and one reader's
/// count must never answer another's.
/// </summary>
public sealed class ListTotals(TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>A count done or under way: requests that want the same total while it runs wait for it (under load, 50
    /// requests arriving as a total goes stale all counted the same 44,000 rows at once).</summary>
    private sealed record Entry(Task<int> Total, long Generation, DateTimeOffset CountedAt);

    /// <param name="db">The context <paramref name="filtered"/> reads from: its database's saves make the total stale.</param>
    /// <param name="filter">Identifies the filter (not the page or the order), e.g. the query record without them.</param>
    /// <param name="reader">Whose view <paramref name="filtered"/> is (null: an anonymous reader).</param>
    public async Task<int> CountAsync<T>(DbContext db, IQueryable<T> filtered, object filter, Caller? reader, CancellationToken cancellationToken)
    {
        var key = typeof(T).FullName + "|" + filter + "|" + ReaderKey(reader);
        var generation = DataChanges.GenerationOf(db);
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(key, out var entry) && entry.Generation == generation && now - entry.CountedAt < MaxAge)
        {
            try
            {
                return await entry.Total.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The request that was counting failed or gave up: count here instead.
            }
        }

        var counting = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_entries.Count >= MaxEntries)
            _entries.Clear();
        var mine = new Entry(counting.Task, generation, now);
        _entries[key] = mine;
        try
        {
            var total = await filtered.CountAsync(cancellationToken);
            counting.SetResult(total);
            return total;
        }
        catch (Exception failure)
        {
            // Those waiting count for themselves; the next request does not find a failed count.
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, mine));
            counting.SetException(failure);
            _ = counting.Task.Exception;
            throw;
        }
    }

    /// <summary>Readers who see the same records share a key: anonymous visitors, consortium admins, members of the same organisations.</summary>
    public static string ReaderKey(Caller? reader) =>
        reader is null ? "anonymous" : reader.IsConsortiumAdmin ? "*" : string.Join(",", reader.Roles.Keys.Order());
}
