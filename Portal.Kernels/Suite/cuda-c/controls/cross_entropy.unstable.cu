// CONTROL KERNEL, must fail (unstable): the row maximum is found but not subtracted, so expf overflows (or underflows) on rows offset by ±1000 (distribution "large").
// Cross-entropy loss per row, loss = max + log Σ exp(x − max) − x[target], one block of 256 threads per row: the
// row's maximum (subtracted so expf cannot overflow on any input), the sum of exponentials, each as a tree in shared
// memory, then thread 0 writes the loss. Threads stride over the row, so a row may be longer than the block.
// Accurate expf and logf: no fast math.
#define THREADS 256
#define NEGATIVE_INFINITY __int_as_float((int)0xff800000u)  // NVRTC has no <math.h>, so no INFINITY

__device__ float block_reduce(float value, float* scratch, bool take_max)
{
    scratch[threadIdx.x] = value;
    __syncthreads();
    for (int stride = THREADS / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride)
            scratch[threadIdx.x] = take_max ? fmaxf(scratch[threadIdx.x], scratch[threadIdx.x + stride])
                                            : scratch[threadIdx.x] + scratch[threadIdx.x + stride];
        __syncthreads();
    }
    const float result = scratch[0];
    __syncthreads();
    return result;
}

extern "C" __global__ void __launch_bounds__(THREADS) cross_entropy(const int* __restrict__ target, const float* __restrict__ logits,
                                                                    float* __restrict__ loss, int rows, int cols)
{
    __shared__ float scratch[THREADS];
    const int row = blockIdx.x;
    const float* in = logits + (long long)row * cols;

    float largest = NEGATIVE_INFINITY;
    for (int j = threadIdx.x; j < cols; j += THREADS)
        largest = fmaxf(largest, in[j]);
    largest = block_reduce(largest, scratch, true);

    float sum = 0.0f;
    for (int j = threadIdx.x; j < cols; j += THREADS)
        sum += expf(in[j]);
    sum = block_reduce(sum, scratch, false);

    if (threadIdx.x == 0)
        loss[row] = logf(sum) - in[target[row]];
}
