# Cross-entropy loss per row, loss = max + log Σ exp(x − max) − x[target], one program per row, in blocks of BLOCK
# columns so that any row length works: the row's max, then Σ exp(x − max), then the loss (the row is re-read from
# cache). Padding lanes load −inf, whose exp is 0, so they add nothing.
import triton
import triton.language as tl


@triton.jit
def cross_entropy(target, logits, loss, rows, cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    in_row = logits + row.to(tl.int64) * cols
    maxima = tl.full([BLOCK], float("-inf"), tl.float32)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        maxima = tl.maximum(maxima, tl.load(in_row + offsets, mask=offsets < cols, other=float("-inf")))
    row_max = tl.max(maxima, axis=0)
    sums = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, cols, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        sums += tl.exp(tl.load(in_row + offsets, mask=offsets < cols, other=float("-inf")) - row_max)
    total = tl.sum(sums, axis=0)
    picked = tl.load(in_row + tl.load(target + row))
    tl.store(loss + row, row_max + tl.log(total) - picked)
