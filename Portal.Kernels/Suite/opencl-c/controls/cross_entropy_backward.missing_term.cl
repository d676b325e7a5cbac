// CONTROL KERNEL, must fail (missing_term): the softmax alone, without subtracting the one-hot of the target.
#define GROUP 256

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

// Cross-entropy backward, one work-group per row: the row's softmax (its maximum subtracted so exp cannot
// overflow), minus 1 at the row's target column.
__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void cross_entropy_backward(__global const float* logits, __global const int* target, __global float* dlogits,
                            const int rows, const int cols)
{
    __local float scratch[GROUP];
    int lid = get_local_id(0);
    __global const float* in = logits + (size_t)get_group_id(0) * cols;
    __global float* out = dlogits + (size_t)get_group_id(0) * cols;
    int t = target[get_group_id(0)];

    float largest = -INFINITY;
    for (int j = lid; j < cols; j += GROUP)
        largest = fmax(largest, in[j]);
    largest = group_reduce(largest, scratch, 1);

    float sum = 0.0f;
    for (int j = lid; j < cols; j += GROUP)
        sum += exp(in[j] - largest);
    float inverse = 1.0f / group_reduce(sum, scratch, 0);

    for (int j = lid; j < cols; j += GROUP)
        out[j] = exp(in[j] - largest) * inverse;
}
