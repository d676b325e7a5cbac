# Row-wise softmax of bfloat16 rows into bfloat16, computed in float32, one program per row, in blocks of BLOCK
# columns so that any row length works: the row's max, then Σ exp(x − max), then the outputs (the row is re-read
# from cache). Padding lanes load −inf, whose exp is 0, so they add nothing.
import triton
import triton.language as tl


@triton.jit
def softmax(x, y, rows, cols, BLOCK: tl.constexpr):
    row_start = tl.program_id(0).to(tl.int64) * cols
    in_row = x + row_start
    out_row = y + row_start
    maxima = tl.full([BLOCK], float("-inf"), tl.float32)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        maxima = tl.maximum(maxima, tl.load(in_row + offsets, mask=offsets < cols, other=float("-inf")).to(tl.float32))
    row_max = tl.max(maxima, axis=0)
    sums = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        sums += tl.exp(tl.load(in_row + offsets, mask=offsets < cols, other=float("-inf")).to(tl.float32) - row_max)
    scale = 1.0 / tl.sum(sums, axis=0)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        mask = offsets < cols
        v = tl.load(in_row + offsets, mask=mask, other=0.0).to(tl.float32)
        tl.store(out_row + offsets, (tl.exp(v - row_max) * scale).to(y.dtype.element_ty), mask=mask)
