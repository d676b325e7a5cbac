#define GROUP 256

// bfloat16 is stored as the top 16 bits of a float32 (DESIGN.md "Spec v2": __global ushort* in OpenCL C).
float bf16_to_float(ushort bits)
{
    return as_float((uint)bits << 16);
}

// float32 to bfloat16, rounding to nearest even; a NaN stays a (quiet) NaN rather than rounding into infinity.
ushort float_to_bf16(float value)
{
    uint bits = as_uint(value);
    if (isnan(value))
        return (ushort)((bits >> 16) | 0x40);
    bits += 0x7FFF + ((bits >> 16) & 1);
    return (ushort)(bits >> 16);
}

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

// Layer normalisation of bfloat16 rows into bfloat16, computed in float32, one work-group per row: the mean,
// then the (biased) variance from the deviations — two passes, which float32 keeps accurate where E[x²] −
// mean² would cancel — then each output.
__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void layernorm(__global const ushort* x, __global const ushort* gamma, __global const ushort* beta, __global ushort* y,
               const int rows, const int cols, const float eps)
{
    __local float scratch[GROUP];
    int lid = get_local_id(0);
    __global const ushort* in = x + (size_t)get_group_id(0) * cols;
    __global ushort* out = y + (size_t)get_group_id(0) * cols;

    float sum = 0.0f;
    for (int j = lid; j < cols; j += GROUP)
        sum += bf16_to_float(in[j]);
    float mean = group_sum(sum, scratch) / cols;

    float squares = 0.0f;
    for (int j = lid; j < cols; j += GROUP) {
        float d = bf16_to_float(in[j]) - mean;
        squares += d * d;
    }
    float variance = group_sum(squares, scratch) / cols;
    float scale = rsqrt(variance + eps);

    for (int j = lid; j < cols; j += GROUP)
        out[j] = float_to_bf16((bf16_to_float(in[j]) - mean) * scale * bf16_to_float(gamma[j]) + bf16_to_float(beta[j]));
}
