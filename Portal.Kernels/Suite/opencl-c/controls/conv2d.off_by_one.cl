// CONTROL KERNEL, must fail (off_by_one): the right padding bound is jj <= w, so the output pixels at the right edge read the first pixel of the next row (or plane) where they should read a zero.
// 2-D convolution (cross-correlation), NCHW, stride 1, zero padding (r − 1)/2 and (s − 1)/2: one work-item per
// output pixel over (w, h, n·k). Taps that fall outside the image are skipped, which is reading a zero.
__kernel void conv2d(__global const float* x, __global const float* wt, __global float* y,
                     const int n, const int c, const int h, const int w, const int k, const int r, const int s)
{
    int j = get_global_id(0);
    int i = get_global_id(1);
    int image = get_global_id(2) / k;
    int out_channel = get_global_id(2) % k;
    if (j >= w || i >= h)
        return;
    int pad_r = (r - 1) / 2, pad_s = (s - 1) / 2;
    float sum = 0.0f;
    for (int ch = 0; ch < c; ch++) {
        __global const float* plane = x + ((size_t)image * c + ch) * h * w;
        __global const float* filter = wt + ((size_t)out_channel * c + ch) * r * s;
        for (int u = 0; u < r; u++) {
            int ii = i + u - pad_r;
            if (ii < 0 || ii >= h)
                continue;
            for (int v = 0; v < s; v++) {
                int jj = j + v - pad_s;
                if (jj >= 0 && jj <= w)
                    sum += plane[ii * w + jj] * filter[u * s + v];
            }
        }
    }
    y[(((size_t)image * k + out_channel) * h + i) * w + j] = sum;
}
