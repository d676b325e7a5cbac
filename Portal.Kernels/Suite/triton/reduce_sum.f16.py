# s[0] = Σ x, x a float16 tensor and s float32 (as torch.sum(x, dtype=torch.float32)). A grid of at most 1056
# programs strides over x in blocks of BLOCK elements, each program summing element-wise into a block-sized
# accumulator; one tree reduction and one atomic add per program at the end (s starts zero-filled), so few
# atomics meet at s.
import triton
import triton.language as tl


@triton.jit
def reduce_sum(x, s, n, BLOCK: tl.constexpr):
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(tl.program_id(0) * BLOCK, n, tl.num_programs(0) * BLOCK):
        offsets = start + tl.arange(0, BLOCK)
        acc += tl.load(x + offsets, mask=offsets < n, other=0.0).to(tl.float32)
    tl.atomic_add(s, tl.sum(acc, axis=0), sem="relaxed")
