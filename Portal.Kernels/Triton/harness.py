"""Runs one submitted Triton kernel for the Portal agent: python3 harness.py <job.json>.

The agent writes the job (the module's path, the entry, the device, the launch shape, the arguments with input
files) and reads back what this harness writes at a path it alone knows: the environment variable
PORTAL_TRITON_RESULT names a prefix; the result goes to <prefix>.json, each buffer (outputs, and inputs as the
kernel left them) to <prefix>.<name>.bin and its guard zones, before then after, to <prefix>.<name>.guards.bin (raw
bytes, as the device held them). Each buffer is a tensor of the torch dtype the job names (float32, float16,
bfloat16, float8_e4m3fn, float8_e5m2, int32); a dtype this torch or this GPU lacks is "unsupported". The variable is removed from os.environ before the submitted module is imported, and nothing
the module prints is read as a result. Every buffer the kernel gets is a view into a larger tensor, between zones of
job["guardBytes"] (before) and the argument's "afterBytes" (after) filled with the 32-bit job["canary"]; the agent, not this harness, decides what a changed zone or
input means. Outputs are zero-filled before every launch; timed launches follow a write of a buffer larger than the
L2 and are timed with CUDA events.

Result statuses: ok, compile_error (the module does not import, the entry is missing or not a Triton kernel,
Triton cannot compile it), runtime_error (the launch or the device failed), unsupported (no torch/triton/CUDA, or a
dtype this torch or GPU lacks).
"""
import json
import os
import sys
import traceback

RESULT_VARIABLE = "PORTAL_TRITON_RESULT"


