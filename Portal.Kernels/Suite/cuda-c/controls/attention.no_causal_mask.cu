// CONTROL KERNEL, must fail (no_causal_mask): every query sees all seq keys, so causal cases get the non-causal answer.
// Attention, o = softmax(q·kᵀ/√dim)·v per head, one thread per query row of bh·seq: the same two passes as the
// opencl-c kernel. The first keeps the running maximum m of the scores and the sum l of exp(score − m), rescaled
// whenever m grows (online softmax), so expf never overflows; the second recomputes each score and adds
// exp(score − m)/l · v_j into the output row, cleared first. Accurate expf: no fast math.
#define NEGATIVE_INFINITY __int_as_float((int)0xff800000u)  // NVRTC has no <math.h>, so no INFINITY

__device__ __forceinline__ float score(const float* __restrict__ query, const float* __restrict__ key, int dim, float scale)
{
    float s = 0.0f;
    for (int d = 0; d < dim; ++d)
        s += query[d] * key[d];
    return s * scale;
}

extern "C" __global__ void attention(const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
                                     float* __restrict__ o, int bh, int seq, int dim, int causal)
{
    const long long row = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= (long long)bh * seq)
        return;
    const int keys = seq;
    const long long head = (row / seq) * seq * dim;
    const float* query = q + row * dim;
    float* out = o + row * dim;
    const float scale = 1.0f / sqrtf((float)dim);

    float m = NEGATIVE_INFINITY, l = 0.0f;
    for (int j = 0; j < keys; ++j) {
        const float s = score(query, k + head + (long long)j * dim, dim, scale);
        const float grown = fmaxf(m, s);
        l = l * expf(m - grown) + expf(s - grown);
        m = grown;
    }

    for (int d = 0; d < dim; ++d)
        out[d] = 0.0f;
    const float inverse = 1.0f / l;
    for (int j = 0; j < keys; ++j) {
        const float p = expf(score(query, k + head + (long long)j * dim, dim, scale) - m) * inverse;
        const float* value = v + head + (long long)j * dim;
        for (int d = 0; d < dim; ++d)
            out[d] += p * value[d];
    }
}
