// CONTROL KERNEL, must fail (missing_term): dx without the x̂·mean(dy·gamma·x̂) term, the gradient through the variance.
#define GROUP 256

// The work-group's sum of one value per work-item, as a tree in local memory; every work-item gets the
// result. The last barrier lets the caller reuse scratch for the next sum.
float group_sum(float value, __local float* scratch)
{
    int lid = get_local_id(0);
    scratch[lid] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
        if (lid < stride)
            scratch[lid] += scratch[lid + stride];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float result = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return result;
}

// Layer-norm backward in one launch, without atomics: each work-group owns GROUP columns (one per work-item)
// and walks every row. For each row it computes the statistics over the whole row together — the mean, then,
// from the deviations (two passes; E[x²] − mean² would cancel), the variance, Σ dy·gamma and Σ dy·gamma·(x − mean)
// — writes dx for its own columns and adds dy·x̂ and dy to its columns' dgamma and dbeta, which only it writes.
// Rows are re-read once per column group: simple rather than fast for very wide rows.
__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void layernorm_backward(__global const float* x, __global const float* dy, __global const float* gamma,
                        __global float* dx, __global float* dgamma, __global float* dbeta,
                        const int rows, const int cols, const float eps)
{
    __local float scratch[GROUP];
    int lid = get_local_id(0);
    int col = get_group_id(0) * GROUP + lid;
    float g = col < cols ? gamma[col] : 0.0f;
    float dgamma_sum = 0.0f, dbeta_sum = 0.0f;

    for (int i = 0; i < rows; i++) {
        size_t row = (size_t)i * cols;
        float partial = 0.0f;
        for (int j = lid; j < cols; j += GROUP)
            partial += x[row + j];
        float mean = group_sum(partial, scratch) / cols;

        float squares = 0.0f, dxhat = 0.0f, dxhat_dev = 0.0f;
        for (int j = lid; j < cols; j += GROUP) {
            float d = x[row + j] - mean;
            float h = dy[row + j] * gamma[j];
            squares += d * d;
            dxhat += h;
            dxhat_dev += h * d;
        }
        float rstd = rsqrt(group_sum(squares, scratch) / cols + eps);
        float mean_dxhat = group_sum(dxhat, scratch) / cols;
        float mean_dxhat_xhat = group_sum(dxhat_dev, scratch) * rstd / cols;

        if (col < cols) {
            float xhat = (x[row + col] - mean) * rstd;
            float d = dy[row + col];
            dx[row + col] = rstd * (d * g - mean_dxhat);
            dgamma_sum += d * xhat;
            dbeta_sum += d;
        }
    }
    if (col < cols) {
        dgamma[col] = dgamma_sum;
        dbeta[col] = dbeta_sum;
    }
}
