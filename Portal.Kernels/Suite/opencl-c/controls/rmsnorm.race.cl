// CONTROL KERNEL, must fail (race): no barrier between the steps of the local tree, so work-items read partial sums not yet added.
#define GROUP 256

// The work-group's sum of one value per work-item, as a tree in local memory; every work-item gets the result.
float group_sum(float value, __local float* scratch)
{
    int lid = get_local_id(0);
    scratch[lid] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
        if (lid < stride)
            scratch[lid] += scratch[lid + stride];
    }
    return scratch[0];
}

// RMS normalisation, one work-group per row: the mean of squares, then each output scaled and weighted.
__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void rmsnorm(__global const float* x, __global const float* w, __global float* y, const int rows, const int cols, const float eps)
{
    __local float scratch[GROUP];
    int lid = get_local_id(0);
    __global const float* in = x + (size_t)get_group_id(0) * cols;
    __global float* out = y + (size_t)get_group_id(0) * cols;

    float squares = 0.0f;
    for (int j = lid; j < cols; j += GROUP)
        squares += in[j] * in[j];
    float scale = rsqrt(group_sum(squares, scratch) / cols + eps);

    for (int j = lid; j < cols; j += GROUP)
        out[j] = in[j] * scale * w[j];
}
