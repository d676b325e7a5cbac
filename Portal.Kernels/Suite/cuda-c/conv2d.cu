// 2-D convolution (cross-correlation), NCHW, stride 1, zero padding (r − 1)/2 and (s − 1)/2: one thread per output
// pixel, blocks of 16×16 pixels, grid z over (image, output channel). Taps outside the image are skipped, which is
// reading a zero. A straightforward direct convolution, no shared-memory tiling.
#define TILE 16

extern "C" __global__ void __launch_bounds__(TILE * TILE) conv2d(const float* __restrict__ x, const float* __restrict__ wt, float* __restrict__ y,
                                                                 int n, int c, int h, int w, int k, int r, int s)
{
    const int j = blockIdx.x * TILE + threadIdx.x;
    const int i = blockIdx.y * TILE + threadIdx.y;
    const int image = blockIdx.z / k, out_channel = blockIdx.z % k;
    if (j >= w || i >= h)
        return;
    const int pad_r = (r - 1) / 2, pad_s = (s - 1) / 2;
    float sum = 0.0f;
    for (int ch = 0; ch < c; ch++) {
        const float* plane = x + ((long long)image * c + ch) * h * w;
        const float* filter = wt + ((long long)out_channel * c + ch) * r * s;
        for (int u = 0; u < r; u++) {
            const int ii = i + u - pad_r;
            if (ii < 0 || ii >= h)
                continue;
            for (int v = 0; v < s; v++) {
                const int jj = j + v - pad_s;
                if (jj >= 0 && jj < w)
                    sum += plane[ii * w + jj] * filter[u * s + v];
            }
        }
    }
    y[(((long long)image * k + out_channel) * h + i) * w + j] = sum;
}
