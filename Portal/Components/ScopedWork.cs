using Microsoft.AspNetCore.Components.Authorization;
using Portal.Api.Common;

namespace Portal.Components;

/// <summary>
/// Runs one piece of page work in its own DI scope, so each gets a fresh DbContext: a Blazor circuit
/// lives for minutes and may run several loads at once, which one shared DbContext cannot.
/// </summary>
public sealed class ScopedWork(IServiceScopeFactory scopes, AuthenticationStateProvider authentication)
{
    public async Task<T> RunAsync<TService, T>(Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Runs work as the signed-in user; roles are read fresh each time, so a change applies at once.</summary>
    public async Task<T> RunAsCallerAsync<TService, T>(Func<TService, Caller, Task<T>> work) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        var state = await authentication.GetAuthenticationStateAsync();
        var caller = await scope.ServiceProvider.GetRequiredService<CallerResolver>().ResolveAsync(state.User, CancellationToken.None)
            ?? throw new InvalidOperationException("The signed-in account no longer exists; sign in again.");
        return await work(scope.ServiceProvider.GetRequiredService<TService>(), caller);
    }

    /// <summary>
    /// Runs a read as whoever is there: the signed-in user, or null for an anonymous visitor (public pages). A page previewing
    /// its public view (<paramref name="asPublic"/>) reads as an anonymous visitor would, whoever is signed in.
    /// </summary>
    public async Task<T> RunAsReaderAsync<TService, T>(Func<TService, Caller?, Task<T>> work, bool asPublic = false) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        var caller = asPublic
            ? null
            : await scope.ServiceProvider.GetRequiredService<CallerResolver>()
                .ResolveAsync((await authentication.GetAuthenticationStateAsync()).User, CancellationToken.None);
        return await work(scope.ServiceProvider.GetRequiredService<TService>(), caller);
    }

    /// <summary>Who a part of a page reads as: null in a public preview (<see cref="Shared.PublicPreview"/>), else whoever is there.</summary>
    public async Task<Caller?> ReaderAsync(bool asPublic) => asPublic ? null : await CallerAsync();

    public Task<Caller?> CallerAsync() => RunAsync<CallerResolver, Caller?>(async resolver =>
        await resolver.ResolveAsync((await authentication.GetAuthenticationStateAsync()).User, CancellationToken.None));
}
