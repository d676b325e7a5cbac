// expect: failed | out of bounds after the end of z: the guard zone changed at z[1000] (1 element
// A guard of i <= n: with n = 1000 and blocks of 256, thread 1000 writes z[1000].
extern "C" __global__ void vector_add(const float* x, const float* y, float* z, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i <= n)
        z[i] = x[i] + y[i];
}
