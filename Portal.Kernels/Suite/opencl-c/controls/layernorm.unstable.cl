// CONTROL KERNEL, must fail (unstable): one pass, variance = E[x²] − mean², which cancels on rows offset by ±1000 (distribution "large").
#define GROUP 256

// The work-group's sum of one value per work-item, as a tree in local memory; every work-item gets the
// result. The last barrier lets the caller reuse scratch for the next sum.
float group_sum(float value, __local float* scratch)
{
    int lid = get_local_id(0);
    scratch[lid] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
        if (lid < stride)
            scratch[lid] += scratch[lid + stride];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float result = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return result;
}

// Layer normalisation, one work-group per row: the mean, then the (biased) variance from the deviations —
// two passes, which float32 keeps accurate where E[x²] − mean² would cancel — then each output.
__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void layernorm(__global const float* x, __global const float* gamma, __global const float* beta, __global float* y,
               const int rows, const int cols, const float eps)
{
    __local float scratch[GROUP];
    int lid = get_local_id(0);
    __global const float* in = x + (size_t)get_group_id(0) * cols;
    __global float* out = y + (size_t)get_group_id(0) * cols;

    float sum = 0.0f;
    for (int j = lid; j < cols; j += GROUP)
        sum += in[j];
    float mean = group_sum(sum, scratch) / cols;

    float squares = 0.0f;
    for (int j = lid; j < cols; j += GROUP)
        squares += in[j] * in[j];
    float variance = group_sum(squares, scratch) / cols - mean * mean;
    float scale = rsqrt(variance + eps);

    for (int j = lid; j < cols; j += GROUP)
        out[j] = (in[j] - mean) * scale * gamma[j] + beta[j];
}
