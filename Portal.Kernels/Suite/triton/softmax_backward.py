# Softmax backward, dx = y·(dy − Σ dy·y), one program per row in blocks of BLOCK columns so that any row length
# works: the row's Σ dy·y, then the outputs (the row is re-read from cache). Padding lanes load 0 and add nothing.
import triton
import triton.language as tl


@triton.jit
def softmax_backward(y, dy, dx, rows, cols, BLOCK: tl.constexpr):
    row_start = tl.program_id(0).to(tl.int64) * cols
    sums = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        mask = offsets < cols
        sums += tl.load(dy + row_start + offsets, mask=mask, other=0.0) * tl.load(y + row_start + offsets, mask=mask, other=0.0)
    total = tl.sum(sums, axis=0)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        mask = offsets < cols
        yv = tl.load(y + row_start + offsets, mask=mask, other=0.0)
        dyv = tl.load(dy + row_start + offsets, mask=mask, other=0.0)
        tl.store(dx + row_start + offsets, yv * (dyv - total), mask=mask)
