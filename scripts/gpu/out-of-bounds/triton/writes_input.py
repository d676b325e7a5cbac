# expect: failed | wrote to input x: 
# Every element of z right, then x cleared.
import triton
import triton.language as tl


@triton.jit
def vector_add(x, y, z, n, BLOCK: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    tl.store(z + offsets, tl.load(x + offsets, mask=mask) + tl.load(y + offsets, mask=mask), mask=mask)
    tl.store(x + offsets, tl.zeros((BLOCK,), dtype=tl.float32), mask=mask)
