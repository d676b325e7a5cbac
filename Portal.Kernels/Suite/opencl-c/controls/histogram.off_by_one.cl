// CONTROL KERNEL, must fail (off_by_one): the last bin is never added to h.
#define GROUP 256
#define LOCAL_BINS 1024

// h[b] = number of x[i] equal to b. Each work-group counts a grid-strided share of x into its own histogram
// in local memory, where atomics are cheap, then adds each non-empty bin to h with one global atomic; h is
// zero-filled by the harness before every launch. More bins than fit in local memory are counted straight
// into h. bins is the same for every work-item, so the early return cannot split a work-group at a barrier.
__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void histogram(__global const int* x, __global int* h, const int n, const int bins)
{
    __local int counts[LOCAL_BINS];
    int lid = get_local_id(0);
    if (bins > LOCAL_BINS) {
        for (size_t i = get_global_id(0); i < (size_t)n; i += get_global_size(0))
            atomic_inc(&h[x[i]]);
        return;
    }
    for (int b = lid; b < bins; b += GROUP)
        counts[b] = 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t i = get_global_id(0); i < (size_t)n; i += get_global_size(0))
        atomic_inc(&counts[x[i]]);
    barrier(CLK_LOCAL_MEM_FENCE);
    // Every bin, in strides of the work-group size: there may be more bins than work-items.
    for (int b = lid; b < bins - 1; b += GROUP) {
        if (counts[b] != 0)
            atomic_add(&h[b], counts[b]);
    }
}
