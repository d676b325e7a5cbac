# expect: passed
# spec: {"op": "softmax", "dtype": "f16", "entry": "softmax", "args": ["x", "y", "rows", "cols"], "launch": {"grid": ["rows"], "numWarps": 8, "constexprs": {"BLOCK": 4096}}, "cases": [{"rows": 1, "cols": 1}, {"rows": 3, "cols": 1000}, {"rows": 255, "cols": 257}, {"rows": 4096, "cols": 4096}], "timing": {"warmup": 2, "iterations": 10, "maxIterations": 20}, "timeoutSeconds": 300}
# Row softmax over f16 storage, one program per row (cols <= BLOCK), computed in float32.
import triton
import triton.language as tl


@triton.jit
def softmax(x, y, rows, cols, BLOCK: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    columns = tl.arange(0, BLOCK)
    mask = columns < cols
    values = tl.load(x + row * cols + columns, mask=mask, other=-float("inf")).to(tl.float32)
    exps = tl.exp(values - tl.max(values, axis=0))
    tl.store(y + row * cols + columns, (exps / tl.sum(exps, axis=0)).to(y.dtype.element_ty), mask=mask)