class Failure(Exception):
    def __init__(self, status, message, log=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.log = log


def describe(error):
    return f"{type(error).__name__}: {error}".strip().splitlines()[0] if str(error) else type(error).__name__


def load_module(path):
    import importlib.util

    # A real file: @triton.jit reads the kernel's source through inspect, which needs one.
    spec = importlib.util.spec_from_file_location("submitted_kernel", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["submitted_kernel"] = module
    spec.loader.exec_module(module)
    return module


def find_kernel(job):
    try:
        import torch
        from triton.runtime.jit import KernelInterface
        import numpy  # noqa: F401 (launches read and write buffers with it)
    except Exception as error:
        raise Failure("unsupported", f"torch, triton and numpy cannot be imported by {sys.executable}: {describe(error)}",
                      traceback.format_exc())
    if not torch.cuda.is_available():
        raise Failure("unsupported", f"torch {torch.__version__} sees no CUDA device")
    try:
        module = load_module(job["module"])
    except BaseException as error:  # SyntaxError, ImportError, even SystemExit: the module's fault, not ours
        raise Failure("compile_error", f"the module does not import: {describe(error)}", traceback.format_exc())
    kernel = getattr(module, job["entry"], None)
    if kernel is None:
        raise Failure("compile_error", f"the module defines no '{job['entry']}'")
    if not isinstance(kernel, KernelInterface):
        raise Failure("compile_error",
                      f"'{job['entry']}' is a {type(kernel).__name__}, not a @triton.jit function")
    return torch, kernel


def is_compile_error(error):
    # CompilationError covers Triton's front end; PTXASError (3.x) is ptxas refusing what it generated.
    names = {cls.__name__ for cls in type(error).__mro__}
    return bool(names & {"CompilationError", "PTXASError"})


def run(job, prefix):
    torch, kernel = find_kernel(job)
    if job["mode"] == "check":
        return {"status": "ok"}
    try:
        arguments, buffers, device = load_arguments(job, torch)
    except Failure:
        raise
    except Exception as error:
        raise Failure("runtime_error", f"the inputs could not be put on the device: {describe(error)}", traceback.format_exc())
    return launch_all(job, prefix, torch, kernel, arguments, buffers, device)


# The torch dtype of each buffer type the agent names (Portal.Kernels/Ops/KernelTypes.cs, TorchDtype); fp8 needs a GPU
# of compute capability 8.9 or newer (Ada, Hopper), as the agent's cuda-c executor demands too.
FP8 = ("float8_e4m3fn", "float8_e5m2")


def torch_dtype(torch, name, buffer, device):
    torch_type = getattr(torch, name, None)
    if not isinstance(torch_type, torch.dtype):
        raise Failure("unsupported", f"torch {torch.__version__} has no {name}, the dtype of {buffer}")
    if name in FP8:
        capability = torch.cuda.get_device_capability(device)
        if capability < (8, 9):
            raise Failure("unsupported", f"fp8 buffers ({buffer}: {name}) need compute capability 8.9 or newer; "
                                         f"this device has {capability[0]}.{capability[1]}")
    return torch_type


class GuardedBuffer:
    """One buffer: a view into a byte tensor [zone before | buffer | zone after], the whole filled with the 32-bit canary.

    The zones are job["guardBytes"] before and the argument's "afterBytes" after; the zone after starts right at the
    buffer's end, so a buffer that is not a whole number of 32-bit words (an odd-length bfloat16 one) still has its
    first element past the end guarded, with the canary out of step there (GuardZones.Phase in the agent). Every
    transfer is raw bytes, so dtypes numpy lacks (bfloat16, fp8) need no conversion on the way.
    """

    def __init__(self, torch, argument, torch_type, job, device):
        self.name, self.role, self.length = argument["name"], argument["role"], argument["length"]
        self.before = job["guardBytes"]
        self.bytes = self.length * torch.empty((), dtype=torch_type).element_size()
        after = argument["afterBytes"]
        total = self.before + self.bytes + after
        if total % 4 or self.before % 16:
            raise Failure("runtime_error", f"the guard zones of {self.name} are not whole canary words")
        self.raw = torch.full((total // 4,), job["canary"], dtype=torch.int32, device=device).view(torch.uint8)
        self.view = self.raw[self.before:self.before + self.bytes].view(torch_type)

    def load(self, torch, path):
        import numpy

        host = numpy.fromfile(path, dtype=numpy.uint8)
        if host.size != self.bytes:
            raise Failure("runtime_error", f"input {self.name} has {host.size} bytes, not {self.bytes}")
        self.raw[self.before:self.before + self.bytes].copy_(torch.from_numpy(host))

    def write_back(self, torch, prefix):
        """The buffer, and its zones before and after, as the device holds them after the last launch."""
        self.raw[self.before:self.before + self.bytes].cpu().numpy().tofile(f"{prefix}.{self.name}.bin")
        zones = torch.cat((self.raw[:self.before], self.raw[self.before + self.bytes:]))
        zones.cpu().numpy().tofile(f"{prefix}.{self.name}.guards.bin")


def load_arguments(job, torch):
    device = torch.device("cuda", job["device"])
    torch.cuda.set_device(device)
    arguments, buffers = [], []
    for argument in job["args"]:
        if argument["kind"] == "buffer":
            torch_type = torch_dtype(torch, argument["type"], argument["name"], device)
            buffer = GuardedBuffer(torch, argument, torch_type, job, device)
            if argument["role"] == "input":
                buffer.load(torch, argument["file"])
            buffers.append(buffer)
            arguments.append(buffer.view)
        elif argument["kind"] == "int":
            arguments.append(int(argument["value"]))
        else:
            arguments.append(float(argument["value"]))
    return arguments, buffers, device


def launch_all(job, prefix, torch, kernel, arguments, buffers, device):
    grid = tuple(job["grid"])
    options = dict(job.get("constexprs") or {})
    if job.get("numWarps"):
        options["num_warps"] = job["numWarps"]

    def zero_outputs():
        for buffer in buffers:
            if buffer.role == "output":
                buffer.view.zero_()

    def launch():
        kernel[grid](*arguments, **options)

    # The first launch compiles the kernel, so no timed interval below can include compilation.
    try:
        zero_outputs()
        launch()
        torch.cuda.synchronize()
    except Exception as error:
        status = "compile_error" if is_compile_error(error) else "runtime_error"
        raise Failure(status, f"the first launch failed: {describe(error)}", traceback.format_exc())

    times = []
    timing = job.get("timing")
    try:
        if timing:
            for _ in range(timing["warmup"]):
                zero_outputs()
                launch()
            flush = torch.empty(job["flushBytes"] // 4, dtype=torch.int32, device=device)
            events = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True))
                      for _ in range(timing["iterations"])]
            for start, end in events:
                zero_outputs()
                flush.zero_()  # evicts the L2; issued before the start event, so outside the interval
                start.record()
                launch()
                end.record()
            torch.cuda.synchronize()
            times = [start.elapsed_time(end) for start, end in events]
        for buffer in buffers:
            buffer.write_back(torch, prefix)
    except Exception as error:
        raise Failure("runtime_error", f"a launch failed: {describe(error)}", traceback.format_exc())
    return {"status": "ok", "timesMs": times}


def write_result(prefix, result):
    temporary = prefix + ".json.partial"
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(result, file)
    os.replace(temporary, prefix + ".json")


def main():
    prefix = os.environ.pop(RESULT_VARIABLE, None)
    if not prefix or len(sys.argv) != 2:
        print(f"usage: {RESULT_VARIABLE}=<result prefix> python3 harness.py <job.json>", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as file:
        job = json.load(file)
    try:
        result = run(job, prefix)
    except Failure as failure:
        result = {"status": failure.status, "message": failure.message, "log": failure.log}
    write_result(prefix, result)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skips atexit handlers and threads the submitted module may have left behind: the result is written.
    os._exit(code)
