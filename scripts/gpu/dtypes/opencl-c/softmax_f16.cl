// expect: passed
// spec: {"op": "softmax", "dtype": "f16", "entry": "softmax", "args": ["x", "y", "rows", "cols"], "launch": {"global": ["rows * 256"], "local": [256]}, "cases": [{"rows": 1, "cols": 1}, {"rows": 3, "cols": 1000}, {"rows": 255, "cols": 257}, {"rows": 64, "cols": 1024}], "timing": {"warmup": 1, "iterations": 3, "maxIterations": 3}, "timeoutSeconds": 300}
// Row softmax over f16 storage, one work-group per row, computed in float (Portal.Kernels/Suite/opencl-c/softmax.cl).
#define GROUP 256


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

__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void softmax(__global const half* x, __global half* y, const int rows, const int cols)
{
    __local float scratch[GROUP];
    int lid = get_local_id(0);
    __global const half* in = x + (size_t)get_group_id(0) * cols;
    __global half* out = y + (size_t)get_group_id(0) * cols;

    float largest = -INFINITY;
    for (int j = lid; j < cols; j += GROUP)
        largest = fmax(largest, vload_half(j, in));
    largest = group_reduce(largest, scratch, 1);

    float sum = 0.0f;
    for (int j = lid; j < cols; j += GROUP)
        sum += exp(vload_half(j, in) - largest);
    float inverse = 1.0f / group_reduce(sum, scratch, 0);

    for (int j = lid; j < cols; j += GROUP)
        vstore_half(exp(vload_half(j, in) - largest) * inverse, j, out);
}
