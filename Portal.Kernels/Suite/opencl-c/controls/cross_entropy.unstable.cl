// CONTROL KERNEL, must fail (unstable): the row maximum is found but not subtracted, so exp overflows (or underflows) on rows offset by ±1000 (distribution "large").
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

// Cross-entropy loss per row, loss = max + log Σ exp(x − max) − x[target], one work-group per row: the row's
// maximum (subtracted so exp cannot overflow on any input), the sum of exponentials, then work-item 0 writes
// the loss. Each work-item strides over the row, so a row may be longer than the work-group.
__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void cross_entropy(__global const int* target, __global const float* logits, __global float* loss, const int rows, const int cols)
{
    __local float scratch[GROUP];
    int lid = get_local_id(0);
    int row = get_group_id(0);
    __global const float* in = logits + (size_t)row * cols;

    float largest = -INFINITY;
    for (int j = lid; j < cols; j += GROUP)
        largest = fmax(largest, in[j]);
    largest = group_reduce(largest, scratch, 1);

    float sum = 0.0f;
    for (int j = lid; j < cols; j += GROUP)
        sum += exp(in[j]);
    sum = group_reduce(sum, scratch, 0);

    if (lid == 0)
        loss[row] = log(sum) - in[target[row]];
}
