// y = silu(a)·b = a/(1 + exp(−a))·b, one element per work-item. Written with exp(−a) so that large |a| gives
// 1/∞ = 0 or 1/(1 + 0) = 1 and never ∞/∞.
__kernel void swiglu(__global const float* a, __global const float* b, __global float* y, const int n)
{
    int i = get_global_id(0);
    if (i < n) {
        float v = a[i];
        y[i] = v / (1.0f + exp(-v)) * b[i];
    }
}
