using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Api.Accounts;

/// <summary>
/// Personal tokens found recently, by their hash, with the caller each acts as: a script calling many times a second
/// would otherwise cost a query (the token, its user, the user's roles) per request, most of a list request's work.
/// An entry counts only while nothing was saved to the database since it was read (<see cref="DataChanges"/>: this
/// replica's saves at once, another's through its NOTIFY within milliseconds), so a revoked token, a role taken away or
/// an admin flag cleared counts on the next request; and for <see cref="MaxAge"/> at most, which bounds it should the
/// NOTIFY listener be reconnecting. Expiry is checked on every use.
/// </summary>
public sealed class RecentApiTokens
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <param name="LastUsedAt">When the token's last use was written (at most once a minute: <see cref="ApiTokenService"/>).</param>
    public sealed record Entry(AuthenticatedToken Token, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, long Generation, DateTimeOffset ReadAt);

    public static string Key(byte[] hash) => Convert.ToBase64String(hash);

    /// <summary>The token read for this key, while the database has not changed since, it has not expired and is not too old.</summary>
    public Entry? Find(string key, DbContext db, DateTimeOffset now) =>
        _entries.TryGetValue(key, out var entry)
        && entry.Generation == DataChanges.GenerationOf(db)
        && now - entry.ReadAt < MaxAge
        && (entry.ExpiresAt is null || entry.ExpiresAt > now)
            ? entry
            : null;

    /// <summary>The entry's generation must be taken before the token was read, so that a save made meanwhile makes it stale.</summary>
    public void Remember(string key, Entry entry)
    {
        if (_entries.Count >= MaxEntries)
            _entries.Clear();
        _entries[key] = entry;
    }

    public void Forget(string key) => _entries.TryRemove(key, out _);
}
