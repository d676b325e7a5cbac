# expect: failed | out of bounds after the end of z: the guard zone changed at z[999] (1 element; z has 999 elements)
# spec: {"op": "vector_add", "dtype": "bf16", "entry": "vector_add", "args": ["x", "y", "z", "n"], "launch": {"grid": ["ceil_div(n, 1024)"], "numWarps": 4, "constexprs": {"BLOCK": 1024}}, "cases": [{"n": 999}, {"n": 4097}], "timing": {"warmup": 1, "iterations": 5, "maxIterations": 5}, "timeoutSeconds": 300}
# Known wrong: a mask of offsets <= n writes one element past the end of an odd-length bf16 view (not whole 32-bit words).
import triton
import triton.language as tl


@triton.jit
def vector_add(x, y, z, n, BLOCK: tl.constexpr):
    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets <= n
    total = tl.load(x + offsets, mask=mask).to(tl.float32) + tl.load(y + offsets, mask=mask).to(tl.float32)
    tl.store(z + offsets, total.to(z.dtype.element_ty), mask=mask)
