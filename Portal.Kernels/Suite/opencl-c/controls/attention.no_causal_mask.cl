// CONTROL KERNEL, must fail (no_causal_mask): every query sees all seq keys, so causal cases get the non-causal answer.
// Attention, o = softmax(q·kᵀ/√dim)·v per head, one work-item per query row of bh·seq. Two passes over the keys
// the row sees (j ≤ i when causal): the first keeps the running maximum m of the scores and the sum l of
// exp(score − m), rescaled whenever m grows (online softmax), so exp never overflows; the second recomputes each
// score and adds exp(score − m)/l · v_j into the output row, which it clears first rather than trusting the fill.
float score(__global const float* query, __global const float* key, const int dim, const float scale)
{
    float s = 0.0f;
    for (int d = 0; d < dim; d++)
        s += query[d] * key[d];
    return s * scale;
}

__kernel void attention(__global const float* q, __global const float* k, __global const float* v, __global float* o,
                        const int bh, const int seq, const int dim, const int causal)
{
    int row = get_global_id(0);
    if (row >= bh * seq)
        return;
    int keys = seq;
    size_t head = (size_t)(row / seq) * seq * dim;
    __global const float* query = q + (size_t)row * dim;
    __global float* out = o + (size_t)row * dim;
    float scale = 1.0f / sqrt((float)dim);

    float m = -INFINITY, l = 0.0f;
    for (int j = 0; j < keys; j++) {
        float s = score(query, k + head + (size_t)j * dim, dim, scale);
        float grown = fmax(m, s);
        l = l * exp(m - grown) + exp(s - grown);
        m = grown;
    }

    for (int d = 0; d < dim; d++)
        out[d] = 0.0f;
    float inverse = 1.0f / l;
    for (int j = 0; j < keys; j++) {
        float p = exp(score(query, k + head + (size_t)j * dim, dim, scale) - m) * inverse;
        __global const float* value = v + head + (size_t)j * dim;
        for (int d = 0; d < dim; d++)
            out[d] += p * value[d];
    }
}
