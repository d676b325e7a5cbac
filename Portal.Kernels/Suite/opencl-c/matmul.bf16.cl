#define TILE 32
#define ROWS_PER_ITEM 4
#define GROUP_Y (TILE / ROWS_PER_ITEM)

// bfloat16 is stored as the top 16 bits of a float32 (DESIGN.md "Spec v2": __global ushort* in OpenCL C).
float bf16_to_float(ushort bits)
{
    return as_float((uint)bits << 16);
}

// c = a·b with a and b in bfloat16 and c in float32 (mixed precision, as tensor-core GEMMs are used),
// row-major, in TILE×TILE output blocks. For each step along k the work-group stages a TILE×TILE block of a and of
// b in local memory; each work-item then accumulates ROWS_PER_ITEM outputs of one column in registers, reusing
// each b value it loads that many times. Loads outside the matrices read as zero, so any m, n, k work.
__kernel __attribute__((reqd_work_group_size(TILE, GROUP_Y, 1)))
void matmul(__global const ushort* a, __global const ushort* b, __global float* c, const int m, const int n, const int k)
{
    __local float a_tile[TILE][TILE];
    __local float b_tile[TILE][TILE];
    int tx = get_local_id(0);
    int ty = get_local_id(1);
    int first_row = get_group_id(1) * TILE;
    int col = get_group_id(0) * TILE + tx;
    float acc[ROWS_PER_ITEM] = { 0.0f };

    // Not (k + TILE - 1) / TILE, which overflows for k near 2^31.
    int tiles = (k - 1) / TILE + 1;
    for (int t = 0; t < tiles; t++) {
        for (int r = 0; r < ROWS_PER_ITEM; r++) {
            int ly = ty + r * GROUP_Y;
            int a_row = first_row + ly;
            int a_col = t * TILE + tx;
            a_tile[ly][tx] = a_row < m && a_col < k ? bf16_to_float(a[a_row * k + a_col]) : 0.0f;
            int b_row = t * TILE + ly;
            b_tile[ly][tx] = b_row < k && col < n ? bf16_to_float(b[b_row * n + col]) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int kk = 0; kk < TILE; kk++) {
            float bv = b_tile[kk][tx];
            for (int r = 0; r < ROWS_PER_ITEM; r++)
                acc[r] += a_tile[ty + r * GROUP_Y][kk] * bv;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int r = 0; r < ROWS_PER_ITEM; r++) {
        int row = first_row + ty + r * GROUP_Y;
        if (row < m && col < n)
            c[row * n + col] = acc[r];
    }
}
