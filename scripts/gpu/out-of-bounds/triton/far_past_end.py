# expect: failed | out of bounds after the end of z: the guard zone changed at z[2000] (1 element
# Every element of z right, and one store to z[n + 1000]: it must be blamed on z, not on whatever lies beyond it.
import triton
import triton.language as tl


@triton.jit
def vector_add(x, y, z, n, BLOCK: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    total = tl.load(x + offsets, mask=mask) + tl.load(y + offsets, mask=mask)
    tl.store(z + offsets, total, mask=mask)
    tl.store(z + n + 1000 + offsets, total, mask=offsets == 0)
