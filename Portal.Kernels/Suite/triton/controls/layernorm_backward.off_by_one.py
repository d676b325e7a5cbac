# CONTROL KERNEL, must fail (off_by_one): dgamma and dbeta leave out the last row.
# Layer-norm backward in one launch, without atomics: program p owns columns [p·COLS, (p+1)·COLS) and walks every
# row. For each row it computes the statistics over the whole row in blocks of BLOCK columns — the mean, then, from
# the deviations (two passes; E[x²] − mean² would cancel), the variance, Σ dy·gamma and Σ dy·gamma·(x − mean) —
# writes dx for its own columns and adds dy·x̂ and dy to its columns' dgamma and dbeta, which only it writes.
# Rows are re-read once per column block: simple rather than fast for very wide rows.
import triton
import triton.language as tl


@triton.jit
def layernorm_backward(x, dy, gamma, dx, dgamma, dbeta, rows, cols, eps, BLOCK: tl.constexpr, COLS: tl.constexpr):
    own = tl.program_id(0) * COLS + tl.arange(0, COLS)
    own_mask = own < cols
    g = tl.load(gamma + own, mask=own_mask, other=0.0)
    dgamma_sum = tl.zeros([COLS], dtype=tl.float32)
    dbeta_sum = tl.zeros([COLS], dtype=tl.float32)
    for i in range(0, rows):
        row_start = i.to(tl.int64) * cols
        sums = tl.zeros([BLOCK], dtype=tl.float32)
        for start in range(0, cols, BLOCK):
            offsets = start + tl.arange(0, BLOCK)
            sums += tl.load(x + row_start + offsets, mask=offsets < cols, other=0.0)
        mean = tl.sum(sums, axis=0) / cols
        squares = tl.zeros([BLOCK], dtype=tl.float32)
        dxhat = tl.zeros([BLOCK], dtype=tl.float32)
        dxhat_dev = tl.zeros([BLOCK], dtype=tl.float32)
        for start in range(0, cols, BLOCK):
            offsets = start + tl.arange(0, BLOCK)
            mask = offsets < cols
            d = tl.where(mask, tl.load(x + row_start + offsets, mask=mask, other=0.0) - mean, 0.0)
            h = tl.load(dy + row_start + offsets, mask=mask, other=0.0) * tl.load(gamma + offsets, mask=mask, other=0.0)
            squares += d * d
            dxhat += h
            dxhat_dev += h * d
        rstd = 1.0 / tl.sqrt(tl.sum(squares, axis=0) / cols + eps)
        mean_dxhat = tl.sum(dxhat, axis=0) / cols
        mean_dxhat_xhat = tl.sum(dxhat_dev, axis=0) * rstd / cols
        xhat = (tl.load(x + row_start + own, mask=own_mask, other=0.0) - mean) * rstd
        d = tl.load(dy + row_start + own, mask=own_mask, other=0.0)
        tl.store(dx + row_start + own, rstd * (d * g - mean_dxhat - xhat * mean_dxhat_xhat), mask=own_mask)
        if i < rows - 1:
            dgamma_sum += tl.where(own_mask, d * xhat, 0.0)
            dbeta_sum += d
    tl.store(dgamma + own, dgamma_sum, mask=own_mask)
    tl.store(dbeta + own, dbeta_sum, mask=own_mask)
