// expect: failed | out of bounds before the start of z: the guard zone changed at z[-1] (1 element
// Every element of z right, and one write to z[-1] through index arithmetic.
extern "C" __global__ void vector_add(const float* x, const float* y, float* z, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        z[i] = x[i] + y[i];
    int before = i - 1;
    if (i == 0)
        z[before] = 1.0f;
}
