// CONTROL KERNEL, must fail (out_of_bounds): the guard is i <= n, so one work-item writes z[n], past the end (caught by the guard zones).
// z = x + y, one work-item per element. The global size is rounded up to whole work-groups, so the
// work-items past n must do nothing.
__kernel void vector_add(__global const float* x, __global const float* y, __global float* z, const int n)
{
    int i = get_global_id(0);
    if (i <= n)
        z[i] = x[i] + y[i];
}
