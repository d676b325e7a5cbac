#define GROUP 256

// bfloat16 is stored as the top 16 bits of a float32 (DESIGN.md "Spec v2": __global ushort* in OpenCL C).
float bf16_to_float(ushort bits)
{
    return as_float((uint)bits << 16);
}

// s += value atomically. OpenCL 1.2 has no float atomics, so this retries a compare-and-swap on the bits
// until no other work-group changed s in between.
void atomic_add_float(volatile __global float* s, float value)
{
    union { unsigned int bits; float f; } seen, sum;
    do {
        seen.f = *s;
        sum.f = seen.f + value;
    } while (atomic_cmpxchg((volatile __global unsigned int*)s, seen.bits, sum.bits) != seen.bits);
}

// s[0] = Σ x, x in bfloat16 and the sum kept in float32 (as torch.sum(x, dtype=torch.float32)). Each work-item
// sums a grid-strided share of x in a register, the work-group adds those up as a tree in local memory, and
// one work-item adds the group's total to s, which the harness zero-fills before every launch. The global size
// is capped, so there are few atomics however large n is.
__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))
void reduce_sum(__global const ushort* x, __global float* s, const int n)
{
    __local float partial[GROUP];
    int lid = get_local_id(0);
    float sum = 0.0f;
    for (size_t i = get_global_id(0); i < (size_t)n; i += get_global_size(0))
        sum += bf16_to_float(x[i]);
    partial[lid] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
        if (lid < stride)
            partial[lid] += partial[lid + stride];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0)
        atomic_add_float(s, partial[0]);
}
