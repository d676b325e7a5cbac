// CONTROL KERNEL, must fail (missing_term): dx = y·dy, without the row sum Σ dy·y that softmax's Jacobian subtracts.
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

// Softmax backward, one work-group per row: s = Σ dy·y over the row, then dx = y·(dy − s). Each work-item
// strides over the row, so a row may be longer than the work-group.
__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void softmax_backward(__global const float* y, __global const float* dy, __global float* dx, const int rows, const int cols)
{
    __local float scratch[GROUP];
    int lid = get_local_id(0);
    size_t row = (size_t)get_group_id(0) * cols;

    float partial = 0.0f;
    for (int j = lid; j < cols; j += GROUP)
        partial += dy[row + j] * y[row + j];
    float sum = group_sum(partial, scratch);

    for (int j = lid; j < cols; j += GROUP)
        dx[row + j] = y[row + j] * dy[row + j];
}
