# CONTROL KERNEL, must fail (unstable): silu written as a·e^a/(1 + e^a), which is ∞/∞ = NaN for a above 88.7 (distribution "large").
# y = silu(a)·b = a/(1 + exp(−a))·b, BLOCK elements per program. Written with exp(−a) so that large |a| gives
# 1/∞ = 0 or 1/(1 + 0) = 1 and never ∞/∞.
import triton
import triton.language as tl


@triton.jit
def swiglu(a, b, y, n, BLOCK: tl.constexpr):
    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    v = tl.load(a + offsets, mask=mask, other=0.0)
    w = tl.load(b + offsets, mask=mask, other=0.0)
    e = tl.exp(v)
    tl.store(y + offsets, v * e / (1.0 + e) * w, mask=mask)
