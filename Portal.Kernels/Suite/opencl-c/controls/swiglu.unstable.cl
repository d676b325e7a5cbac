// CONTROL KERNEL, must fail (unstable): silu written as a·e^a/(1 + e^a), which is ∞/∞ = NaN for a above 88.7 (distribution "large").
// y = silu(a)·b = a/(1 + exp(−a))·b, one element per work-item. Written with exp(−a) so that large |a| gives
// 1/∞ = 0 or 1/(1 + 0) = 1 and never ∞/∞.
__kernel void swiglu(__global const float* a, __global const float* b, __global float* y, const int n)
{
    int i = get_global_id(0);
    if (i < n) {
        float v = a[i];
        float e = exp(v);
        y[i] = v * e / (1.0f + e) * b[i];
    }
}
