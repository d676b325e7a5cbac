// CONTROL KERNEL, must fail (lost_tail): the scalar path for the last partial group of four is gone.
// z = a·x + y. Each work-item handles four consecutive elements with vector loads and stores (vload4 needs
// only float alignment); the last, partial group of four takes the scalar path, so any n works.
__kernel void saxpy(__global const float* x, __global const float* y, __global float* z, const int n, const float a)
{
    int i = get_global_id(0) * 4;
    if (i + 3 < n) {
        vstore4(a * vload4(0, x + i) + vload4(0, y + i), 0, z + i);
    } else if (0) {
        for (; i < n; i++)
            z[i] = a * x[i] + y[i];
    }
}
