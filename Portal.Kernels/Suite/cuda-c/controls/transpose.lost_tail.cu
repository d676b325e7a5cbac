// CONTROL KERNEL, must fail (lost_tail): blocks whose tile sticks out of the matrix do nothing.
// y[j·rows + i] = x[i·cols + j]. A block of 32×8 threads moves one 32×32 tile through shared memory, so that both
// the reads of x and the writes of y are coalesced along rows; the tile has one padding column so that reading
// it by columns does not hit the same shared-memory bank 32 times. Edge tiles are bounds-checked.
#define TILE 32
#define ROWS_PER_PASS 8

extern "C" __global__ void transpose(const float* __restrict__ x, float* __restrict__ y, int rows, int cols)
{
    __shared__ float tile[TILE][TILE + 1];
    const int tile_row = blockIdx.y * TILE, tile_col = blockIdx.x * TILE;

    if (tile_row + TILE > rows || tile_col + TILE > cols)
        return; // the whole block returns, before any __syncthreads
    for (int r = threadIdx.y; r < TILE; r += ROWS_PER_PASS) {
        const int i = tile_row + r, j = tile_col + threadIdx.x;
        if (i < rows && j < cols)
            tile[r][threadIdx.x] = x[(long long)i * cols + j];
    }
    __syncthreads();
    for (int c = threadIdx.y; c < TILE; c += ROWS_PER_PASS) {
        const int j = tile_col + c, i = tile_row + threadIdx.x;
        if (j < cols && i < rows)
            y[(long long)j * rows + i] = tile[threadIdx.x][c];
    }
}
