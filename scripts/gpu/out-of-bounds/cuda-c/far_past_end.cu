// expect: failed | out of bounds after the end of z: the guard zone changed at z[2000] (1 element
// Every element of z right, and one write to z[n + 1000]: it must be blamed on z, not on whatever lies beyond it.
extern "C" __global__ void vector_add(const float* x, const float* y, float* z, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        z[i] = x[i] + y[i];
    if (i == 0)
        z[n + 1000] = 1.0f;
}
