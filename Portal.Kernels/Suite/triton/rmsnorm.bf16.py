# bfloat16 rows into bfloat16, computed in float32. Per row: y = x / √(mean(x²) + eps) · w, one program per row
# in blocks of BLOCK columns: the sum of squares, then the outputs (the row is re-read from cache).
import triton
import triton.language as tl


@triton.jit
def rmsnorm(x, w, y, rows, cols, eps, BLOCK: tl.constexpr):
    row_start = tl.program_id(0).to(tl.int64) * cols
    in_row = x + row_start
    out_row = y + row_start
    squares = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        v = tl.load(in_row + offsets, mask=offsets < cols, other=0.0).to(tl.float32)
        squares += v * v
    inverse_rms = 1.0 / tl.sqrt(tl.sum(squares, axis=0) / cols + eps)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        mask = offsets < cols
        v = tl.load(in_row + offsets, mask=mask, other=0.0).to(tl.float32)
        g = tl.load(w + offsets, mask=mask, other=0.0).to(tl.float32)
        tl.store(out_row + offsets, (v * inverse_rms * g).to(y.dtype.element_ty), mask=mask)
