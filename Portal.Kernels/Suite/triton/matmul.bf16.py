# c = a·b, a and b bfloat16 tensors, c float32 (mixed precision), row-major. Each program computes a
# BLOCK_M×BLOCK_N tile of c, stepping through k in slices of BLOCK_K with tl.dot, which multiplies bfloat16 tiles
# exactly and accumulates in float32. Out-of-range elements load as zeros.
import triton
import triton.language as tl


@triton.jit
def matmul(a, b, c, m, n, k, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    rows = tl.program_id(1) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = tl.program_id(0) * BLOCK_N + tl.arange(0, BLOCK_N)
    depth = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, k, BLOCK_K):
        kk = k0 + depth
        a_tile = tl.load(a + rows[:, None] * k + kk[None, :], mask=(rows[:, None] < m) & (kk[None, :] < k), other=0.0)
        b_tile = tl.load(b + kk[:, None] * n + cols[None, :], mask=(kk[:, None] < k) & (cols[None, :] < n), other=0.0)
        acc += tl.dot(a_tile, b_tile, out_dtype=tl.float32)
    tl.store(c + rows[:, None] * n + cols[None, :], acc, mask=(rows[:, None] < m) & (cols[None, :] < n))
