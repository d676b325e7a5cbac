// Embedding lookup, y[t, d] = table[ids[t], d]: one block per token (grid x, which has room for any token count) and
// blocks of 256 threads along the row (grid y), so that neighbouring threads copy neighbouring elements of one row.
// Offsets in 64 bits: ids·dim may pass 2^31.
#define THREADS 256

extern "C" __global__ void __launch_bounds__(THREADS) embedding(const float* __restrict__ table, const int* __restrict__ ids,
                                                                float* __restrict__ y, int tokens, int vocab, int dim)
{
    const int t = blockIdx.x;
    const int d = blockIdx.y * THREADS + threadIdx.x;
    if (t < tokens && d < dim)
        y[(long long)t * dim + d] = table[(long long)ids[t] * dim + d];
}
