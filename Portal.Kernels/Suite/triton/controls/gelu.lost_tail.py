# CONTROL KERNEL, must fail (lost_tail): the last, partial block is masked off entirely.
# y = 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³), computed as x·sigmoid(2u) = x / (1 + exp(−2u)):
# the same function (0.5·(1 + tanh u) = sigmoid(2u)), written with exp alone so no approximate tanh is involved
# and nothing cancels for the suite's |x| ≤ 3.
import triton
import triton.language as tl


@triton.jit
def gelu(x, y, n, BLOCK: tl.constexpr):
    offsets = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n // BLOCK * BLOCK
    v = tl.load(x + offsets, mask=mask, other=0.0)
    u = 0.7978845608028654 * (v + 0.044715 * v * v * v)
    tl.store(y + offsets, v / (1.0 + tl.exp(-2.0 * u)), mask=mask)
