// Cross-entropy backward, dlogits = softmax(row) − onehot(target), one block of 256 threads per row: the row's
// maximum (subtracted so expf cannot overflow), Σ exp(x − max), then the outputs. Accurate expf: no fast math.
#define THREADS 256
#define NEGATIVE_INFINITY __int_as_float((int)0xff800000u)  // NVRTC has no <math.h>, so no INFINITY

__device__ __forceinline__ float warp_reduce(float value, bool take_max)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        const float other = __shfl_xor_sync(0xffffffffu, value, offset);
        value = take_max ? fmaxf(value, other) : value + other;
    }
    return value;
}

// The block's maximum or total, returned to every thread; `scratch` holds 33 floats.
__device__ float block_reduce(float value, float* scratch, bool take_max)
{
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    value = warp_reduce(value, take_max);
    __syncthreads();  // scratch may still be read from a previous call
    if (lane == 0)
        scratch[warp] = value;
    __syncthreads();
    if (warp == 0) {
        value = warp_reduce(lane < THREADS / 32 ? scratch[lane] : (take_max ? NEGATIVE_INFINITY : 0.0f), take_max);
        if (lane == 0)
            scratch[32] = value;
    }
    __syncthreads();
    return scratch[32];
}

extern "C" __global__ void __launch_bounds__(THREADS) cross_entropy_backward(const float* __restrict__ logits,
    const int* __restrict__ target, float* __restrict__ dlogits, int rows, int cols)
{
    __shared__ float scratch[33];
    const float* in = logits + (long long)blockIdx.x * cols;
    float* out = dlogits + (long long)blockIdx.x * cols;
    const int t = target[blockIdx.x];

    float largest = NEGATIVE_INFINITY;
    for (int j = threadIdx.x; j < cols; j += THREADS)
        largest = fmaxf(largest, in[j]);
    largest = block_reduce(largest, scratch, true);

    float sum = 0.0f;
    for (int j = threadIdx.x; j < cols; j += THREADS)
        sum += expf(in[j] - largest);
    const float inverse = 1.0f / block_reduce(sum, scratch, false);

    for (int j = threadIdx.x; j < cols; j += THREADS)
        out[j] = expf(in[j] - largest) * inverse - (j == t ? 1.0f : 0.0f);
}
