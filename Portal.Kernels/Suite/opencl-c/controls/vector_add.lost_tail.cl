// CONTROL KERNEL, must fail (lost_tail): work-items of the last, partial work-group do nothing.
// z = x + y, one work-item per element. The global size is rounded up to whole work-groups, so the
// work-items past n must do nothing.
__kernel void vector_add(__global const float* x, __global const float* y, __global float* z, const int n)
{
    int i = get_global_id(0);
    if (i < n / 256 * 256)
        z[i] = x[i] + y[i];
}
