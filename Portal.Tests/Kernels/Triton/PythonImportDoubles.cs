namespace Portal.Tests.Kernels.Triton;

/// <summary>
/// A folder to put first on PYTHONPATH so that what the harness imports is known on any host. With
/// <see cref="WithoutTorch"/>, "import torch" fails (as on a host without it, even where torch is installed). With
/// <see cref="WithImportSurface"/>, torch, triton and numpy are test doubles of their import surface only: enough
/// for the harness's check mode (import the module, find the @triton.jit entry), nothing that launches or computes,
/// so no test can pass on a result these doubles made up.
/// </summary>
internal sealed class PythonImportDoubles : IDisposable
{
    private PythonImportDoubles(IReadOnlyDictionary<string, string> files, string? parent = null)
    {
        Folder = parent is null
            ? Directory.CreateTempSubdirectory("portal-python-doubles-").FullName
            : Directory.CreateDirectory(Path.Combine(parent, "portal-python-doubles-" + Guid.NewGuid().ToString("N"))).FullName;
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(Folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
    }

    public string Folder { get; }

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["PYTHONPATH"] = Folder };

    public static PythonImportDoubles WithoutTorch() => new(new Dictionary<string, string>
    {
        ["torch.py"] = "raise ImportError('torch is hidden by this test')\n",
    });

    /// <param name="parent">Where to put the folder; the temp folder when null. The sandbox hides the host's /tmp.</param>
    public static PythonImportDoubles WithImportSurface(string? parent = null) => new(new Dictionary<string, string>
    {
        ["numpy/__init__.py"] = "",
        ["torch/__init__.py"] =
            "__version__ = '0.0+import-surface'\n" +
            "class cuda:\n" +
            "    @staticmethod\n" +
            "    def is_available():\n" +
            "        return True\n",
        ["triton/__init__.py"] =
            "__version__ = '0.0+import-surface'\n" +
            "from .runtime.jit import JITFunction\n" +
            "def jit(fn):\n" +
            "    return JITFunction(fn)\n",
        ["triton/runtime/__init__.py"] = "",
        ["triton/runtime/jit.py"] =
            "class KernelInterface:\n" +
            "    pass\n" +
            "class JITFunction(KernelInterface):\n" +
            "    def __init__(self, fn):\n" +
            "        self.fn = fn\n",
    }, parent);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
