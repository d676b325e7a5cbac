# expect: failed | out of bounds after the end of z: the guard zone changed at z[1000] (1 element
# A mask of offsets <= n: with n = 1000 and blocks of 256, offset 1000 is stored to z[1000].
import triton
import triton.language as tl


@triton.jit
def vector_add(x, y, z, n, BLOCK: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets <= n
    tl.store(z + offsets, tl.load(x + offsets, mask=mask) + tl.load(y + offsets, mask=mask), mask=mask)
