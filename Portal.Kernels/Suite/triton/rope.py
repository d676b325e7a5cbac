# RoPE, one program per token, as the opencl-c kernel: BLOCK pairs at a time, θ = pos·base^(−2i/dim) in float
# (base^e written as exp(e·ln base)), its sine and cosine once, then the pair (2i, 2i+1) of every head rotated by θ.
import triton
import triton.language as tl


@triton.jit
def rope(x, pos, y, tokens, heads, dim, base, BLOCK: tl.constexpr):
    t = tl.program_id(0).to(tl.int64)
    position = tl.load(pos + t).to(tl.float32)
    pairs = dim // 2
    log_base = tl.log(base)
    for start in range(0, pairs, BLOCK):
        i = start + tl.arange(0, BLOCK)
        mask = i < pairs
        theta = position * tl.exp(-2.0 * i.to(tl.float32) / dim * log_base)
        c = tl.cos(theta)
        s = tl.sin(theta)
        for h in range(0, heads):
            at = (t * heads + h) * dim + 2 * i
            x0 = tl.load(x + at, mask=mask, other=0.0)
            x1 = tl.load(x + at + 1, mask=mask, other=0.0)
            tl.store(y + at, x0 * c - x1 * s, mask=mask)
            tl.store(y + at + 1, x0 * s + x1 * c, mask=mask)
