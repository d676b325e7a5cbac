// Embedding lookup, y[t, d] = table[ids[t], d]: one work-item per output element over (dim, tokens), so that
// neighbouring work-items copy neighbouring elements of one row. Offsets in size_t: ids·dim may pass 2^31.
__kernel void embedding(__global const float* table, __global const int* ids, __global float* y,
                        const int tokens, const int vocab, const int dim)
{
    int d = get_global_id(0);
    int t = get_global_id(1);
    if (d < dim && t < tokens)
        y[(size_t)t * dim + d] = table[(size_t)ids[t] * dim + d];
}
