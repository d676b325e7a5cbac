// CONTROL KERNEL, must fail (lost_tail): work-groups whose tile sticks out of the matrix do nothing.
#define TILE 16

// y = xᵀ (y[j·rows + i] = x[i·cols + j]) through a TILE×TILE tile in local memory, so that both the reads of
// x and the writes of y go to consecutive addresses. The extra column puts a tile's column in different
// local-memory banks, so reading it across is not serialised.
__kernel __attribute__((reqd_work_group_size(TILE, TILE, 1)))
void transpose(__global const float* x, __global float* y, const int rows, const int cols)
{
    __local float tile[TILE][TILE + 1];
    int lx = get_local_id(0);
    int ly = get_local_id(1);
    int row = get_group_id(1) * TILE + ly;
    int col = get_group_id(0) * TILE + lx;
    if ((get_group_id(0) + 1) * TILE > cols || (get_group_id(1) + 1) * TILE > rows)
        return; // the whole work-group returns, so no barrier is split
    tile[ly][lx] = x[row * cols + col];
    barrier(CLK_LOCAL_MEM_FENCE);
    // The same work-group writes the mirrored tile: y's row is x's column and the other way round.
    int y_row = get_group_id(0) * TILE + ly;
    int y_col = get_group_id(1) * TILE + lx;
    if (y_row < cols && y_col < rows)
        y[y_row * rows + y_col] = tile[lx][ly];
}
