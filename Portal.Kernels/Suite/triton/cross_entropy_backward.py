# Cross-entropy backward, dlogits = softmax(row) − onehot(target), one program per row in blocks of BLOCK columns:
# the row's max, then Σ exp(x − max), then the outputs (the row is re-read from cache). Padding lanes load −inf,
# whose exp is 0, so they add nothing.
import triton
import triton.language as tl


@triton.jit
def cross_entropy_backward(logits, target, dlogits, rows, cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    row_start = row.to(tl.int64) * cols
    in_row = logits + row_start
    out_row = dlogits + row_start
    t = tl.load(target + row)
    maxima = tl.full([BLOCK], float("-inf"), tl.float32)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        maxima = tl.maximum(maxima, tl.load(in_row + offsets, mask=offsets < cols, other=float("-inf")))
    row_max = tl.max(maxima, axis=0)
    sums = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        sums += tl.exp(tl.load(in_row + offsets, mask=offsets < cols, other=float("-inf")) - row_max)
    scale = 1.0 / tl.sum(sums, axis=0)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        mask = offsets < cols
        p = tl.exp(tl.load(in_row + offsets, mask=mask, other=0.0) - row_max) * scale
        tl.store(out_row + offsets, p - tl.where(offsets == t, 1.0, 0.0), mask=mask)
