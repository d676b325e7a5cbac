# expect: passed
# spec: {"op": "vector_add", "dtype": "bf16", "entry": "vector_add", "args": ["x", "y", "z", "n"], "launch": {"grid": ["ceil_div(n, 1024)"], "numWarps": 4, "constexprs": {"BLOCK": 1024}}, "cases": [{"n": 1}, {"n": 1000}, {"n": 65537}, {"n": 16777216}], "timing": {"warmup": 2, "iterations": 10, "maxIterations": 20}, "timeoutSeconds": 300}
# bf16 storage: torch.bfloat16 tensors.
import triton
import triton.language as tl


@triton.jit
def vector_add(x, y, z, n, BLOCK: tl.constexpr):
    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    total = tl.load(x + offsets, mask=mask).to(tl.float32) + tl.load(y + offsets, mask=mask).to(tl.float32)
    tl.store(z + offsets, total.to(z.dtype.element_ty), mask=mask)
