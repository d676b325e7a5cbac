# CONTROL KERNEL, must fail (lost_tail): tiles that stick out of the matrix are masked off entirely.
# y[j·rows + i] = x[i·cols + j]. Each program loads a BLOCK×BLOCK tile of x and stores it at the transposed
# addresses; Triton stages the tile through shared memory so that both the loads and the stores are coalesced.
# Edge tiles are masked.
import triton
import triton.language as tl


@triton.jit
def transpose(x, y, rows, cols, BLOCK: tl.constexpr):
    i = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    j = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = (i[:, None] < rows // BLOCK * BLOCK) & (j[None, :] < cols // BLOCK * BLOCK)
    tile = tl.load(x + i[:, None].to(tl.int64) * cols + j[None, :], mask=mask)
    tl.store(y + j[None, :].to(tl.int64) * rows + i[:, None], tile, mask=mask)
