// CONTROL KERNEL, must fail (lost_tail): only whole chunks are scanned; the last, partial chunk is skipped.
#define GROUP 256
#define ITEMS 4
#define CHUNK (GROUP * ITEMS)

// y[i] = x[0] + … + x[i]. One work-group walks the array in chunks of CHUNK elements and carries the running
// total from chunk to chunk, so one launch is correct for any n. (A scan spread over many work-groups would
// need groups to wait on each other, and OpenCL 1.2 does not promise that a waited-on group ever runs.)
// Within a chunk each work-item scans its ITEMS consecutive elements in registers, and the work-group scans
// the work-items' totals in local memory (Hillis–Steele).
__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void prefix_sum(__global const int* x, __global int* y, const int n)
{
    __local int totals[GROUP];
    uint lid = get_local_id(0);
    uint count = (uint)n;
    int carry = 0;
    // Unsigned: base + CHUNK must not overflow when n is close to 2^31.
    for (uint base = 0; base + CHUNK <= count; base += CHUNK) {
        uint start = base + lid * ITEMS;
        int scanned[ITEMS];
        int running = 0;
        for (uint k = 0; k < ITEMS; k++) {
            running += start + k < count ? x[start + k] : 0;
            scanned[k] = running;
        }
        totals[lid] = running;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint offset = 1; offset < GROUP; offset <<= 1) {
            int left = lid >= offset ? totals[lid - offset] : 0;
            barrier(CLK_LOCAL_MEM_FENCE);
            totals[lid] += left;
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        int before = carry + totals[lid] - running;
        for (uint k = 0; k < ITEMS; k++) {
            if (start + k < count)
                y[start + k] = before + scanned[k];
        }
        carry += totals[GROUP - 1];
        // The next chunk overwrites totals, which slower work-items may still be reading.
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}
