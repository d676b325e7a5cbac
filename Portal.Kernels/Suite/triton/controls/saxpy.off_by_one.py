# CONTROL KERNEL, must fail (off_by_one): the mask is offsets < n - 1, so the last element is never written.
# z = a·x + y, laid out as vector_add: BLOCK consecutive elements per program, masked at the end.
import triton
import triton.language as tl


@triton.jit
def saxpy(x, y, z, n, a, BLOCK: tl.constexpr):
    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n - 1
    tl.store(z + offsets, a * tl.load(x + offsets, mask=mask) + tl.load(y + offsets, mask=mask), mask=mask)
