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

// The work-group's maximum or sum of one value per work-item, as a tree in local memory; every work-item
// gets the result. The last barrier lets the caller reuse scratch for the next reduction.
float group_reduce(float value, __local float* scratch, int take_max)
{
    int lid = get_local_id(0);
    scratch[lid] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
        if (lid < stride)
            scratch[lid] = take_max ? fmax(scratch[lid], scratch[lid + stride]) : scratch[lid] + scratch[lid + stride];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float result = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return result;
}

// Row-wise softmax of a bfloat16 matrix into bfloat16, computed in float32, one work-group per row: the row's
// maximum (subtracted so exp cannot overflow on any input), the sum of exponentials, then each output. Each
// work-item strides over the row, so a row may be longer than the work-group.
__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void softmax(__global const ushort* x, __global ushort* y, const int rows, const int cols)
{
    __local float scratch[GROUP];
    int lid = get_local_id(0);
    __global const ushort* in = x + (size_t)get_group_id(0) * cols;
    __global ushort* out = y + (size_t)get_group_id(0) * cols;

    float largest = -INFINITY;
    for (int j = lid; j < cols; j += GROUP)
        largest = fmax(largest, bf16_to_float(in[j]));
    largest = group_reduce(largest, scratch, 1);

    float sum = 0.0f;
    for (int j = lid; j < cols; j += GROUP)
        sum += exp(bf16_to_float(in[j]) - largest);
    float inverse = 1.0f / group_reduce(sum, scratch, 0);

    for (int j = lid; j < cols; j += GROUP)
        out[j] = float_to_bf16(exp(bf16_to_float(in[j]) - largest) * inverse);
}
