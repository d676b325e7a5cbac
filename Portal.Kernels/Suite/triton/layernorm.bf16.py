# bfloat16 rows into bfloat16, computed in float32. Per row: y = (x − mean) / √(var + eps) · gamma + beta,
# biased variance, one program per row in blocks of BLOCK columns: the mean, then the mean of (x − mean)² (two
# passes; E[x²] − mean² would cancel), then the outputs.
import triton
import triton.language as tl


@triton.jit
def layernorm(x, gamma, beta, y, rows, cols, eps, BLOCK: tl.constexpr):
    row_start = tl.program_id(0).to(tl.int64) * cols
    in_row = x + row_start
    out_row = y + row_start
    sums = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        sums += tl.load(in_row + offsets, mask=offsets < cols, other=0.0).to(tl.float32)
    mean = tl.sum(sums, axis=0) / cols
    squares = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        mask = offsets < cols
        d = tl.where(mask, tl.load(in_row + offsets, mask=mask, other=0.0).to(tl.float32) - mean, 0.0)
        squares += d * d
    inverse_std = 1.0 / tl.sqrt(tl.sum(squares, axis=0) / cols + eps)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        mask = offsets < cols
        v = tl.load(in_row + offsets, mask=mask, other=0.0).to(tl.float32)
        g = tl.load(gamma + offsets, mask=mask, other=0.0).to(tl.float32)
        b = tl.load(beta + offsets, mask=mask, other=0.0).to(tl.float32)
        tl.store(out_row + offsets, ((v - mean) * inverse_std * g + b).to(y.dtype.element_ty), mask=mask)
