// expect: passed
// spec: {"op": "softmax", "dtype": "bf16", "entry": "softmax", "args": ["x", "y", "rows", "cols"], "launch": {"grid": ["rows"], "block": [256]}, "cases": [{"rows": 1, "cols": 1}, {"rows": 3, "cols": 1000}, {"rows": 255, "cols": 257}, {"rows": 4096, "cols": 4096}], "timing": {"warmup": 2, "iterations": 10, "maxIterations": 20}, "timeoutSeconds": 120}
// Row softmax over bf16 storage, one block of 256 threads per row, computed in float.
#include <cuda_bf16.h>

#define GROUP 256

__device__ float block_reduce(float value, float* scratch, bool take_max)
{
    scratch[threadIdx.x] = value;
    __syncthreads();
    for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride)
            scratch[threadIdx.x] = take_max ? fmaxf(scratch[threadIdx.x], scratch[threadIdx.x + stride])
                                            : scratch[threadIdx.x] + scratch[threadIdx.x + stride];
        __syncthreads();
    }
    float result = scratch[0];
    __syncthreads();
    return result;
}

extern "C" __global__ void softmax(const __nv_bfloat16* x, __nv_bfloat16* y, int rows, int cols)
{
    __shared__ float scratch[GROUP];
    const __nv_bfloat16* in = x + (size_t)blockIdx.x * cols;
    __nv_bfloat16* out = y + (size_t)blockIdx.x * cols;
    float largest = __int_as_float((int)0xff800000u);  // -inf: NVRTC has no <math.h>, so no INFINITY
    for (int j = threadIdx.x; j < cols; j += GROUP)
        largest = fmaxf(largest, __bfloat162float(in[j]));
    largest = block_reduce(largest, scratch, true);
    float sum = 0.0f;
    for (int j = threadIdx.x; j < cols; j += GROUP)
        sum += expf(__bfloat162float(in[j]) - largest);
    float inverse = 1.0f / block_reduce(sum, scratch, false);
    for (int j = threadIdx.x; j < cols; j += GROUP)
        out[j] = __float2bfloat16_rn(expf(__bfloat162float(in[j]) - largest) * inverse);
}
