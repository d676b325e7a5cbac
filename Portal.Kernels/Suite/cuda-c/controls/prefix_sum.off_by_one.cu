// CONTROL KERNEL, must fail (off_by_one): the tail path stops at n - 1, so the last element is never written when the last tile is partial.
// Inclusive scan, y[i] = x[0] + … + x[i], in one launch for any n: the single-pass scan with decoupled
// look-back (Merrill & Garland, 2016). Each block scans a tile of 4096 elements in registers and shared memory,
// publishes the tile's total at once, and then learns the sum of everything before it by reading its
// predecessors' published totals, 32 tiles at a time, until one of them has published its full inclusive prefix.
// Tiles are handed out in the order blocks start (a ticket), so a block only ever waits for blocks that are
// already running. The per-tile states live in this module's own device memory; the last block to finish clears
// them, so the next launch starts from a clean slate. launch.grid must be ceil_div(n, 4096), launch.block 512.
#define THREADS 512
#define ITEMS 8
#define TILE (THREADS * ITEMS)
#define MAX_TILES 524288  // ceil_div(2^31 - 1, TILE)
#define FULL_MASK 0xffffffffu

// A state is (flag << 32) | value; flag 0: nothing yet, 1: the tile's own total, 2: inclusive prefix up to the tile's end.
#define FLAG_TOTAL 1ull
#define FLAG_PREFIX 2ull

__device__ unsigned long long tile_states[MAX_TILES];
__device__ unsigned int next_ticket;
__device__ unsigned int finished_tiles;

__device__ __forceinline__ int warp_inclusive_scan(int value, int lane)
{
#pragma unroll
    for (int offset = 1; offset < 32; offset <<= 1) {
        const int other = __shfl_up_sync(FULL_MASK, value, offset);
        if (lane >= offset)
            value += other;
    }
    return value;
}

__device__ __forceinline__ int warp_sum(int value)
{
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1)
        value += __shfl_xor_sync(FULL_MASK, value, offset);
    return value;
}

__device__ __forceinline__ void publish(unsigned int tile, unsigned long long flag, int value)
{
    atomicExch(&tile_states[tile], (flag << 32) | (unsigned int)value);
}

// Run by warp 0: the sum of all elements before `tile`, from the predecessors' states.
__device__ int look_back(unsigned int tile, int lane)
{
    int exclusive = 0;
    for (long long window = (long long)tile - 1; window >= 0; window -= 32) {
        const long long index = window - lane;
        unsigned long long state = FLAG_PREFIX << 32;  // before tile 0: a prefix of 0
        if (index >= 0) {
            do {
                state = *reinterpret_cast<volatile unsigned long long*>(&tile_states[index]);
            } while ((state >> 32) == 0);
        }
        // The nearest predecessor holding a full prefix ends the search; lanes beyond it are not needed.
        const unsigned int prefixes = __ballot_sync(FULL_MASK, (state >> 32) == FLAG_PREFIX);
        const int last = prefixes != 0 ? __ffs(prefixes) - 1 : 31;
        exclusive += warp_sum(lane <= last ? (int)(unsigned int)state : 0);
        if (prefixes != 0)
            break;
    }
    return exclusive;
}

extern "C" __global__ void __launch_bounds__(THREADS) prefix_sum(const int* __restrict__ x, int* __restrict__ y, int n)
{
    __shared__ unsigned int ticket;
    __shared__ int warp_totals[THREADS / 32];
    __shared__ int tile_offset;
    __shared__ bool last_block;
    if (gridDim.x > MAX_TILES)
        return;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;

    if (threadIdx.x == 0)
        ticket = atomicAdd(&next_ticket, 1u);
    __syncthreads();
    const unsigned int tile = ticket;
    const long long first = (long long)tile * TILE + (long long)threadIdx.x * ITEMS;

    int v[ITEMS];
    if (first + ITEMS <= n) {
        const int4 a = *reinterpret_cast<const int4*>(x + first);
        const int4 b = *reinterpret_cast<const int4*>(x + first + 4);
        v[0] = a.x; v[1] = a.y; v[2] = a.z; v[3] = a.w; v[4] = b.x; v[5] = b.y; v[6] = b.z; v[7] = b.w;
    } else {
#pragma unroll
        for (int k = 0; k < ITEMS; ++k)
            v[k] = first + k < n ? x[first + k] : 0;
    }
#pragma unroll
    for (int k = 1; k < ITEMS; ++k)
        v[k] += v[k - 1];

    // Block-wide: each thread's offset within the tile, and the tile's total.
    const int inclusive = warp_inclusive_scan(v[ITEMS - 1], lane);
    if (lane == 31)
        warp_totals[warp] = inclusive;
    __syncthreads();
    if (warp == 0) {
        const int total = warp_inclusive_scan(lane < THREADS / 32 ? warp_totals[lane] : 0, lane);
        if (lane < THREADS / 32)
            warp_totals[lane] = total;
    }
    __syncthreads();
    const int tile_total = warp_totals[THREADS / 32 - 1];
    const int thread_offset = inclusive - v[ITEMS - 1] + (warp > 0 ? warp_totals[warp - 1] : 0);

    if (warp == 0) {
        if (lane == 0)
            publish(tile, tile == 0 ? FLAG_PREFIX : FLAG_TOTAL, tile_total);
        const int exclusive = tile == 0 ? 0 : look_back(tile, lane);
        if (lane == 0) {
            if (tile != 0)
                publish(tile, FLAG_PREFIX, exclusive + tile_total);
            tile_offset = exclusive;
        }
    }
    __syncthreads();

    const int offset = tile_offset + thread_offset;
#pragma unroll
    for (int k = 0; k < ITEMS; ++k)
        v[k] += offset;
    if (first + ITEMS <= n) {
        *reinterpret_cast<int4*>(y + first) = make_int4(v[0], v[1], v[2], v[3]);
        *reinterpret_cast<int4*>(y + first + 4) = make_int4(v[4], v[5], v[6], v[7]);
    } else {
#pragma unroll
        for (int k = 0; k < ITEMS; ++k)
            if (first + k < n - 1)
                y[first + k] = v[k];
    }

    // Every block counts itself out after its look-back; the last one sees all others done and resets the states.
    if (threadIdx.x == 0) {
        __threadfence();
        last_block = atomicAdd(&finished_tiles, 1u) == gridDim.x - 1;
    }
    __syncthreads();
    if (last_block) {
        for (unsigned int t = threadIdx.x; t < gridDim.x; t += THREADS)
            tile_states[t] = 0;
        if (threadIdx.x == 0) {
            next_ticket = 0;
            finished_tiles = 0;
        }
    }
}
