# CONTROL KERNEL, must fail (off_by_one): the right padding bound is jj <= w, so the output pixels at the right edge read the first pixel of the next row (or plane) where they should read a zero.
# 2-D convolution (cross-correlation), NCHW, stride 1, zero padding (r − 1)/2 and (s − 1)/2: each program computes
# BLOCK output pixels of one (image, output channel) plane (grid axis 1), looping over input channels and filter
# taps; taps outside the image are masked and load 0. A straightforward direct convolution.
import triton
import triton.language as tl


@triton.jit
def conv2d(x, wt, y, n, c, h, w, k, r, s, BLOCK: tl.constexpr):
    pixels = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    image = tl.program_id(1) // k
    out_channel = tl.program_id(1) % k
    inside = pixels < h * w
    i = pixels // w
    j = pixels % w
    pad_r = (r - 1) // 2
    pad_s = (s - 1) // 2
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for ch in range(0, c):
        plane = x + (image * c + ch).to(tl.int64) * h * w
        taps = wt + (out_channel * c + ch).to(tl.int64) * r * s
        for u in range(0, r):
            ii = i + u - pad_r
            for v in range(0, s):
                jj = j + v - pad_s
                mask = inside & (ii >= 0) & (ii < h) & (jj >= 0) & (jj <= w)
                acc += tl.load(plane + ii * w + jj, mask=mask, other=0.0) * tl.load(taps + u * s + v)
    tl.store(y + (image * k + out_channel).to(tl.int64) * h * w + pixels, acc, mask=inside)
