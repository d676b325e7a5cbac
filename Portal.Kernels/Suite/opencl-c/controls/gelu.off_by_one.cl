// CONTROL KERNEL, must fail (off_by_one): the bound is n - 1, so the last element is never written.
// GELU, tanh approximation: y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), one work-item per element.
__kernel void gelu(__global const float* x, __global float* y, const int n)
{
    int i = get_global_id(0);
    if (i < n - 1) {
        float v = x[i];
        y[i] = 0.5f * v * (1.0f + tanh(0.7978845608f * (v + 0.044715f * v * v * v)));
    }
}
