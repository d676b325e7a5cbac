# Attention, o = softmax(q·kᵀ/√dim)·v per head, one program per query row of bh·seq, as the opencl-c kernel but
# over blocks: BLOCK_N keys at a time, the dot products summed over BLOCK_D-wide slices of dim, so any dim works.
# The first pass keeps the running maximum m and the sum l of exp(score − m), rescaled when m grows (online
# softmax); the second, per slice of dim, recomputes the scores and sums exp(score − m)/l · v. Keys past the row's
# last (j > i when causal, j ≥ seq always) get score −inf, whose exp is 0.
import triton
import triton.language as tl


@triton.jit
def attention(q, k, v, o, bh, seq, dim, causal, BLOCK_N: tl.constexpr, BLOCK_D: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    keys = seq + 0 * row
    if causal != 0:
        keys = row % seq + 1
    head = (row // seq) * seq * dim
    query = q + row * dim
    scale = 1.0 / tl.sqrt(tl.zeros([], dtype=tl.float32) + dim)  # dim may arrive as the constant 1

    m = tl.zeros([], dtype=tl.float32) - float("inf")
    l = tl.zeros([], dtype=tl.float32)
    for start in range(0, keys, BLOCK_N):
        offs_n = start + tl.arange(0, BLOCK_N)
        scores = tl.zeros([BLOCK_N], dtype=tl.float32)
        for d0 in range(0, dim, BLOCK_D):
            offs_d = d0 + tl.arange(0, BLOCK_D)
            qd = tl.load(query + offs_d, mask=offs_d < dim, other=0.0)
            kd = tl.load(k + head + offs_n[:, None] * dim + offs_d[None, :],
                         mask=(offs_n[:, None] < keys) & (offs_d[None, :] < dim), other=0.0)
            scores += tl.sum(kd * qd[None, :], axis=1)
        scores = tl.where(offs_n < keys, scores * scale, float("-inf"))
        grown = tl.maximum(m, tl.max(scores, axis=0))
        l = l * tl.exp(m - grown) + tl.sum(tl.exp(scores - grown), axis=0)
        m = grown

    inverse = 1.0 / l
    for out0 in range(0, dim, BLOCK_D):
        offs_out = out0 + tl.arange(0, BLOCK_D)
        acc = tl.zeros([BLOCK_D], dtype=tl.float32)
        for start in range(0, keys, BLOCK_N):
            offs_n = start + tl.arange(0, BLOCK_N)
            scores = tl.zeros([BLOCK_N], dtype=tl.float32)
            for d0 in range(0, dim, BLOCK_D):
                offs_d = d0 + tl.arange(0, BLOCK_D)
                qd = tl.load(query + offs_d, mask=offs_d < dim, other=0.0)
                kd = tl.load(k + head + offs_n[:, None] * dim + offs_d[None, :],
                             mask=(offs_n[:, None] < keys) & (offs_d[None, :] < dim), other=0.0)
                scores += tl.sum(kd * qd[None, :], axis=1)
            scores = tl.where(offs_n < keys, scores * scale, float("-inf"))
            p = tl.exp(scores - m) * inverse
            vd = tl.load(v + head + offs_n[:, None] * dim + offs_out[None, :],
                         mask=(offs_n[:, None] < keys) & (offs_out[None, :] < dim), other=0.0)
            acc += tl.sum(p[:, None] * vd, axis=0)
        tl.store(o + row * dim + offs_out, acc, mask=offs_out < dim)
