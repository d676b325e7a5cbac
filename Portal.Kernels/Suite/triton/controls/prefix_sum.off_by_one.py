# CONTROL KERNEL, must fail (off_by_one): an exclusive scan (each element left out of its own sum) where an inclusive one is asked for.
# Inclusive scan, y[i] = x[0] + … + x[i], for any n in one launch of ONE program: it walks x in blocks of
# BLOCK, scans each with tl.cumsum and adds the running total of the blocks before it (the carry). A multi-program
# single-pass scan needs per-block state in global memory to look back at (the cuda-c kernel keeps it in module
# memory); Triton has no module-level device memory and the op has no scratch buffer, so this kernel trades
# bandwidth for being obviously correct. launch.grid must be [1].
import triton
import triton.language as tl


@triton.jit
def prefix_sum(x, y, n, BLOCK: tl.constexpr):
    carry = tl.sum(tl.zeros([BLOCK], dtype=tl.int32), axis=0)
    for start in range(0, n, BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        mask = offsets < n
        values = tl.load(x + offsets, mask=mask, other=0)
        tl.store(y + offsets, tl.cumsum(values, axis=0) - values + carry, mask=mask)
        carry += tl.sum(values, axis=0)
