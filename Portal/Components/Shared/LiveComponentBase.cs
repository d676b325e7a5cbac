using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace Portal.Components.Shared;

/// <summary>
/// A component that re-renders when something outside the circuit happens (a job signal from PostgreSQL, a timer).
/// Such a callback runs on the signal's thread, whose culture is the process's, not the person's: rendered there, a
/// Korean page turned English at its first live update. The circuit's culture is captured when the component is
/// created (the renderer creates it inside the circuit) and set again around every background update.
/// </summary>
public abstract class LiveComponentBase : ComponentBase
{
    private readonly CircuitCulture _culture = CircuitCulture.Current;

    /// <summary>Runs <paramref name="work"/> on the circuit, in its culture; call it from any thread.</summary>
    protected Task InvokeInCircuitAsync(Func<Task> work) => InvokeAsync(_culture.Bind(work));
}

/// <summary>The culture and UI culture of a circuit, to carry onto work that starts elsewhere.</summary>
public sealed record CircuitCulture(CultureInfo Culture, CultureInfo UICulture)
{
    public static CircuitCulture Current => new(CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);

    /// <summary>
    /// Wraps <paramref name="work"/> so that it runs in this culture. The wrapper is an async method, so the culture it
    /// sets stays with the work and its continuations and is undone for whoever called it.
    /// </summary>
    public Func<Task> Bind(Func<Task> work) => async () =>
    {
        CultureInfo.CurrentCulture = Culture;
        CultureInfo.CurrentUICulture = UICulture;
        await work();
    };
}
