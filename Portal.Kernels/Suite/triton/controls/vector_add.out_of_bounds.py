# CONTROL KERNEL, must fail (out_of_bounds): the mask is offsets <= n, so one program writes z[n], past the end (caught by the guard zones).
# z = x + y. Each program handles BLOCK consecutive elements; Triton turns the contiguous, 16-byte-aligned
# accesses into vector loads, and the mask covers the last, partial block.
import triton
import triton.language as tl


@triton.jit
def vector_add(x, y, z, n, BLOCK: tl.constexpr):
    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets <= n
    tl.store(z + offsets, tl.load(x + offsets, mask=mask) + tl.load(y + offsets, mask=mask), mask=mask)
