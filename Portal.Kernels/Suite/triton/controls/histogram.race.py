# CONTROL KERNEL, must fail (race): a load, add and store instead of tl.atomic_add: lanes and programs that hit the same bin lose counts.
# h[b] = how many x[i] equal b. Each program reads BLOCK values and adds one to each value's bin with relaxed
# atomics (h starts zero-filled). Correct for any number of bins; a privatised histogram would contend less.
import triton
import triton.language as tl


@triton.jit
def histogram(x, h, n, bins, BLOCK: tl.constexpr):
    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    values = tl.load(x + offsets, mask=mask, other=0)
    tl.store(h + values, tl.load(h + values, mask=mask, other=0) + 1, mask=mask)
