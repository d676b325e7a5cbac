using System.Reflection;
using Portal.Kernels.Spec;

namespace Portal.Kernels.Suite;

/// <summary>The kind of mistake a control kernel makes on purpose; its file name says which.</summary>
public enum BugClass
{
    /// <summary>The last, partial block of work is skipped.</summary>
    LostTail,

    /// <summary>A bound or an index is one off.</summary>
    OffByOne,

    /// <summary>Work-items race: a missing barrier or atomic.</summary>
    Race,

    /// <summary>Right the first time it runs, nothing on later launches (outputs are zero-filled before each).</summary>
    SkippedWork,

    /// <summary>Writes past the end of an output (caught by the guard zones).</summary>
    OutOfBounds,

    /// <summary>Numerically unstable: right on the default inputs, wrong on an adversarial distribution.</summary>
    Unstable,

    /// <summary>Causal attention that lets a query see the keys after it.</summary>
    NoCausalMask,

    /// <summary>Rotary embedding that rotates the wrong elements together (half-split instead of interleaved pairs).</summary>
    WrongPairing,

    /// <summary>A term of the formula is left out (a gradient without its row-sum or mean term, a missing one-hot).</summary>
    MissingTerm,
}

/// <summary>A known-wrong kernel: the suite's spec for its op and language with the control's source in it.</summary>
public sealed record ControlKernel(string Op, KernelLanguage Language, BugClass Bug, KernelSpec Spec)
{
    /// <summary>How the file name writes the bug class: lost_tail, off_by_one, race, skipped_work, out_of_bounds, unstable, no_causal_mask, wrong_pairing, missing_term.</summary>
    public string BugName => ControlKernels.Name(Bug);
}

/// <summary>
/// Control kernels ship beside the suite as <c>Suite/&lt;language&gt;/controls/&lt;op&gt;.&lt;bug class&gt;.&lt;ext&gt;</c>
/// (embedded like the suite): each is its language's suite kernel for the op with one bug put in, with the same entry,
/// args and launch, so it runs under the suite's spec. Every one must get <c>failed</c>: a control that passes means
/// the checks (cases, distributions, tolerances, guard zones, the re-check after timing) have a hole.
/// </summary>
public static class ControlKernels
{
    private const string Folder = "controls";

    private static readonly Lazy<IReadOnlyList<ControlKernel>> Loaded = new(() => Load(typeof(ControlKernels).Assembly, ConformanceSuite.All));

    /// <exception cref="InvalidDataException">A control file is misnamed or has no suite kernel beside it: a build defect.</exception>
    public static IReadOnlyList<ControlKernel> All => Loaded.Value;

    public static IReadOnlyList<ControlKernel> For(KernelLanguage language) => [.. All.Where(c => c.Language == language)];

    public static string Name(BugClass bug) => bug switch
    {
        BugClass.LostTail => "lost_tail",
        BugClass.OffByOne => "off_by_one",
        BugClass.Race => "race",
        BugClass.SkippedWork => "skipped_work",
        BugClass.OutOfBounds => "out_of_bounds",
        BugClass.Unstable => "unstable",
        BugClass.NoCausalMask => "no_causal_mask",
        BugClass.WrongPairing => "wrong_pairing",
        BugClass.MissingTerm => "missing_term",
        _ => throw new ArgumentOutOfRangeException(nameof(bug), bug, null),
    };

    /// <summary>Resource names end in <c>Suite.&lt;language&gt;.controls.&lt;op&gt;.&lt;bug class&gt;.&lt;ext&gt;</c>.</summary>
    internal static IReadOnlyList<ControlKernel> Load(Assembly assembly, IReadOnlyList<SuiteEntry> suite)
    {
        var bugs = Enum.GetValues<BugClass>().ToDictionary(Name, b => b, StringComparer.Ordinal);
        var controls = new List<ControlKernel>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var segments = name.Split('.');
            if (segments.Length < 6 || segments[^6] != "Suite" || segments[^4] != Folder)
                continue;
            var (folder, op, bugName, extension) = (segments[^5], segments[^3], segments[^2], segments[^1]);
            var entry = suite.FirstOrDefault(e => e.Language.Name().Replace('-', '_') == folder && e.Op == op && e.Dtype == SuiteEntry.Float32)
                ?? throw new InvalidDataException($"{name}: no suite kernel for op '{op}' in '{folder}' beside it");
            if (!bugs.TryGetValue(bugName, out var bug))
                throw new InvalidDataException($"{name}: '{bugName}' is not a bug class ({string.Join(", ", bugs.Keys)})");
            if ("." + extension != ConformanceSuite.SourceExtensions[entry.Language])
                throw new InvalidDataException($"{name}: a {entry.Language.Name()} control is a {ConformanceSuite.SourceExtensions[entry.Language]} file");
            controls.Add(new ControlKernel(op, entry.Language, bug, entry.Spec with { Source = Read(assembly, name) }));
        }
        return [.. controls.OrderBy(c => c.Language).ThenBy(c => c.Op, StringComparer.Ordinal).ThenBy(c => c.Bug)];
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidDataException($"resource {name} cannot be opened");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
